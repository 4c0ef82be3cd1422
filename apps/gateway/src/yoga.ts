import { createFlinksClient, type FlinksClient, Secret } from "@flinks-authorize/client";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { createYoga, type Plugin, useReadinessCheck } from "graphql-yoga";
import type { DestinationStream, Logger } from "pino";
import { createTokenPool, mintOnDemand } from "./authorize-tokens.js";
import type { GatewayConfig } from "./config.js";
import { ANONYMOUS, consumerOf } from "./consumers.js";
import type { GatewayContext } from "./context.js";
import { createDocumentCaches } from "./document-caches.js";
import { createGraphiQLRenderer, useGraphiQLPageHeaders } from "./graphiql.js";
import { graphiqlDefaultQuery, graphiqlDefaultTabs } from "./graphiql-examples.js";
import { createLogger } from "./logger.js";
import {
  type GatewayMetrics,
  measuredClient,
  measuredHandles,
  measuredSpentHandles,
  NO_METRICS,
} from "./metrics.js";
import { useAccessLog } from "./plugins/use-access-log.js";
import { useBodyLimit } from "./plugins/use-body-limit.js";
import { useCallerAuth } from "./plugins/use-caller-auth.js";
import { useCors } from "./plugins/use-cors.js";
import { useOperationLimits } from "./plugins/use-operation-limits.js";
import { useRequestId } from "./plugins/use-request-id.js";
import { useScrubbedInputErrors } from "./plugins/use-scrubbed-input-errors.js";
import { useSessionCallLimit } from "./plugins/use-session-call-limit.js";
import { useTrustedDocuments } from "./plugins/use-trusted-documents.js";
import { createReadinessCheck } from "./readiness.js";
import { schema } from "./schema/index.js";
import { createSessionHandles } from "./session-handle.js";
import { createSessionLimits } from "./session-limits.js";
import { connectSharedStore } from "./shared-store.js";
import { createMemorySpentHandles, createSharedSpentHandles } from "./spent-handles.js";
import { createTokenVerifier } from "./token-verifier.js";
import type { Tracing } from "./tracing.js";
import { createUpstreamFactory } from "./upstream.js";
import { createUpstreamSlots, type UpstreamSlots } from "./upstream-slots.js";

export interface GatewayOptions {
  /** The HTTP client under the Flinks client; tests inject a fake upstream here. */
  fetch?: (request: Request) => Promise<Response>;
  /** Where log lines go (default stdout); tests capture them here. */
  logDestination?: DestinationStream;
  /**
   * Metrics: what the code reports to, and Yoga's plugin (prometheus-metrics.ts). Default: none, and
   * nothing of prom-client loaded.
   */
  metrics?: { metrics: GatewayMetrics; plugin: Plugin };
  /** Traces (tracing.ts). Default: none, and nothing of OpenTelemetry loaded. */
  tracing?: Pick<Tracing, "plugin" | "traceClient">;
}

export interface Gateway {
  yoga: ReturnType<typeof createYoga<Record<string, unknown>, GatewayContext>>;
  flinks: FlinksClient;
  logger: Logger;
  /** The bound on concurrent upstream calls, with its live counts. */
  slots: UpstreamSlots;
  /**
   * The process is stopping: /ready answers 503 from now on, so a balancer that still holds a connection
   * to it, or probes it before the listener closes, sends it nothing new.
   */
  startDraining(): void;
  /** Disposes Yoga and releases the upstream connection pool. */
  close(): Promise<void>;
}

const HEALTH_PATHS = ["/health", "/ready"];

