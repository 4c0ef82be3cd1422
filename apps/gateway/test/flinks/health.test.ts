import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { createReadinessCheck } from "../../src/flinks/health.js";
import { fakeUpstream, LIVE_ENV, testGateway } from "../harness.js";

describe("createReadinessCheck", () => {
  test("tcp (the mock): ready while something accepts connections, and no HTTP request is made", async () => {
    let bytes = 0;
    const server = createServer((socket) => socket.on("data", (chunk) => (bytes += chunk.length)));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    expect(await createReadinessCheck({ baseUrl: `http://127.0.0.1:${port}`, probe: "tcp" })()).toBe(true);
    server.close();
    await once(server, "close");
    expect(bytes).toBe(0);
    expect(await createReadinessCheck({ baseUrl: `http://127.0.0.1:${port}`, probe: "tcp" })()).toBe(false);
  });

  test("http: any answer is ready, a failure is not, and an answer is reused for 5 s", async () => {
    let calls = 0;
    let up = true;
    const check = createReadinessCheck({
      baseUrl: "http://flinks.test",
      probe: "http",
      fetch: async () => {
        calls++;
        if (!up) throw new TypeError("fetch failed");
        return new Response("not found", { status: 404 });
      },
    });
    expect(await check()).toBe(true);
    up = false;
    expect(await check()).toBe(true);
    expect(calls).toBe(1);
    const down = createReadinessCheck({
      baseUrl: "http://flinks.test",
      probe: "http",
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    expect(await down()).toBe(false);
  });
});

describe("/ready while the process drains", () => {
  test("answers 503 from startDraining on, without asking the upstream; /health stays 200", async () => {
    const upstream = fakeUpstream({});
    let probes = 0;
    const gateway = testGateway(
      {
        ...upstream,
        fetch: async (request) => {
          if (new URL(request.url).pathname === "/") probes++;
          return upstream.fetch(request);
        },
      },
      LIVE_ENV,
    );
    try {
      const ready = await gateway.yoga.fetch("http://gateway.test/ready");
      expect(ready.status).toBe(200);
      expect(probes).toBe(1);

      gateway.startDraining();
      const draining = await gateway.yoga.fetch("http://gateway.test/ready");
      expect(draining.status).toBe(503);
      // Not the upstream's answer: the cached "reachable" would still say 200, and no probe was made.
      expect(probes).toBe(1);
      expect((await gateway.yoga.fetch("http://gateway.test/health")).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});
