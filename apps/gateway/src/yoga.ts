import { createFlinksClient, type FlinksClient, Secret } from "@flinks-authorize/client";
import { createYoga } from "graphql-yoga";
import { mintPerCall } from "./authorize-tokens.js";
import type { GatewayConfig } from "./config.js";
import type { GatewayContext } from "./context.js";
import { graphiqlDefaultQuery } from "./graphiql-examples.js";
import { createMfaHandles } from "./mfa-handle.js";
import { schema } from "./schema/index.js";

export interface GatewayOptions {
  /** The HTTP client under the Flinks client; tests inject a fake upstream here. */
  fetch?: (request: Request) => Promise<Response>;
}

export interface Gateway {
  yoga: ReturnType<typeof createYoga<Record<string, unknown>, GatewayContext>>;
  flinks: FlinksClient;
  /** Releases the upstream connection pool. */
  close(): Promise<void>;
}

/**
 * Builds the gateway once: schema, client and handle keys are created here and shared by every request.
 * Testable in-process through `gateway.yoga.fetch`.
 */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const secretKey = new Secret(config.flinks.secretKey);
  const flinks = createFlinksClient({
    baseUrl: config.flinks.baseUrl,
    instance: config.flinks.instance,
    customerId: config.flinks.customerId,
    timeoutMs: config.flinks.timeoutMs,
    fetch: options.fetch,
  });
  const tokens = mintPerCall(flinks, secretKey);
  const mfaHandles = createMfaHandles({ secretKey, customerId: config.flinks.customerId });
  const forwardPrefer = config.mode === "mock";

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // Pinned: a stray NODE_ENV=development must never put stack traces in responses.
    maskedErrors: { isDev: false },
    graphiql:
      config.nodeEnv === "production"
        ? false
        : { title: "Flinks Authorize gateway", defaultQuery: graphiqlDefaultQuery },
    context: ({ request }) => {
      const prefer = forwardPrefer ? request.headers.get("prefer") : null;
      const authorizeHeaders: Record<string, string> = prefer ? { prefer } : {};
      return {
        flinks,
        tokens,
        mfaHandles,
        mode: config.mode,
        signal: request.signal,
        authorizeHeaders,
      };
    },
  });

  return { yoga, flinks, close: () => flinks.close() };
}
