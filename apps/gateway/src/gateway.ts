import { createFlinksClient, type FlinksClient, Secret } from "@flinks-authorize/client";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import type { DocumentNode } from "graphql";
import { createYoga, useReadinessCheck } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import type { DestinationStream, Logger } from "pino";
import { ANONYMOUS } from "./access/consumers.js";
import { createSessionLimits } from "./access/limits.js";
import { connectSharedStore } from "./access/shared-store.js";
import { createTokenVerifier } from "./access/token-verifier.js";
import type { GatewayConfig } from "./config/index.js";
import type { GatewayContext, ServerContext } from "./context.js";
import { type CallInFlight, createFlinksCalls } from "./flinks/calls.js";
import { createFollowers, MAX_STREAMS_PER_CONSUMER } from "./flinks/follow.js";
import { createUpstreamProbe } from "./flinks/health.js";
import { createUpstreamSlots, type UpstreamSlots } from "./flinks/slots.js";
import { graphiqlDefaultQuery, graphiqlDefaultTabs } from "./graphiql/examples.js";
import { createGraphiQLRenderer, useGraphiQLPageHeaders } from "./graphiql/page.js";
import { createSessionHandles } from "./handles/seal.js";
import { createSingleUse } from "./handles/single-use.js";
import { type LoadMonitor, monitorLoad } from "./http/load.js";
import type { Observability } from "./observability/index.js";
import { createLogger } from "./observability/logger.js";
import { NO_METRICS } from "./observability/metrics.js";
import { useAccessLog } from "./plugins/use-access-log.js";
import { useBodyLimit } from "./plugins/use-body-limit.js";
import { consumerOf, useCallerAuth } from "./plugins/use-caller-auth.js";
import { useCors } from "./plugins/use-cors.js";
import { useCsrfPrevention } from "./plugins/use-csrf-prevention.js";
import { useInputBounds } from "./plugins/use-input-bounds.js";
import { useOperationLimits } from "./plugins/use-operation-limits.js";
import { useRefusalCharge } from "./plugins/use-refusal-charge.js";
import { requestIdOf, useRequestId } from "./plugins/use-request-id.js";
import { useScrubbedInputErrors } from "./plugins/use-scrubbed-input-errors.js";
import { useStatus } from "./plugins/use-status.js";
import { useTrustedDocuments } from "./plugins/use-trusted-documents.js";
import { schema } from "./schema/index.js";

export interface GatewayOptions extends Partial<Pick<Observability, "metrics" | "tracing">> {
  /** The HTTP client under the Flinks client; tests inject a fake upstream here. */
  fetch?: (request: Request) => Promise<Response>;
  /** Where log lines go (default stdout); tests capture them here. */
  logDestination?: DestinationStream;
}

export interface Gateway {
  yoga: ReturnType<typeof createYoga<Record<string, unknown>, GatewayContext>>;
  flinks: FlinksClient;
  logger: Logger;
  /** The bound on concurrent upstream calls, with its live counts. */
  slots: UpstreamSlots;
  /** The event loop's lag, and whether new requests are refused for it (http/server.ts). */
  load: LoadMonitor;
  /**
   * The process is stopping: /ready answers 503 from now on, so a balancer that probes it sends it
   * nothing new, and open subscriptions end after their current poll.
   */
  startDraining(): void;
  /** Session calls sent to Flinks and not settled: what a forced shutdown logs for reconciliation. */
  inFlightCalls(): CallInFlight[];
  /** Disposes Yoga and releases the upstream connection pool. */
  close(): Promise<void>;
}

const OPEN_PATHS = ["/health", "/ready", "/status"];

/**
 * Yoga caches every parsed document, and every parse error, under the document's full text (1,024 of
 * each for an hour by default). A red team filled those with distinct 63 KB documents until the heap
 * gave out. These are bounded by an estimate of their bytes instead: the text, and the syntax tree or
 * error it holds, which for GraphQL is on the order of 20 bytes per source character.
 */
export const DOCUMENT_CACHE_BYTES = 16 * 1024 * 1024;
function documentCaches() {
  const bounded = <T extends object>(share: number) =>
    new LRUCache<string, T>({
      maxSize: Math.floor(DOCUMENT_CACHE_BYTES * share),
      // A document whose estimate exceeds this is parsed each time rather than cached.
      maxEntrySize: 512 * 1024,
      sizeCalculation: (_value, text) => Math.max(1, text.length * 20),
    });
  // Parse errors are what hostile traffic produces most; they get the smaller share.
  return { documentCache: bounded<DocumentNode>(0.75), errorCache: bounded<object>(0.25) };
}

