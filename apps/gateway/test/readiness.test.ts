import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { createReadinessCheck } from "../src/readiness.js";

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
