import { z } from "zod";
import { env, httpUrl, type IssueSink, trueFalse, wholeNumber } from "./env.js";

/**
 * Metrics (GATEWAY_METRICS_*) and traces (the standard OTEL_* variables, read as the OpenTelemetry SDKs
 * read them). Both are off unless asked for, and then only what they need is loaded.
 */

const DEFAULT_OTLP_ENDPOINT = "http://localhost:4318";
const onlyHttpJson = env(
  z
    .enum(["http/json"], {
      error: "must be http/json: the gateway exports OTLP over HTTP with JSON (collectors accept it on 4318)",
    })
    .optional(),
);

export const observabilityVariables = {
  GATEWAY_METRICS_PORT: env(wholeNumber(1, 65_535).optional()),
  GATEWAY_METRICS_HOST: env(z.string().optional()),
  OTEL_SDK_DISABLED: env(trueFalse.optional()),
  OTEL_TRACES_EXPORTER: env(
    z.enum(["otlp", "none"], { error: "must be otlp or none: the gateway exports OTLP only" }).optional(),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: env(httpUrl.optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: env(httpUrl.optional()),
  OTEL_EXPORTER_OTLP_PROTOCOL: onlyHttpJson,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: onlyHttpJson,
  OTEL_SERVICE_NAME: env(z.string().optional()),
};

type ObservabilityEnvironment = z.output<z.ZodObject<typeof observabilityVariables>>;

/** The metrics port may not be the GraphQL port: the whole point is a listener of its own. */
export function checkObservability(vars: ObservabilityEnvironment & { PORT: number }, ctx: IssueSink): void {
  if (vars.GATEWAY_METRICS_PORT !== undefined && vars.GATEWAY_METRICS_PORT === vars.PORT) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEWAY_METRICS_PORT"],
      message: "must differ from PORT: metrics are served on a port of their own",
    });
  }
}

export function observabilityConfig(vars: ObservabilityEnvironment, host: string) {
  // Asked for by naming an endpoint or the exporter, as the OpenTelemetry SDKs read these variables.
  const wanted =
    vars.OTEL_TRACES_EXPORTER === "otlp" ||
    (vars.OTEL_TRACES_EXPORTER === undefined &&
      (vars.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined ||
        vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined));
  const base = (vars.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_OTLP_ENDPOINT).replace(/\/$/, "");
  return {
    /** The separate port /metrics is served on, never the GraphQL port; undefined: no metrics, nothing loaded. */
    metrics:
      vars.GATEWAY_METRICS_PORT === undefined
        ? undefined
        : { port: vars.GATEWAY_METRICS_PORT, host: vars.GATEWAY_METRICS_HOST ?? host },
    /** Where spans go (OTLP/HTTP JSON); undefined: no traces, nothing of OpenTelemetry loaded. */
    tracing:
      wanted && vars.OTEL_SDK_DISABLED !== true
        ? {
            endpoint: vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${base}/v1/traces`,
            serviceName: vars.OTEL_SERVICE_NAME ?? "flinks-authorize-gateway",
          }
        : undefined,
  };
}