/**
 * The composition root: schema, client, keys and plugins are built here once and shared by every
 * request; the context gives each GraphQL request its id, its consumer and its own calls to Flinks.
 * Testable in-process through `gateway.yoga.fetch`.
 */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const logger = createLogger(config.logLevel, options.logDestination);
  const secretKey = new Secret(config.flinks.secretKey);
  const metrics = options.metrics?.metrics ?? NO_METRICS;
  const flinks = createFlinksClient({
    baseUrl: config.flinks.baseUrl,
    instance: config.flinks.instance,
    customerId: config.flinks.customerId,
    timeoutMs: config.flinks.timeoutMs,
    fetch: options.fetch,
  });
  const slots = createUpstreamSlots(config.flinks.maxInFlight);
  metrics.watch(slots);
  const callsOf = createFlinksCalls({
    flinks,
    secretKey,
    slots,
    logger,
    metrics,
    wrapCall: options.tracing?.wrapCall,
    settings: {
      tokenTimeoutMs: config.flinks.tokenTimeoutMs,
      cachedTimeoutMs: config.flinks.timeoutMs,
      liveTimeoutMs: config.flinks.liveTimeoutMs,
      slotWaitMs: config.flinks.slotWaitMs,
      authorizeAsync: config.flinks.authorizeAsync,
    },
  });
  // Limits and single-use markers: shared through Redis by every replica, or this process's own.
  const store = config.redis ? connectSharedStore(config.redis, logger) : undefined;
  const handles = createSessionHandles({
    secretKey,
    customerId: config.flinks.customerId,
    metrics,
    epoch: store?.epoch,
  });
  const spentHandles = createSingleUse({ store, metrics });
  const limits = createSessionLimits(config.limits, { secretKey, logger, store, metrics });
  const production = config.nodeEnv === "production";
  const drain = new AbortController();
  // A subscription ends after its current poll when the process drains, instead of holding the drain until
  // the grace runs out; its consumer subscribes again with the same handle, which any replica opens.
  const followers = createFollowers({
    callsOf,
    handles,
    limits,
    pollIntervalMs: config.flinks.pollIntervalMs,
    draining: drain.signal,
    maxStreamsPerConsumer: MAX_STREAMS_PER_CONSUMER,
  });
  const mock = config.mode === "mock";
  const load = monitorLoad(config.maxEventLoopLagMs);
  const upstreamReachable = createUpstreamProbe({
    baseUrl: flinks.baseUrl,
    // An injected fetch (tests) stands for the upstream, whatever the mode.
    probe: mock && !options.fetch ? "tcp" : "http",
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
    parserAndValidationCache: documentCaches(),
    // Pinned: a stray NODE_ENV=development must never put stack traces in responses.
    maskedErrors: { isDev: false },
    graphiql: config.introspection
      ? {
          title: "Flinks Authorize gateway",
          defaultTabs: graphiqlDefaultTabs,
          defaultQuery: graphiqlDefaultQuery,
        }
      : false,
    // Served from the installed package: no CDN (graphiql/page.ts).
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
      // Mock mode forwards Prefer to Prism: a local example app may send it.
      useCors({ ...config.cors, extraHeaders: mock ? ["prefer"] : [] }),
      useCallerAuth({
        keys: config.apiKeys,
        verifyToken: config.jwt && createTokenVerifier(config.jwt),
        openPaths: OPEN_PATHS,
        logger,
      }),
      useBodyLimit(),
      useRefusalCharge({ charge: (request) => limits.call(consumerOf(request) ?? ANONYMOUS) }),
      useCsrfPrevention(),
      ...(config.trustedDocuments ? [useTrustedDocuments({ documents: config.trustedDocuments })] : []),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      useOperationLimits({ exposeLimits: !production }),
      useScrubbedInputErrors({ hideSuggestions: production }),
      ...(options.metrics ? [options.metrics.plugin] : []),
      // After the scrubber: the errors an operation span records are already free of input values.
      ...(options.tracing ? [options.tracing.plugin] : []),
      // Last, so that the spans and metrics above see the requests it refuses.
      useInputBounds({ hideSuggestions: production }),
      // This replica can serve: not draining, not starved of CPU. Not Flinks' health (see use-status.ts).
      useReadinessCheck({ endpoint: "/ready", check: () => !drain.signal.aborted && !load.overloaded() }),
      useStatus({
        status: async () => ({
          ready: !drain.signal.aborted && !load.overloaded(),
          draining: drain.signal.aborted,
          eventLoopLagMs: Math.round(load.lagMs()),
          shedding: load.shedding(),
          upstream: {
            reachable: await upstreamReachable(),
            inFlight: slots.inFlight,
            waiting: slots.waiting,
            maxInFlight: slots.max,
          },
        }),
      }),
    ],
    context: (initial): GatewayContext => {
      const { request } = initial;
      const requestId = requestIdOf(request);
      const consumer = consumerOf(request) ?? ANONYMOUS;
      // Served over HTTP, the request's arrival; in process (yoga.fetch), now.
      const { receivedAt = Date.now() } = initial as Partial<ServerContext>;
      const scope = {
        requestId,
        consumer: consumer.id,
        receivedAt,
        signal: request.signal,
        prefer: mock ? request.headers.get("prefer") : null,
      };
      return {
        requestId,
        consumer,
        scope,
        flinks: callsOf(scope),
        followers,
        handles,
        spentHandles,
        limits,
        metrics,
        mode: config.mode,
        connectUrl: config.flinks.connectUrl,
      };
    },
  });

  return {
    yoga,
    flinks,
    logger,
    slots,
    load,
    startDraining: () => drain.abort(),
    inFlightCalls: () => callsOf.inFlight(),
    close: async () => {
      load.stop();
      await yoga.dispose();
      await flinks.close();
      await store?.close();
    },
  };
}
