import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import { freePort, LOOPBACK, sleep } from "@flinks-authorize/kit/ports";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { AUTHORIZE, CALLER_KEY, LOGIN_ID } from "../harness.js";
import { postGraphQL } from "./support.js";

// The production bundle with metrics and traces on: /metrics on its own port after a scripted mix, and
// spans exported over OTLP/HTTP to a small loopback receiver, in the trace whose traceparent Flinks got.

const SECRET_KEY = "CANARY-SECRET-observability-6b2d";

/** The part of an OTLP/JSON trace export read here. */
interface OtlpExport {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; name: string }> }> }>;
}

interface Receiver {
  url: string;
  bodies: string[];
  server: Server;
}

/** An OTLP/HTTP (JSON) trace receiver on loopback: keeps each export's body, answers success. */
async function startReceiver(): Promise<Receiver> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url === "/v1/traces") bodies.push(Buffer.concat(chunks).toString("utf8"));
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  server.listen(0, LOOPBACK);
  await once(server, "listening");
  return { url: `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`, bodies, server };
}

let upstream: FakeFlinks;
let receiver: Receiver;
let gateway: GatewayProcess;
let metricsPort: number;

beforeAll(async () => {
  upstream = await startFakeFlinks();
  receiver = await startReceiver();
  metricsPort = await freePort();
  const bundle = inject("gatewayBundle");
  gateway = await startGateway({
    entry: bundle,
    cwd: dirname(bundle),
    env: {
      NODE_ENV: "production",
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: SECRET_KEY,
      GATEWAY_API_KEYS: CALLER_KEY,
      GATEWAY_METRICS_PORT: String(metricsPort),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: "gateway-process-test",
      // Export within a tenth of a second rather than the default 5 s.
      OTEL_BSP_SCHEDULE_DELAY: "100",
    },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  receiver?.server.close();
});

const scrape = async () => {
  const response = await fetch(`http://${LOOPBACK}:${metricsPort}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  expect(response.status).toBe(200);
  return response.text();
};

describe("the production bundle with GATEWAY_METRICS_PORT and OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  test("/metrics on its own port counts a scripted mix; the GraphQL port does not serve it", async () => {
    const input = { input: { loginId: LOGIN_ID } };
    for (let call = 0; call < 2; call++)
      expect((await postGraphQL(gateway.port, AUTHORIZE, input)).authorize?.__typename).toBe("Authorized");
    upstream.faults.Authorize = "status500";
    expect((await postGraphQL(gateway.port, AUTHORIZE, input)).authorize).toMatchObject({
      __typename: "InstitutionUnavailableError",
      code: "AGGREGATION_ERROR",
    });
    upstream.faults.Authorize = "ok";

    const text = await scrape();
    expect(text).toContain(
      'flinks_gateway_session_results_total{field="authorize",result="Authorized",code="none"} 2',
    );
    expect(text).toContain(
      'flinks_gateway_session_results_total{field="authorize",result="InstitutionUnavailableError",code="AGGREGATION_ERROR"} 1',
    );
    expect(text).toMatch(
      /flinks_gateway_upstream_duration_seconds_count\{operation="GenerateAuthorizeToken",outcome="token"\} 3\n/,
    );
    expect(text).toContain('graphql_envelop_request{operationType="mutation"} 3');
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(text).not.toContain(SECRET_KEY);

    const onGraphQLPort = await fetch(`${gateway.url}/metrics`, {
      headers: { authorization: `Bearer ${CALLER_KEY}` },
    });
    expect(await onGraphQLPort.text()).not.toContain("flinks_gateway_");
  });

  test("spans reach the OTLP receiver, in the trace whose traceparent Flinks received", async () => {
    upstream.calls.length = 0;
    receiver.bodies.length = 0;
    await postGraphQL(gateway.port, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    const traceparent = String(
      upstream.calls.find((call) => call.operation === "Authorize")?.headers.traceparent,
    );
    const traceId = traceparent.split("-")[1] ?? "";
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // Spans of this trace only: an export of the previous test's may still be landing.
    const spansOfTrace = () =>
      receiver.bodies
        .flatMap((body) => (JSON.parse(body) as OtlpExport).resourceSpans)
        .flatMap(({ scopeSpans }) => scopeSpans.flatMap(({ spans }) => spans))
        .filter((span) => span.traceId === traceId)
        .map(({ name }) => name)
        .sort();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && spansOfTrace().length < 5) await sleep(50);
    expect(spansOfTrace()).toEqual([
      "Flinks Authorize",
      "Flinks GenerateAuthorizeToken",
      "POST",
      "POST",
      "mutation.Authorize",
    ]);
    const exported = receiver.bodies.join("\n");
    expect(exported).toContain("gateway-process-test");
    expect(exported).not.toContain(SECRET_KEY);
    expect(exported).not.toContain(CALLER_KEY);
  });
});
