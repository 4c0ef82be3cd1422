import { once } from "node:events";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { sleep, waitFor } from "@flinks-authorize/kit/ports";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createGateway, type Gateway } from "../../src/gateway.js";
import { AUTHORIZE, CALLER_KEY, LOGIN_ID, logCapture } from "../harness.js";

// A GraphQL caller that goes away must not leave its Flinks call running until the deadline: the
// gateway passes the request's AbortSignal to the client, and Yoga's Node adapter (@whatwg-node/server)
// aborts that signal when the caller's socket closes. The fake Flinks counts the requests whose client
// closed the socket before the answer (`aborted` in its stats).

let upstream: FakeFlinks;
let gateway: Gateway;
const log = logCapture();
let server: Server;
let port = 0;

beforeAll(async () => {
  upstream = await startFakeFlinks();
  gateway = createGateway(
    loadConfig({
      NODE_ENV: "test",
      // Production's level: what an operator reconciles with must be logged there.
      LOG_LEVEL: "warn",
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: "cancellation-secret",
      GATEWAY_API_KEYS: CALLER_KEY,
      // Far beyond the test: only the caller's disconnect can end the upstream call in time.
      FLINKS_TIMEOUT_MS: "30000",
      FLINKS_LIVE_TIMEOUT_MS: "30000",
    }),
    { logDestination: log.destination },
  );
  server = createServer(gateway.yoga);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await gateway?.close();
  await upstream?.close();
});

beforeEach(() => upstream.reset());

const authorizeCalls = () => upstream.count("Authorize");
const abortedCalls = () => upstream.stats().aborted;

/** POSTs the authorize mutation on its own connection; the caller decides when to hang up. */
function startAuthorize() {
  const body = JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } });
  const request = httpRequest({
    host: "127.0.0.1",
    port,
    path: "/graphql",
    method: "POST",
    agent: false,
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${CALLER_KEY}`,
      "content-length": Buffer.byteLength(body),
    },
  });
  let settled: "response" | "error" | undefined;
  request.on("response", (response) => {
    settled = "response";
    response.resume();
  });
  request.on("error", () => {
    settled ??= "error";
  });
  request.end(body);
  return { request, settled: () => settled };
}

describe("caller disconnects", () => {
  test("an aborted GraphQL request cancels its hanging Authorize call within 1 s", async () => {
    upstream.faults.Authorize = "hang";
    const started = performance.now();
    const call = startAuthorize();
    try {
      // The token was minted and Authorize reached Flinks, which now hangs.
      expect(await waitFor(() => authorizeCalls() === 1, { timeoutMs: 2_000 })).toBe(true);
      expect(abortedCalls()).toBe(0);
      await sleep(Math.max(0, 200 - (performance.now() - started)));
      expect(call.settled()).toBeUndefined();

      call.request.destroy();
      const hungUp = performance.now();
      expect(await waitFor(() => abortedCalls() === 1, { timeoutMs: 1_000 })).toBe(true);
      expect(performance.now() - hungUp).toBeLessThan(1_000);
      // Flinks may act on that Authorize with no one to hear the answer: a line to reconcile, with the ids
      // Flinks' support and the lender's records use.
      const undelivered = () => log.records().filter((line) => line.msg === "upstream answer not delivered");
      expect(await waitFor(() => undelivered().length === 1, { timeoutMs: 1_000 })).toBe(true);
      expect(undelivered()[0]).toMatchObject({
        level: 40,
        consumer: "key:key-1",
        requestId: expect.any(String),
        call: "Authorize",
        reason: "caller gone",
        loginId: LOGIN_ID,
      });
    } finally {
      call.request.destroy();
    }
  });

  test("the gateway keeps serving after a cancelled call, and a completed call is not counted", async () => {
    upstream.faults.Authorize = "hang";
    const aborted = startAuthorize();
    expect(await waitFor(() => authorizeCalls() === 1, { timeoutMs: 2_000 })).toBe(true);
    await sleep(200);
    aborted.request.destroy();
    expect(await waitFor(() => abortedCalls() === 1, { timeoutMs: 1_000 })).toBe(true);

    upstream.faults.Authorize = "ok";
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}` },
      body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { data?: { authorize?: { __typename?: string } } };
    expect(response.status).toBe(200);
    expect(body.data?.authorize?.__typename).toBe("Authorized");
    expect(authorizeCalls()).toBe(2);
    expect(abortedCalls()).toBe(1);
  });
});