/**
 * Builds the gateway once: schema, client, keys and plugins are created here and shared by every
 * request; the context gives each GraphQL request its own `Upstream`. Testable in-process through
 * `gateway.yoga.fetch`.
 */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const logger = createLogger(config.logLevel, options.logDestination);
  const secretKey = new Secret(config.flinks.secretKey);
  const metrics = options.metrics?.metrics ?? NO_METRICS;
  const client = measuredClient(
    createFlinksClient({
      baseUrl: config.flinks.baseUrl,
      instance: config.flinks.instance,
      customerId: config.flinks.customerId,
      timeoutMs: config.flinks.timeoutMs,
      fetch: options.fetch,
    }),
    metrics,
  );
  // The span of a call encloses its timing, so the undici span under it belongs to it.
  const flinks = options.tracing ? options.tracing.traceClient(client) : client;
  const slots = createUpstreamSlots(config.flinks.maxInFlight);
  const tokens =
    config.flinks.tokenPoolSize > 0
      ? createTokenPool(flinks, secretKey, { maxSize: config.flinks.tokenPoolSize, slots })
      : mintOnDemand(flinks, secretKey);
  metrics.watch({ slots, tokens });
  const upstreamOf = createUpstreamFactory({
    flinks,
    tokens,
    slots,
    logger,
    metrics,
    settings: {
      tokenTimeoutMs: config.flinks.tokenTimeoutMs,
      cachedTimeoutMs: config.flinks.timeoutMs,
      liveTimeoutMs: config.flinks.liveTimeoutMs,
      slotWaitMs: config.flinks.slotWaitMs,
      forwardPrefer: config.mode === "mock",
      authorizeAsync: config.flinks.authorizeAsync,
    },
  });
  const handles = measuredHandles(
    createSessionHandles({ secretKey, customerId: config.flinks.customerId }),
    metrics,
  );
  // Limits and single-use markers: shared through Redis by every replica, or this process's own.
  const store = config.redis ? connectSharedStore(config.redis, logger) : undefined;
  const spentHandles = measuredSpentHandles(
    store ? createSharedSpentHandles(store) : createMemorySpentHandles(),
    metrics,
  );
  const limits = createSessionLimits(config.limits, { secretKey, logger, store, metrics });
  const production = config.nodeEnv === "production";
  const drain = new AbortController();
  const upstreamReachable = createReadinessCheck({
    baseUrl: flinks.baseUrl,
    // An injected fetch (tests) stands for the upstream, whatever the mode.
    probe: config.mode === "mock" && !options.fetch ? "tcp" : "http",
    fetch: options.fetch,
  });

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    // use-cors.ts answers listed origins only; Yoga's default answers every origin, credentials included.
    cors: false,
    batching: false,
    // useBodyLimit caps every body before it is read; Yoga's own 25 MB limit would pipe each body through
    // a TransformStream on top (an AbortController and a DOMException per request, under the cap anyway).
    maxRequestBodySize: false,
    parserAndValidationCache: createDocumentCaches(),
    // Pinned: a stray NODE_ENV=development must never put stack traces in responses.
    maskedErrors: { isDev: false },
    graphiql: config.introspection
      ? {
          title: "Flinks Authorize gateway",
          defaultTabs: graphiqlDefaultTabs,
          defaultQuery: graphiqlDefaultQuery,
        }
      : false,
    // Served from the installed package: no CDN (src/graphiql.ts).
    renderGraphiQL: createGraphiQLRenderer(),
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: (...args) => logger.error(args),
    },
    plugins: [
      useRequestId(),
      ...(config.introspection ? [useGraphiQLPageHeaders()] : []),
      useAccessLog({ logger }),
      useCors({
        ...config.cors,
        // Mock mode forwards Prefer to Prism: a local example app may send it.
        extraHeaders: config.mode === "mock" ? ["prefer"] : [],
      }),
      useCallerAuth({
        keys: config.apiKeys,
        verifyToken: config.jwt && createTokenVerifier(config.jwt),
        openPaths: HEALTH_PATHS,
        logger,
      }),
      useBodyLimit(),
      useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf"] }),
      ...(config.trustedDocuments ? [useTrustedDocuments({ documents: config.trustedDocuments })] : []),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      useOperationLimits({ exposeLimits: !production }),
      useSessionCallLimit(),
      useScrubbedInputErrors({ hideSuggestions: production }),
      ...(options.metrics ? [options.metrics.plugin] : []),
      // After the scrubber: the errors an operation span records are already free of input values.
      ...(options.tracing ? [options.tracing.plugin] : []),
      useReadinessCheck({
        endpoint: "/ready",
        check: () => !drain.signal.aborted && upstreamReachable(),
      }),
    ],
    context: ({ request }) => ({
      upstream: upstreamOf(request),
      handles,
      spentHandles,
      mode: config.mode,
      pollIntervalMs: config.flinks.pollIntervalMs,
      consumer: consumerOf(request) ?? ANONYMOUS,
      limits,
      metrics,
      draining: drain.signal,
    }),
  });

  return {
    yoga,
    flinks,
    logger,
    slots,
    startDraining: () => drain.abort(),
    close: async () => {
      await yoga.dispose();
      await flinks.close();
      await store?.close();
    },
  };
}
