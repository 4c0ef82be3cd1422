import type { Server } from "node:http";
import type { Logger } from "pino";
import type { GatewayConfig } from "./config.js";
import { listenProblem } from "./listen-problem.js";
import type { PrometheusObservability } from "./prometheus-metrics.js";
import type { Tracing } from "./tracing.js";
import type { GatewayOptions } from "./yoga.js";

/**
 * Metrics and traces as configured, each imported only when on: with GATEWAY_METRICS_PORT and the
 * OTEL_* variables unset, neither prom-client nor OpenTelemetry is loaded (they live in chunks of their
 * own in the bundle).
 */
export interface Observability {
  /** What createGateway takes. */
  gatewayOptions: Pick<GatewayOptions, "metrics" | "tracing">;
  prometheus: PrometheusObservability | undefined;
  /** Opens the metrics port, if any; a port in use is a one-line problem naming the variable. */
  listen(logger: Logger): Promise<void>;
  /** Closes the metrics port and exports the spans still buffered. */
  close(): Promise<void>;
}

export class ObservabilityListenError extends Error {
  override name = "ObservabilityListenError";
}

/**
 * Who serves GATEWAY_METRICS_PORT: this process alone (one process), or the cluster's primary, which adds
 * up every worker's registry (prom-client's AggregatorRegistry asks each worker over the cluster's IPC).
 */
export type MetricsListener = "this-process" | "cluster-primary";

export async function startObservability(
  config: GatewayConfig,
  metricsListener: MetricsListener = "this-process",
): Promise<Observability> {
  const tracing: Tracing | undefined = config.tracing
    ? (await import("./tracing.js")).startTracing(config.tracing)
    : undefined;
  const prometheus = config.metrics
    ? (await import("./prometheus-metrics.js")).createPrometheusObservability({
        trustedDocuments: config.trustedDocuments,
      })
    : undefined;
  if (prometheus && metricsListener === "cluster-primary") {
    (await import("./prometheus-metrics.js")).shareWithClusterPrimary(prometheus.registry);
  }
  let server: Server | undefined;

  return {
    gatewayOptions: { metrics: prometheus, tracing },
    prometheus,
    async listen(logger) {
      if (!prometheus || metricsListener !== "this-process") return;
      const { registry } = prometheus;
      server = await listenForMetrics(config, logger, () => registry.metrics(), registry.contentType);
    },
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await tracing?.shutdown();
    },
  };
}

/**
 * The cluster primary's metrics port: every worker's registry added up on each scrape. Workers started
 * with `startObservability(config, "cluster-primary")` answer its requests. Undefined when metrics are off.
 */
export async function startClusterMetrics(
  config: GatewayConfig,
  logger: Logger,
): Promise<Server | undefined> {
  if (!config.metrics) return undefined;
  const { scrape, contentType } = (await import("./prometheus-metrics.js")).clusterScrape();
  return listenForMetrics(config, logger, scrape, contentType);
}

async function listenForMetrics(
  config: GatewayConfig,
  logger: Logger,
  scrape: () => Promise<string>,
  contentType: string,
): Promise<Server | undefined> {
  if (!config.metrics) return undefined;
  const { port, host } = config.metrics;
  const { startMetricsServer } = await import("./metrics-server.js");
  let server: Server;
  try {
    server = await startMetricsServer({
      port,
      host,
      scrape,
      contentType,
      onError: (error) => logger.error({ err: error }, "metrics could not be collected"),
    });
  } catch (error) {
    const problem = listenProblem(error as NodeJS.ErrnoException, {
      port,
      host,
      portVariable: "GATEWAY_METRICS_PORT",
      hostVariable: config.metrics.host === config.host ? "HOST" : "GATEWAY_METRICS_HOST",
    });
    if (problem) throw new ObservabilityListenError(problem);
    throw error;
  }
  logger.info({ port, host }, `metrics on http://${host}:${port}/metrics`);
  return server;
}
