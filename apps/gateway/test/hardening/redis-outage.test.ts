import { freePort } from "@flinks-authorize/kit/ports";
import { afterEach, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/gateway.js";
import {
  AUTHORIZE,
  authorized,
  CALLER_KEY,
  fakeUpstream,
  graphql,
  LIVE_ENV,
  LOGIN_ID,
  logCapture,
  mfaRequired,
  SUBMIT_MFA,
  testGateway,
  type UpstreamCall,
} from "../harness.js";

// REDIS_URL names a Redis that does not answer (nothing listens on its port): what the gateway does
// depends on GATEWAY_REDIS_OUTAGE. With a real Redis, killed mid-run: test/process/shared-limits.test.ts.

const PASSWORD = "CANARY-REDIS-PASSWORD-5eed";
const BUSY = `... on GatewayBusyError { retryAfterSeconds }`;
const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

async function unreachableRedis(env: Record<string, string>) {
  const upstream = fakeUpstream({
    authorize: (call: UpstreamCall) =>
      call.body?.Username === "victim"
        ? { status: 401, body: { HttpStatusCode: 401, FlinksCode: "INVALID_PASSWORD" } }
        : call.body?.SecurityResponses
          ? { status: 200, body: authorized }
          : { status: 203, body: mfaRequired() },
  });
  const logs = logCapture();
  const gateway = testGateway(
    upstream,
    {
      ...LIVE_ENV,
      LOG_LEVEL: "info",
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${await freePort()}`,
      ...env,
    },
    { logDestination: logs.destination },
  );
  gateways.push(gateway);
  const ask = async (query: string, input: Record<string, unknown>) =>
    Object.values(
      (await graphql(gateway, query.replace("__typename", `__typename ${BUSY}`), { input })).body.data ?? {},
    )[0];
  return { gateway, upstream, logs, ask };
}

const victim = { institution: "FlinksCapital", username: "victim", password: "guess" };
const answer = (handle: unknown) => ({
  handle,
  responses: [{ prompt: "What shape do people like most?", answers: ["a"] }],
});
const answerCalls = (calls: UpstreamCall[]) => calls.filter((call) => call.body?.SecurityResponses).length;

describe("GATEWAY_REDIS_OUTAGE=fallback (the default): keeps serving on this process's memory, and says so", () => {
  test("limits still hold, per process", async () => {
    const { ask, upstream, logs } = await unreachableRedis({});
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await ask(AUTHORIZE, victim))?.__typename);
    expect(results).toEqual([
      "InvalidCredentialsError",
      "InvalidCredentialsError",
      "InvalidCredentialsError",
      "RateLimitedError",
    ]);
    expect(upstream.calls.filter((call) => call.operation === "Authorize")).toHaveLength(3);
    const outage = logs.records().filter((line) => String(line.msg).startsWith("Redis unreachable"));
    expect(outage).toHaveLength(1);
    expect(outage[0]).toMatchObject({ level: 50, component: "redis", code: "ECONNREFUSED" });
    expect(String(outage[0]?.msg)).toContain("fall back to this process's memory");
  });

  test("an MFA answer waits for the store (single-use markers fail closed): GatewayBusyError, nothing sent", async () => {
    const { ask, upstream } = await unreachableRedis({});
    const started = await ask(AUTHORIZE, { loginId: LOGIN_ID });
    expect(started?.__typename).toBe("MfaRequired");
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await ask(SUBMIT_MFA, answer(started?.handle));
      expect(refused).toMatchObject({ __typename: "GatewayBusyError", retryable: true });
      expect(String(refused?.message)).toMatch(/single-use handle markers/);
    }
    expect(answerCalls(upstream.calls)).toBe(0);
  });
});

describe("GATEWAY_REDIS_OUTAGE=refuse: no session call goes on without the shared state", () => {
  test("authorize is a GatewayBusyError, retryable, and nothing reaches Flinks", async () => {
    const { ask, upstream, logs } = await unreachableRedis({ GATEWAY_REDIS_OUTAGE: "refuse" });
    const result = await ask(AUTHORIZE, { loginId: LOGIN_ID });
    expect(result).toMatchObject({ __typename: "GatewayBusyError", retryable: true, retryAfterSeconds: 5 });
    expect(String(result?.message)).toMatch(/cannot reach the store its abuse limits share/);
    expect(upstream.calls).toEqual([]);
    expect(logs.records().some((line) => String(line.msg).includes("session calls are refused"))).toBe(true);
  });

  test("with limits off, submitMfa still needs its single-use marker: GatewayBusyError, no answer sent", async () => {
    const { ask, upstream } = await unreachableRedis({
      GATEWAY_REDIS_OUTAGE: "refuse",
      GATEWAY_RATE_LIMITS: "off",
    });
    const started = await ask(AUTHORIZE, { loginId: LOGIN_ID });
    expect(started?.__typename).toBe("MfaRequired");
    const refused = await ask(SUBMIT_MFA, answer(started?.handle));
    expect(refused).toMatchObject({ __typename: "GatewayBusyError", retryable: true });
    expect(String(refused?.message)).toMatch(/single-use handle markers/);
    expect(answerCalls(upstream.calls)).toBe(0);
  });
});

test("REDIS_URL's password appears in no log line or answer", async () => {
  const { gateway, logs } = await unreachableRedis({});
  const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}` },
    body: JSON.stringify({ query: AUTHORIZE, variables: { input: victim } }),
  });
  const everything = [await response.text(), ...logs.lines].join("\n");
  expect(logs.lines.length).toBeGreaterThan(0);
  expect(everything).not.toContain(PASSWORD);
});

test("a bad REDIS_URL or GATEWAY_REDIS_OUTAGE stops the start, without quoting the URL", async () => {
  const { loadConfig } = await import("../../src/config/index.js");
  expect(() => loadConfig({ REDIS_URL: `http://:${PASSWORD}@127.0.0.1:6379` })).toThrow(
    /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/,
  );
  try {
    loadConfig({ REDIS_URL: `http://:${PASSWORD}@127.0.0.1:6379` });
  } catch (error) {
    expect(String(error)).not.toContain(PASSWORD);
  }
  expect(() => loadConfig({ GATEWAY_REDIS_OUTAGE: "ignore" })).toThrow(
    /GATEWAY_REDIS_OUTAGE: must be fallback or refuse/,
  );
});
