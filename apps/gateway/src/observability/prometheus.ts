import { usePrometheus } from "@graphql-yoga/plugin-prometheus";
import type { Plugin } from "graphql-yoga";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { UpstreamSlots } from "../flinks/slots.js";
import type { GatewayMetrics } from "./metrics.js";

/**
 * Metrics on a prom-client registry (docs/operators/observability.md lists each with a query): the
 * domain metrics below, Yoga's request and phase metrics (@graphql-yoga/plugin-prometheus), and Node's
 * process metrics (CPU, memory, event-loop delay). Counters, histograms and gauges only: what a
 * Prometheus query can add up across replicas.
 */

/** Flinks answers a token in tens of ms, a cached Authorize in seconds, a live one in up to 210 s. */
const UPSTREAM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 240];
/** Parse, validate, context building, execute and whole operations: milliseconds to minutes. */
const PHASE_BUCKETS: [number, ...number[]] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 240,
];

export function createPrometheusMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  const sessionResults = new Counter({
    name: "flinks_gateway_session_results_total",
    help: "Session fields answered, by field, result union member and FlinksCode (none: no code; other: a code newer than the gateway).",
    labelNames: ["field", "result", "code"] as const,
    registers,
  });
  const upstreamDuration = new Histogram({
    name: "flinks_gateway_upstream_duration_seconds",
    help: "Calls to Flinks, by operation and outcome (the client's outcome kind), answer body included.",
    labelNames: ["operation", "outcome"] as const,
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const upstreamBusy = new Counter({
    name: "flinks_gateway_upstream_busy_total",
    help: "Requests answered GatewayBusyError because no upstream slot freed within FLINKS_SLOT_WAIT_MS; nothing was sent.",
    registers,
  });
  const sessionHandles = new Counter({
    name: "flinks_gateway_session_handles_total",
    help: "Session handles issued in results, and handles presented by what became of them (opened, expired, malformed, wrongStep, replayed).",
    labelNames: ["step", "event"] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: "flinks_gateway_rate_limited_total",
    help: "Session calls refused by an abuse limit (RateLimitedError), by budget and scope; nothing was sent.",
    labelNames: ["budget", "scope"] as const,
    registers,
  });

  let slots: UpstreamSlots | undefined;
  const gauge = (name: string, help: string, read: (slots: UpstreamSlots) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(slots ? read(slots) : 0);
      },
    });
  gauge(
    "flinks_gateway_upstream_in_flight",
    "Calls to Flinks holding an upstream slot now.",
    (s) => s.inFlight,
  );
  gauge("flinks_gateway_upstream_waiting", "Requests waiting for an upstream slot now.", (s) => s.waiting);
  gauge(
    "flinks_gateway_upstream_slots",
    "The bound on concurrent calls to Flinks (FLINKS_MAX_IN_FLIGHT).",
    (s) => s.max,
  );

  return {
    sessionResult: (field, result, code) => sessionResults.inc({ field, result, code }),
    upstreamCall: (operation, outcome, seconds) => upstreamDuration.observe({ operation, outcome }, seconds),
    upstreamBusy: () => upstreamBusy.inc(),
    sessionHandle: (step, event) => sessionHandles.inc({ step, event }),
    rateLimited: (budget, scope) => rateLimited.inc({ budget, scope }),
    watch: (watched) => {
      slots = watched;
    },
  };
}

export interface PrometheusObservability {
  /** What the code reports to (metrics.ts). */
  metrics: GatewayMetrics;
  /** Yoga's request and phase metrics. */
  plugin: Plugin;
  registry: Registry;
}

/**
 * Everything metrics need, on one registry. Yoga's metrics carry no `operationName` (whatever a caller
 * writes would become a series) and no `url` or `path`; which session field answered what is the
 * domain counter's `field` label. Served on a port of its own (metrics-server.ts): the plugin's own
 * `/metrics` route on the GraphQL port is off.
 */
export function createPrometheusObservability(
  options: { registry?: Registry } = {},
): PrometheusObservability {
  const registry = options.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    metrics: createPrometheusMetrics(registry),
    plugin: usePrometheus({
      registry,
      endpoint: false,
      labels: { operationName: false, url: false, path: false },
      metrics: {
        graphql_envelop_request: true,
        graphql_envelop_request_duration: PHASE_BUCKETS,
        graphql_envelop_phase_parse: PHASE_BUCKETS,
        graphql_envelop_phase_validate: PHASE_BUCKETS,
        graphql_envelop_phase_context: PHASE_BUCKETS,
        graphql_envelop_phase_execute: PHASE_BUCKETS,
        graphql_envelop_phase_subscribe: PHASE_BUCKETS,
        graphql_envelop_error_result: true,
        graphql_yoga_http_duration: PHASE_BUCKETS,
        graphql_envelop_request_time_summary: false,
        graphql_envelop_deprecated_field: false,
        graphql_envelop_schema_change: false,
        graphql_envelop_execute_resolver: false,
      },
    }),
    registry,
  };
}
