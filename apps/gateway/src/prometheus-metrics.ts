import type { Plugin } from "graphql-yoga";
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import documentedOperations from "../operations/generated/persisted-documents.json" with { type: "json" };
import type { AuthorizeTokens } from "./authorize-tokens.js";
import { graphiqlDefaultTabs } from "./graphiql-examples.js";
import { codeLabel, type GatewayMetrics, resultLabel } from "./metrics.js";
import { operationNamesIn, useMetrics } from "./plugins/use-metrics.js";
import type { TrustedDocuments } from "./trusted-documents.js";
import type { UpstreamSlots } from "./upstream-slots.js";

/**
 * The domain metrics on a prom-client registry (the README's "Metrics and traces" lists each with a
 * query). Every metric is a counter, a histogram or a gauge that sums: what prom-client's
 * AggregatorRegistry adds up across cluster workers. No summaries, whose quantiles cannot be added.
 */

/** Flinks answers a token in tens of ms, a cached Authorize in seconds, a live one in up to 210 s. */
const UPSTREAM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 240];

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
  const tokensTaken = new Counter({
    name: "flinks_gateway_tokens_taken_total",
    help: "Authorize tokens handed to an authorize, by source: pool (minted ahead) or request (minted on the request path).",
    labelNames: ["source"] as const,
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
  let tokens: AuthorizeTokens | undefined;
  new Gauge({
    name: "flinks_gateway_upstream_in_flight",
    help: "Calls to Flinks holding an upstream slot now.",
    registers,
    collect() {
      this.set(slots?.inFlight ?? 0);
    },
  });
  new Gauge({
    name: "flinks_gateway_upstream_waiting",
    help: "Requests waiting for an upstream slot now.",
    registers,
    collect() {
      this.set(slots?.waiting ?? 0);
    },
  });
  new Gauge({
    name: "flinks_gateway_upstream_slots",
    help: "The bound on concurrent calls to Flinks (FLINKS_MAX_IN_FLIGHT).",
    registers,
    collect() {
      this.set(slots?.max ?? 0);
    },
  });
  new Gauge({
    name: "flinks_gateway_token_pool_ready",
    help: "Authorize tokens minted ahead of need and not yet handed out.",
    registers,
    collect() {
      this.set(tokens?.ready ?? 0);
    },
  });

  return {
    sessionResult(field, value) {
      sessionResults.inc({ field, result: resultLabel(value), code: codeLabel(value) });
    },
    upstreamCall(operation, outcome, seconds) {
      upstreamDuration.observe({ operation, outcome }, seconds);
    },
    upstreamBusy() {
      upstreamBusy.inc();
    },
    tokenTaken(source) {
      tokensTaken.inc({ source });
    },
    sessionHandle(step, event) {
      sessionHandles.inc({ step, event });
    },
    rateLimited(budget, scope) {
      rateLimited.inc({ budget, scope });
    },
    watch(sources) {
      slots = sources.slots;
      tokens = sources.tokens;
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
 * Everything metrics need, on one registry: the domain metrics, Yoga's, and Node's process metrics
 * (CPU, memory, event-loop delay). Inject the registry to scrape it yourself: in a node:cluster worker,
 * `AggregatorRegistry.setRegistries([registry])` lets the primary's `clusterMetrics()` add the workers'
 * up (README, "Metrics and traces").
 */
export function createPrometheusObservability(
  options: { registry?: Registry; trustedDocuments?: TrustedDocuments } = {},
): PrometheusObservability {
  const registry = options.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const operationNames = operationNamesIn([
    ...Object.values(documentedOperations),
    ...(graphiqlDefaultTabs ?? []).map(({ query }) => query ?? ""),
    ...(options.trustedDocuments?.values() ?? []),
  ]);
  return {
    metrics: createPrometheusMetrics(registry),
    plugin: useMetrics({ registry, operationNames }),
    registry,
  };
}

/** In a node:cluster worker: answer the primary's aggregated scrapes with this registry. */
export function shareWithClusterPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client installs a worker's answering listener only when an AggregatorRegistry is constructed.
  new AggregatorRegistry();
}

/** In a node:cluster primary: every worker's registry, added up on each scrape. */
export function clusterScrape(): { scrape: () => Promise<string>; contentType: string } {
  const aggregator = new AggregatorRegistry();
  return { scrape: () => aggregator.clusterMetrics(), contentType: aggregator.contentType };
}
