import { useOpenTelemetry } from "@envelop/opentelemetry";
import { isKnownFlinksCode } from "@flinks-authorize/client";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { Plugin } from "graphql-yoga";
import type { GatewayConfig } from "../config/index.js";
import type { CallWrapper } from "../flinks/calls.js";

/**
 * OpenTelemetry traces, loaded only when asked for (index.ts imports this file on demand; nothing of
 * OpenTelemetry is loaded otherwise). One trace per GraphQL operation:
 *
 *   mutation.Authorize (envelop's span: operation name and type only)
 *   └─ Flinks GenerateAuthorizeToken / Flinks Authorize (one span per call: outcome, status, FlinksCode)
 *      └─ POST (undici's client span, from its diagnostics_channel events: the bundled undici reports
 *         there too), which sends W3C `traceparent` to Flinks
 *
 * No span carries variables, the document, results, resolver arguments or any header: credentials, MFA
 * answers, tokens and keys never reach one (test/tracing.test.ts checks with canary values). Errors
 * recorded on the operation span are the ones use-scrubbed-input-errors.ts already cleaned, as long as
 * the plugin runs after it (gateway.ts).
 */
export interface Tracing {
  /** The operation spans: add after useScrubbedInputErrors. */
  plugin: Plugin;
  /** A span around each call to Flinks (flinks/calls.ts makes every call through it). */
  wrapCall: CallWrapper;
  /** Exports what is buffered, then stops: call before the process exits. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Where finished spans go. Default: batched to OTLP/HTTP (JSON) at the configured endpoint. */
  spanProcessor?: SpanProcessor;
}

const TRACER_NAME = "@flinks-authorize/gateway";

export function startTracing(
  config: NonNullable<GatewayConfig["tracing"]>,
  options: TracingOptions = {},
): Tracing {
  const resource = detectResources({ detectors: [envDetector] }).merge(
    resourceFromAttributes({ "service.name": config.serviceName }),
  );
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [
      options.spanProcessor ??
        // Headers, timeout and compression come from the standard OTEL_EXPORTER_OTLP_* variables.
        new BatchSpanProcessor(new OTLPTraceExporter({ url: config.endpoint })),
    ],
  });
  // The global context manager (AsyncLocalStorage) and W3C trace-context propagator: undici's
  // instrumentation reads both when it adds `traceparent` to a call.
  provider.register();
  const undici = new UndiciInstrumentation({ requireParentforSpans: true });
  undici.setTracerProvider(provider);
  const tracer = provider.getTracer(TRACER_NAME);

  const wrapCall: CallWrapper = (operation, call) =>
    tracer.startActiveSpan(
      `Flinks ${operation}`,
      { kind: SpanKind.CLIENT, attributes: { "flinks.operation": operation } },
      async (span) => {
        try {
          const outcome = await call();
          const { status, flinksCode } = outcome as { status?: unknown; flinksCode?: unknown };
          span.setAttribute("flinks.outcome", outcome.kind);
          if (typeof status === "number") span.setAttribute("http.response.status_code", status);
          // Known codes only: an unknown one is text from upstream, and a span keeps no free text.
          if (typeof flinksCode === "string")
            span.setAttribute("flinks.code", isKnownFlinksCode(flinksCode) ? flinksCode : "other");
          if (!["token", "authorized", "mfaRequired", "pending"].includes(outcome.kind))
            span.setStatus({ code: SpanStatusCode.ERROR });
          return outcome;
        } finally {
          span.end();
        }
      },
    );

  return {
    plugin: useOpenTelemetry(
      // Off: the document (inline arguments), variables, results and resolver arguments may all hold
      // credentials or MFA answers.
      { document: false, variables: false, result: false, resolvers: false },
      provider,
      SpanKind.SERVER,
      {},
      TRACER_NAME,
    ) as Plugin,
    wrapCall,
    async shutdown() {
      undici.disable();
      await provider.shutdown();
      // Global registrations undone, so a test process can start tracing again.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
