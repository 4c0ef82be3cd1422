import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createGateway, type Gateway } from "../../src/gateway.js";
import { startTracing, type Tracing } from "../../src/observability/tracing.js";
import { AUTHORIZE, CALLER_KEY, graphql, mfaRequired, SUBMIT_MFA } from "../harness.js";

// Traces in process, on the client's real transport (undici) against a loopback fake Flinks, so the
// undici instrumentation's diagnostics_channel path and the `traceparent` it sends are what is tested.
// Every secret is a canary: none may appear in any span.

const CANARY = {
  secretKey: "CANARY-SECRET-trace-4e1b",
  token: "CANARY-TOKEN-trace-9a0c",
  username: "CANARY-USERNAME-trace-31f7",
  password: "CANARY-PASSWORD-trace-d00d",
  answer: "CANARY-ANSWER-trace-beef",
  callerKey: CALLER_KEY,
};
const PROMPT = "What shape do people like most?";

let upstream: FakeFlinks;
let tracing: Tracing;
let gateway: Gateway;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  upstream = await startFakeFlinks();
  upstream.script = (call) => {
    if (call.operation === "GenerateAuthorizeToken")
      return { status: 200, body: { HttpStatusCode: 200, Token: CANARY.token } };
    if (call.operation === "Authorize" && call.body?.SecurityResponses === undefined)
      return { status: 203, body: mfaRequired([PROMPT]) };
    return undefined;
  };
  tracing = startTracing(
    { endpoint: "http://127.0.0.1:9/unused", serviceName: "gateway-under-test" },
    { spanProcessor: new SimpleSpanProcessor(exporter) },
  );
  gateway = createGateway(
    loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: CANARY.secretKey,
      GATEWAY_API_KEYS: CALLER_KEY,
    }),
    { tracing },
  );
});

afterAll(async () => {
  await gateway?.close();
  await tracing?.shutdown();
  await upstream?.close();
});

const live = { institution: "FlinksCapital", username: CANARY.username, password: CANARY.password };
const byTrace = (spans: ReadableSpan[], traceId: string) =>
  spans.filter((span) => span.spanContext().traceId === traceId);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe("traces", () => {
  test("one trace per operation: operation span → a span per Flinks call → undici's, and Flinks got its traceparent", async () => {
    exporter.reset();
    upstream.calls.length = 0;
    const first = await graphql(gateway, AUTHORIZE, { input: live });
    expect(first.body.data?.authorize?.__typename).toBe("MfaRequired");
    const spans = exporter.getFinishedSpans();
    const operation = spans.find((span) => span.name === "mutation.Authorize");
    expect(operation, spans.map((span) => span.name).join(", ")).toBeDefined();
    if (!operation) return;
    const { traceId, spanId } = operation.spanContext();
    expect(parentOf(operation)).toBeUndefined();

    const trace = byTrace(spans, traceId);
    const calls = trace.filter((span) => span.name.startsWith("Flinks "));
    expect(calls.map((span) => span.name)).toEqual(["Flinks GenerateAuthorizeToken", "Flinks Authorize"]);
    for (const call of calls) expect(parentOf(call)).toBe(spanId);
    expect(calls[1]?.attributes).toMatchObject({
      "flinks.outcome": "mfaRequired",
      "http.response.status_code": 203,
    });
    // undici's client span sits under each call's span, and is the parent Flinks was told about.
    for (const call of calls) {
      const http = trace.find((span) => parentOf(span) === call.spanContext().spanId);
      expect(http?.name).toBe("POST");
      const received = upstream.calls.find((seen) => `Flinks ${seen.operation}` === call.name);
      expect(received?.headers.traceparent).toBe(`00-${traceId}-${http?.spanContext().spanId}-01`);
    }
  });

  test("no variable, credential, token, key or answer on any span, on any path", async () => {
    exporter.reset();
    const mfa = await graphql(gateway, AUTHORIZE, { input: live });
    const handle = mfa.body.data?.authorize?.handle;
    const answered = await graphql(gateway, SUBMIT_MFA, {
      input: { handle, responses: [{ prompt: PROMPT, answers: [CANARY.answer] }] },
    });
    expect(answered.body.data?.submitMfa?.__typename).toBe("Authorized");
    // Inline credentials in the document, and a value graphql-js would quote in its coercion error.
    const inline = `mutation { authorize(input: { institution: "FlinksCapital", username: "${CANARY.username}", password: "${CANARY.password}" }) { __typename } }`;
    expect((await graphql(gateway, inline)).status).toBe(200);
    const coerced = await graphql(gateway, AUTHORIZE, { input: { ...live, language: CANARY.answer } });
    expect(coerced.body.errors).toBeDefined();

    const spans = exporter.getFinishedSpans();
    expect(spans.some((span) => span.name === "mutation.SubmitMfa")).toBe(true);
    expect(spans.some((span) => span.status.code === 2)).toBe(true);
    const everything = JSON.stringify(
      spans.map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        links: span.links,
        resource: span.resource.attributes,
      })),
    );
    for (const value of [...Object.values(CANARY), String(handle)]) expect(everything).not.toContain(value);
  });
});
