import { EnvelopArmor } from "@escape.tech/graphql-armor";
import { createFlinksClient, type FlinksClient, Secret } from "@flinks-authorize/client";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { createYoga, type Plugin, useReadinessCheck } from "graphql-yoga";
import type { DestinationStream, Logger } from "pino";
import { createTokenPool, DEFAULT_POOL_MAX_AGE_MS, mintPerCall } from "./authorize-tokens.js";
import type { GatewayConfig } from "./config.js";
import type { GatewayContext } from "./context.js";
import { graphiqlDefaultQuery } from "./graphiql-examples.js";
import { createLogger } from "./logger.js";
import { createMfaHandles } from "./mfa-handle.js";
import { useAccessLog } from "./plugins/use-access-log.js";
import { useApiKeyAuth } from "./plugins/use-api-key-auth.js";
import { useBodyLimit } from "./plugins/use-body-limit.js";
import { REQUEST_ID_HEADER, requestIdOf, useRequestId } from "./plugins/use-request-id.js";
import { useScrubbedInputErrors } from "./plugins/use-scrubbed-input-errors.js";
import { createReadinessCheck } from "./readiness.js";
import { schema } from "./schema/index.js";
import { withUpstreamLog } from "./upstream-log.js";

export interface GatewayOptions {
  /** The HTTP client under the Flinks client; tests inject a fake upstream here. */
  fetch?: (request: Request) => Promise<Response>;
  /** Where log lines go (default stdout); tests capture them here. */
  logDestination?: DestinationStream;
  /** Appended after the gateway's own plugins; the benchmark measures candidates through it. */
  plugins?: Plugin[];
}

export interface Gateway {
  yoga: ReturnType<typeof createYoga<Record<string, unknown>, GatewayContext>>;
  flinks: FlinksClient;
  logger: Logger;
  /** Releases the upstream connection pool. */
  close(): Promise<void>;
}

const HEALTH_PATHS = ["/health", "/ready"];

/**
 * Limits tuned to this schema: the deepest useful selection (authorize → login → lastRefresh inside
 * fragments) is 5 levels and about 200 tokens. Aliases are capped low because each aliased mutation is
 * another upstream call.
 */
function operationLimits(exposeLimits: boolean) {
  return new EnvelopArmor({
    maxDepth: { n: 8, exposeLimits, flattenFragments: true },
    maxAliases: { n: 3, exposeLimits },
    maxDirectives: { n: 10, exposeLimits },
    maxTokens: { n: 1_000, exposeLimits },
    costLimit: { maxCost: 1_500, exposeLimits },
    blockFieldSuggestion: { enabled: !exposeLimits },
  }).protect();
}

/**
 * Builds the gateway once: schema, client, keys and plugins are created here and shared by every
 * request. Testable in-process through `gateway.yoga.fetch`.
 */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const logger = createLogger(config.logLevel, options.logDestination);
  const secretKey = new Secret(config.flinks.secretKey);
  const flinks = withUpstreamLog(
    createFlinksClient({
      baseUrl: config.flinks.baseUrl,
      instance: config.flinks.instance,
      customerId: config.flinks.customerId,
      timeoutMs: config.flinks.timeoutMs,
      fetch: options.fetch,
    }),
    logger,
  );
  const tokens =
    config.flinks.tokenPoolSize > 0
      ? createTokenPool(flinks, secretKey, {
          size: config.flinks.tokenPoolSize,
          maxAgeMs: DEFAULT_POOL_MAX_AGE_MS,
        })
      : mintPerCall(flinks, secretKey);
  const mfaHandles = createMfaHandles({ secretKey, customerId: config.flinks.customerId });
  const forwardPrefer = config.mode === "mock";
  const production = config.nodeEnv === "production";
  const armor = operationLimits(!production);

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    batching: false,
    // Pinned: a stray NODE_ENV=development must never put stack traces in responses.
    maskedErrors: { isDev: false },
    graphiql: config.introspection
      ? { title: "Flinks Authorize gateway", defaultQuery: graphiqlDefaultQuery }
      : false,
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: (...args) => logger.error(args),
    },
    plugins: [
      useRequestId(),
      useAccessLog(logger),
      ...(config.apiKeys.length > 0
        ? [useApiKeyAuth({ keys: config.apiKeys, openPaths: HEALTH_PATHS })]
        : []),
      useBodyLimit(),
      useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf"] }),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      ...armor.plugins,
      useScrubbedInputErrors(),
      useReadinessCheck({
        endpoint: "/ready",
        check: createReadinessCheck({ fetch: options.fetch, baseUrl: flinks.baseUrl }),
      }),
      ...(options.plugins ?? []),
    ],
    context: ({ request }) => {
      const deadline = performance.now() + config.flinks.timeoutMs;
      const requestId = requestIdOf(request);
      const prefer = forwardPrefer ? request.headers.get("prefer") : null;
      return {
        flinks,
        tokens,
        mfaHandles,
        mode: config.mode,
        upstream: (call) => ({
          signal: request.signal,
          timeoutMs: Math.max(1, Math.floor(deadline - performance.now())),
          headers: {
            [REQUEST_ID_HEADER]: requestId,
            // Prism has no 203 for GenerateAuthorizeToken: Prefer only ever goes to Authorize.
            ...(prefer !== null && call === "Authorize" && { prefer }),
          },
        }),
      };
    },
  });

  return { yoga, flinks, logger, close: () => flinks.close() };
}
