import { type FakeFlinks, type Fault, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createGateway, type Gateway } from "../../src/gateway.js";
import { AUTHORIZE, authorized, CALLER_KEY, graphql, LOGIN_ID } from "../harness.js";

// Faults on a real loopback server through the gateway's real transport. Each must become a typed
// GraphQL result within the faulty call's budget plus 100 ms, and the gateway must keep serving afterwards.
const TIMEOUT_MS = 300;
let upstream: FakeFlinks;
let gateway: Gateway;

beforeAll(async () => {
  upstream = await startFakeFlinks();
  gateway = createGateway(
    loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: "fault-secret",
      GATEWAY_API_KEYS: CALLER_KEY,
      FLINKS_TIMEOUT_MS: String(TIMEOUT_MS),
      FLINKS_TOKEN_TIMEOUT_MS: String(TIMEOUT_MS),
      // Faults are injected per call and calls are counted: no background token minting.

      // One LoginId, many calls: what these cases count is faults, not abuse (abuse-limits.test.ts).
      GATEWAY_RATE_LIMITS: "off",
    }),
  );
  // Warm up (first connection, JIT) so each case measures only its fault.
  await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

const cases: Array<[string, { token?: Fault; authorize?: Fault; slowMs?: number }, string]> = [
  ["Authorize hangs", { authorize: "hang" }, "UpstreamTimeoutError"],
  [
    "Authorize answers after the deadline",
    { authorize: "slow", slowMs: TIMEOUT_MS + 200 },
    "UpstreamTimeoutError",
  ],
  ["GenerateAuthorizeToken hangs", { token: "hang" }, "UpstreamTimeoutError"],
  ["Authorize answers 500", { authorize: "status500" }, "InstitutionUnavailableError"],
  [
    "GenerateAuthorizeToken answers 500 (retried, then given up)",
    { token: "status500" },
    "InstitutionUnavailableError",
  ],
  ["the connection resets mid-body", { authorize: "resetMidBody" }, "UpstreamUnavailableError"],
  ["the connection drops before an answer", { authorize: "destroyBeforeAnswer" }, "UpstreamUnavailableError"],
  ["an edge answers an HTML 502 for Flinks", { authorize: "notJson" }, "UpstreamUnavailableError"],
  ["the body breaks the schema", { authorize: "schemaBreaking" }, "UpstreamContractError"],
  ["Flinks rejects the authorize token", { authorize: "rejectedToken" }, "GatewayAccessDeniedError"],
  ["Flinks rejects the secret key", { token: "rejectedToken" }, "GatewayAccessDeniedError"],
];

describe("every upstream fault is a typed result within the deadline", () => {
  test.each(cases.map(([name, faults, typename]) => [`${name} → ${typename}`, faults, typename] as const))(
    "%s",
    async (_, faults, typename) => {
      upstream.faults = { GenerateAuthorizeToken: faults.token ?? "ok", Authorize: faults.authorize ?? "ok" };
      upstream.slowMs = faults.slowMs ?? 0;
      const started = performance.now();
      const response = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.authorize?.__typename).toBe(typename);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 100);

      // …and the next request is served normally.
      upstream.faults = {};
      const next = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
      expect(next.body.data?.authorize).toMatchObject({
        __typename: "Authorized",
        requestId: authorized.RequestId,
      });
    },
  );

  test("a token call failing with 5xx is retried; Authorize is never retried", async () => {
    upstream.faults = { GenerateAuthorizeToken: "status500" };
    await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    expect(upstream.count("GenerateAuthorizeToken")).toBeGreaterThanOrEqual(2);
    expect(upstream.count("GenerateAuthorizeToken")).toBeLessThanOrEqual(3);

    upstream.reset();
    upstream.faults = { Authorize: "status500" };
    await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    expect(upstream.count("Authorize")).toBe(1);
  });

  test("the request id is forwarded upstream and echoed back", async () => {
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${CALLER_KEY}`,
        "x-request-id": "trace-123",
      },
      body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
    });
    expect(response.headers.get("x-request-id")).toBe("trace-123");
    expect(upstream.calls.map((call) => call.headers["x-request-id"])).toEqual(["trace-123", "trace-123"]);
  });

  test("an unsafe incoming request id is replaced by a fresh one", async () => {
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${CALLER_KEY}`,
        "x-request-id": "bad id\twith spaces",
      },
      body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
    });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
