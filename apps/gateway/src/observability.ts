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

export async function startObservability(config: GatewayConfig): Promise<Observability> {
  const tracing: Tracing | undefined = config.tracing
    ? (await import("./tracing.js")).startTracing(config.tracing)
    : undefined;
  const prometheus = config.metrics
    ? (await import("./prometheus-metrics.js")).createPrometheusObservability({
        trustedDocuments: config.trustedDocuments,
      })
    : undefined;
  let server: Server | undefined;

  return {
    gatewayOptions: { metrics: prometheus, tracing },
    prometheus,
    async listen(logger) {
      if (!config.metrics || !prometheus) return;
      const { port, host } = config.metrics;
      const { registry } = prometheus;
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
