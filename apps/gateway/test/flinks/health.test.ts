import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { createUpstreamProbe } from "../../src/flinks/health.js";
import { fakeUpstream, LIVE_ENV, testGateway } from "../harness.js";

describe("createUpstreamProbe", () => {
  test("tcp (the mock): ready while something accepts connections, and no HTTP request is made", async () => {
    let bytes = 0;
    const server = createServer((socket) => socket.on("data", (chunk) => (bytes += chunk.length)));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    expect(await createUpstreamProbe({ baseUrl: `http://127.0.0.1:${port}`, probe: "tcp" })()).toBe(true);
    server.close();
    await once(server, "close");
    expect(bytes).toBe(0);
    expect(await createUpstreamProbe({ baseUrl: `http://127.0.0.1:${port}`, probe: "tcp" })()).toBe(false);
  });

  test("http: any answer is ready, a failure is not, and an answer is reused for 5 s", async () => {
    let calls = 0;
    let up = true;
    const check = createUpstreamProbe({
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
    const down = createUpstreamProbe({
      baseUrl: "http://flinks.test",
      probe: "http",
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    expect(await down()).toBe(false);
  });
});

describe("/ready says whether this replica can serve; /status says what it sees of Flinks", () => {
  test("Flinks unreachable: /ready stays 200 (a balancer keeps the replica, callers get typed answers), /status says so", async () => {
    const upstream = fakeUpstream({});
    const gateway = testGateway(
      {
        ...upstream,
        fetch: async () => {
          throw new TypeError("fetch failed");
        },
      },
      LIVE_ENV,
    );
    try {
      expect((await gateway.yoga.fetch("http://gateway.test/ready")).status).toBe(200);
      const status = await gateway.yoga.fetch("http://gateway.test/status");
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({
        ready: true,
        draining: false,
        shedding: false,
        upstream: { reachable: false, inFlight: 0, waiting: 0, maxInFlight: 2500 },
      });
    } finally {
      await gateway.close();
    }
  });

  test("draining: /ready answers 503 from startDraining on; /health stays 200", async () => {
    const gateway = testGateway(fakeUpstream({}), LIVE_ENV);
    try {
      expect((await gateway.yoga.fetch("http://gateway.test/ready")).status).toBe(200);
      gateway.startDraining();
      expect((await gateway.yoga.fetch("http://gateway.test/ready")).status).toBe(503);
      expect((await gateway.yoga.fetch("http://gateway.test/health")).status).toBe(200);
      expect(await (await gateway.yoga.fetch("http://gateway.test/status")).json()).toMatchObject({
        ready: false,
        draining: true,
      });
    } finally {
      await gateway.close();
    }
  });
});
