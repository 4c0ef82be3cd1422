import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { afterEach, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/gateway.js";
import { createMetricsServer } from "../../src/observability/metrics-server.js";
import { createPrometheusObservability } from "../../src/observability/prometheus.js";
import {
  AUTHORIZE,
  authorized,
  fakeUpstream,
  graphql,
  LIVE_ENV,
  LOGIN_ID,
  mfaRequired,
  SUBMIT_MFA,
  testGateway,
  type UpstreamAnswer,
  type UpstreamCall,
} from "../harness.js";

// A scripted mix of session calls through a gateway with metrics on (an injected registry, a fake
// upstream), then the exposition read back: each count is the one the script implies.

const USERNAME = "CANARY-USER-metrics-5d1f";
const PASSWORD = "CANARY-PASSWORD-metrics-77aa";
const ANSWER = "CANARY-ANSWER-metrics-0c3e";
const PROMPT = "What shape do people like most?";

/** The value of one sample of the exposition text, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
    const found = Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`));
    if (found) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

const gateways: Gateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

function measured(
  authorize: (call: UpstreamCall) => UpstreamAnswer | Promise<UpstreamAnswer>,
  env: Record<string, string> = {},
) {
  const prometheus = createPrometheusObservability({ registry: new Registry() });
  const upstream = fakeUpstream({ authorize });
  const gateway = testGateway(upstream, { ...LIVE_ENV, ...env }, { metrics: prometheus });
  gateways.push(gateway);
  return { gateway, upstream, scrape: () => prometheus.registry.metrics() };
}

const rejection = (code: string) => ({
  status: 401,
  body: { HttpStatusCode: 401, FlinksCode: code, Message: "refused" },
});

describe("metrics after a scripted mix", () => {
  test("session results by field, member and code; upstream calls by operation and outcome; handles", async () => {
    const answers: UpstreamAnswer[] = [
      { status: 200, body: authorized },
      rejection("INVALID_PASSWORD"),
      rejection("BRAND_NEW_CODE"),
      { status: 203, body: mfaRequired([PROMPT]) },
      { status: 200, body: authorized },
    ];
    const { gateway, scrape } = measured(() => answers.shift() ?? { status: 500, body: {} });
    const live = { institution: "FlinksCapital", username: USERNAME, password: PASSWORD };
    const run = async (input: Record<string, unknown>) =>
      (await graphql(gateway, AUTHORIZE, { input })).body.data?.authorize;

    expect((await run({ loginId: LOGIN_ID }))?.__typename).toBe("Authorized");
    expect((await run(live))?.__typename).toBe("InvalidCredentialsError");
    expect((await run(live))?.__typename).toBe("UnknownFlinksError");
    const mfa = await run(live);
    expect(mfa?.__typename).toBe("MfaRequired");
    const submit = { handle: mfa?.handle, responses: [{ prompt: PROMPT, answers: [ANSWER] }] };
    const answered = await graphql(gateway, SUBMIT_MFA, { input: submit });
    expect(answered.body.data?.submitMfa?.__typename).toBe("Authorized");
    const replayed = await graphql(gateway, SUBMIT_MFA, { input: submit });
    expect(replayed.body.data?.submitMfa?.__typename).toBe("SessionError");
    const forged = await graphql(gateway, SUBMIT_MFA, { input: { ...submit, handle: "not-a-handle" } });
    expect(forged.body.data?.submitMfa?.__typename).toBe("InvalidInputError");
    expect((await run({ loginId: "not-a-uuid" }))?.__typename).toBe("InvalidInputError");

    const text = await scrape();
    const results = (field: string, result: string, code: string) =>
      sample(text, "flinks_gateway_session_results_total", { field, result, code });
    expect(results("authorize", "Authorized", "none")).toBe(1);
    expect(results("authorize", "InvalidCredentialsError", "INVALID_PASSWORD")).toBe(1);
    // A code newer than the gateway is `other`: what Flinks sent never becomes a label.
    expect(results("authorize", "UnknownFlinksError", "other")).toBe(1);
    expect(text).not.toContain("BRAND_NEW_CODE");
    expect(results("authorize", "MfaRequired", "none")).toBe(1);
    expect(results("authorize", "InvalidInputError", "none")).toBe(1);
    expect(results("submitMfa", "Authorized", "none")).toBe(1);
    expect(results("submitMfa", "SessionError", "SESSION_EXPIRED")).toBe(1);
    expect(results("submitMfa", "InvalidInputError", "none")).toBe(1);

    // A token minted for each of the four authorize calls that reached Flinks, five Authorize calls.
    const calls = (operation: string, outcome: string) =>
      sample(text, "flinks_gateway_upstream_duration_seconds_count", { operation, outcome });
    expect(calls("GenerateAuthorizeToken", "token")).toBe(4);
    expect(calls("Authorize", "authorized")).toBe(2);
    expect(calls("Authorize", "flinksError")).toBe(2);
    expect(calls("Authorize", "mfaRequired")).toBe(1);

    const handles = (event: string) =>
      sample(text, "flinks_gateway_session_handles_total", { step: "mfa", event });
    expect(handles("issued")).toBe(1);
    expect(handles("opened")).toBe(2);
    expect(handles("replayed")).toBe(1);
    expect(handles("malformed")).toBe(1);

    expect(sample(text, "flinks_gateway_upstream_in_flight")).toBe(0);
    expect(sample(text, "flinks_gateway_upstream_slots")).toBe(2500);
    // Yoga's own metrics, by operation type and status: never by a name a caller writes.
    expect(sample(text, "graphql_envelop_request", { operationType: "mutation" })).toBe(8);
    expect(
      sample(text, "graphql_yoga_http_duration_count", { operationType: "mutation", statusCode: "200" }),
    ).toBe(8);
    // What the callers sent is nowhere: credentials, answers, the LoginId, the handle.
    for (const value of [USERNAME, PASSWORD, ANSWER, LOGIN_ID, String(mfa?.handle)])
      expect(text).not.toContain(value);
  });

  test("operation names a caller invents never become a label", async () => {
    const { gateway, scrape } = measured(() => ({ status: 200, body: authorized }));
    for (const name of ["Invented1", "Invented2", "Invented3"]) {
      const query = `mutation ${name} { authorize(input: { loginId: "${LOGIN_ID}" }) { __typename } }`;
      expect((await graphql(gateway, query)).body.data?.authorize?.__typename).toBe("Authorized");
    }
    const text = await scrape();
    expect(text).not.toContain("Invented");
    expect(text).not.toContain("operationName");
  });

  test("busy refusals, and calls in flight while they are", async () => {
    const stalled: Array<() => void> = [];
    const { gateway, scrape } = measured(
      () => new Promise((resolve) => stalled.push(() => resolve({ status: 200, body: authorized }))),
      { FLINKS_MAX_IN_FLIGHT: "1", FLINKS_SLOT_WAIT_MS: "0" },
    );
    const input = { input: { loginId: LOGIN_ID } };
    const held = graphql(gateway, AUTHORIZE, input);
    while (stalled.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await graphql(gateway, AUTHORIZE, input)).body.data?.authorize?.__typename).toBe(
      "GatewayBusyError",
    );
    const during = await scrape();
    expect(sample(during, "flinks_gateway_upstream_in_flight")).toBe(1);
    expect(sample(during, "flinks_gateway_upstream_busy_total")).toBe(1);
    expect(sample(during, "flinks_gateway_session_results_total", { result: "GatewayBusyError" })).toBe(1);
    for (const release of stalled) release();
    await held;
    expect(sample(await scrape(), "flinks_gateway_upstream_in_flight")).toBe(0);
  });

  test("rate-limit refusals, by budget and scope", async () => {
    const { gateway, scrape } = measured(() => ({ status: 200, body: authorized }), {
      GATEWAY_RATE_LIMITS: "on",
      GATEWAY_LIMIT_CONSUMER_PER_MINUTE: "2",
    });
    const results: string[] = [];
    for (let call = 0; call < 4; call++) {
      const answer = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
      results.push(String(answer.body.data?.authorize?.__typename));
    }
    expect(results).toEqual(["Authorized", "Authorized", "RateLimitedError", "RateLimitedError"]);
    const text = await scrape();
    expect(sample(text, "flinks_gateway_rate_limited_total", { budget: "calls", scope: "consumer" })).toBe(2);
    expect(sample(text, "flinks_gateway_session_results_total", { result: "RateLimitedError" })).toBe(2);
  });
});

describe("the metrics listener", () => {
  test("serves GET /metrics only, with the registry's content type", async () => {
    const registry = new Registry();
    const server = createMetricsServer({
      scrape: () => registry.metrics(),
      contentType: registry.contentType,
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const scraped = await fetch(`${base}/metrics`);
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get("content-type")).toBe(registry.contentType);
      expect((await fetch(`${base}/graphql`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: "POST" })).status).toBe(405);
    } finally {
      server.close();
    }
  });

  test("a failed scrape is a 500 that does not quote the error", async () => {
    const server = createMetricsServer({
      scrape: () => Promise.reject(new Error("CANARY-collector-failure")),
      contentType: "text/plain",
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain("CANARY");
    } finally {
      server.close();
    }
  });
});
