import { z } from "zod";
import { blankToUndefined, wholeNumber } from "./config-values.js";

/**
 * Metrics (GATEWAY_METRICS_*) and traces (the standard OTEL_* variables). config.ts merges these into
 * the gateway's environment. Both are off unless asked for, and then only what they need is loaded
 * (server.ts imports them on demand).
 */

export interface MetricsConfig {
  /** The separate port /metrics is served on; never the GraphQL port. */
  port: number;
  host: string;
}

export interface TracingConfig {
  /** The OTLP/HTTP endpoint spans go to: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  endpoint: string;
  serviceName: string;
}

export interface ObservabilityConfig {
  /** undefined: no metrics, nothing loaded. */
  metrics: MetricsConfig | undefined;
  /** undefined: no traces, nothing of OpenTelemetry loaded. */
  tracing: TracingConfig | undefined;
}

const DEFAULT_OTLP_ENDPOINT = "http://localhost:4318";
const optionalUrl = z.preprocess(
  blankToUndefined,
  z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
);
const onlyHttpJson = z.preprocess(
  blankToUndefined,
  z
    .enum(["http/json"], {
      error: "must be http/json: the gateway exports OTLP over HTTP with JSON (collectors accept it on 4318)",
    })
    .optional(),
);

export const observabilityVariables = {
  GATEWAY_METRICS_PORT: z.preprocess(blankToUndefined, wholeNumber(1, 65_535).optional()),
  GATEWAY_METRICS_HOST: z.preprocess(blankToUndefined, z.string().optional()),
  OTEL_SDK_DISABLED: z.preprocess(
    blankToUndefined,
    z.enum(["true", "false"], { error: "must be true or false" }).optional(),
  ),
  OTEL_TRACES_EXPORTER: z.preprocess(
    blankToUndefined,
    z.enum(["otlp", "none"], { error: "must be otlp or none: the gateway exports OTLP only" }).optional(),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: onlyHttpJson,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: onlyHttpJson,
  OTEL_SERVICE_NAME: z.preprocess(blankToUndefined, z.string().optional()),
};

type ObservabilityEnvironment = {
  [Name in keyof typeof observabilityVariables]?: z.output<(typeof observabilityVariables)[Name]>;
};

/** The metrics port may not be the GraphQL port: the whole point is a listener of its own. */
export function checkObservability(
  env: ObservabilityEnvironment & { PORT: number },
  ctx: z.core.$RefinementCtx,
): void {
  if (env.GATEWAY_METRICS_PORT !== undefined && env.GATEWAY_METRICS_PORT === env.PORT) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEWAY_METRICS_PORT"],
      message: "must differ from PORT: metrics are served on a port of their own",
    });
  }
}

export function observabilityConfig(env: ObservabilityEnvironment, host: string): ObservabilityConfig {
  const metrics =
    env.GATEWAY_METRICS_PORT === undefined
      ? undefined
      : { port: env.GATEWAY_METRICS_PORT, host: env.GATEWAY_METRICS_HOST ?? host };
  // Asked for by naming an endpoint or the exporter, as the OpenTelemetry SDKs read these variables.
  const wanted =
    env.OTEL_TRACES_EXPORTER === "otlp" ||
    (env.OTEL_TRACES_EXPORTER === undefined &&
      (env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined ||
        env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined));
  const tracing =
    wanted && env.OTEL_SDK_DISABLED !== "true"
      ? {
          endpoint:
            env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
            `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_OTLP_ENDPOINT).replace(/\/$/, "")}/v1/traces`,
          serviceName: env.OTEL_SERVICE_NAME ?? "flinks-authorize-gateway",
        }
      : undefined;
  return { metrics, tracing };
}
