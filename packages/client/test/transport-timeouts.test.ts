import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createFlinksClient, createKeepAliveFetch } from "../src/index.js";
import { CUSTOMER_ID } from "./helpers.js";

// Flinks holds a live Authorize up to 210 s, and a caller may allow longer: undici's 300 s headers and
// body timeouts would end such a call early, as a network error. Fake timers jump past them. They are
// installed once for the file, before undici starts its tick timer, so that undici's clock is the fake
// one in every test; the control shows it is.
const UNDICI_DEFAULT_TIMEOUT_MS = 300_000;

/** Never answers; under /body it sends the headers and the start of a body, then nothing more. */
const server = createServer((req, res) => {
  req.resume();
  if (!req.url?.startsWith("/body")) return;
  res.writeHead(200, { "content-type": "application/json" });
  res.write('{"HttpStatusCode":');
});
let origin = "";
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  vi.useRealTimers();
  server.closeAllConnections();
  server.close();
});

/** Lets the real socket work happen between fake-clock jumps. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test("control: with undici's default headersTimeout the call ends at 300 s", async () => {
  const fetch = createKeepAliveFetch({ headersTimeout: UNDICI_DEFAULT_TIMEOUT_MS });
  const call = fetch(new Request(origin, { method: "POST", body: "{}" })).catch((error: unknown) => error);
  await settle();
  await vi.advanceTimersByTimeAsync(UNDICI_DEFAULT_TIMEOUT_MS + 2_000);
  await settle();
  expect(await call).toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT" });
  await fetch.close();
});

test.each([
  ["its headers", ""],
  ["its body", "/body"],
])(
  "the client's deadline is the only one: a 400 s call waiting for %s is not cut at 300 s",
  async (_, path) => {
    const client = createFlinksClient({
      baseUrl: origin + path,
      customerId: CUSTOMER_ID,
      timeoutMs: 400_000,
    });
    let settled = false;
    const call = client.generateAuthorizeToken("s").finally(() => {
      settled = true;
    });
    await settle();
    await vi.advanceTimersByTimeAsync(UNDICI_DEFAULT_TIMEOUT_MS + 2_000);
    await settle();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(400_000 - UNDICI_DEFAULT_TIMEOUT_MS);
    expect(await call).toMatchObject({ kind: "timeout", timeoutMs: 400_000 });
    await client.close();
  },
);
