import type { Server } from "node:http";
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/index.js";
import { listenProblem } from "../http/addresses.js";
import type { PrometheusObservability } from "./prometheus.js";
import type { Tracing } from "./tracing.js";

/**
 * Metrics and traces as configured, each imported only when on: with GATEWAY_METRICS_PORT and the
 * OTEL_* variables unset, neither prom-client nor OpenTelemetry is loaded (they live in chunks of their
 * own in the bundle).
 */
export interface Observability {
  /** What createGateway takes: the metrics and the tracing, each undefined when off. */
  metrics: Pick<PrometheusObservability, "metrics" | "plugin"> | undefined;
  tracing: Pick<Tracing, "plugin" | "wrapCall"> | undefined;
  /** Opens the metrics port, if any; a port in use is a one-line problem naming the variable. */
  listen(logger: Logger): Promise<void>;
  /** Closes the metrics port and exports the spans still buffered. */
  close(): Promise<void>;
}

export class ObservabilityListenError extends Error {
  override name = "ObservabilityListenError";
}

export async function startObservability(config: GatewayConfig): Promise<Observability> {
  const tracing = config.tracing ? (await import("./tracing.js")).startTracing(config.tracing) : undefined;
  const prometheus = config.metrics
    ? (await import("./prometheus.js")).createPrometheusObservability()
    : undefined;
  let server: Server | undefined;

  return {
    metrics: prometheus,
    tracing,
    async listen(logger) {
      if (!prometheus || !config.metrics) return;
      const { registry } = prometheus;
      const { port, host } = config.metrics;
      const { startMetricsServer } = await import("./metrics-server.js");
      try {
        server = await startMetricsServer({
          port,
          host,
          scrape: () => registry.metrics(),
          contentType: registry.contentType,
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
    },
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await tracing?.shutdown();
    },
  };
}
