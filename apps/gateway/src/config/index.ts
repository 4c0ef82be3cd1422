import { INSTANCE_PATTERN, TOOLBOX_CUSTOMER_ID } from "@flinks-authorize/client";
import { z } from "zod";
import { callersConfig, callerVariables, checkCallers } from "./callers.js";
import { env, httpUrl, oneOf, trueFalse, wholeNumber } from "./env.js";
import { checkObservability, observabilityConfig, observabilityVariables } from "./observability.js";
import { readTrustedDocuments, TrustedDocumentsError } from "./trusted-documents.js";

/**
 * The gateway's configuration: every environment variable it reads is declared once, below, with its
 * rule and default; `GatewayConfig` is inferred from what `loadConfig` makes of them. The docs'
 * Configuration table has a row for each variable (a test checks).
 */

export { TOOLBOX_CUSTOMER_ID };
/** Where `pnpm start` and `pnpm mock` serve Prism. */
export const DEFAULT_MOCK_URL = "http://127.0.0.1:4010";
/** Concurrent calls to Flinks one gateway process holds open (FLINKS_MAX_IN_FLIGHT). */
export const DEFAULT_MAX_IN_FLIGHT = 2_500;
/**
 * Time allowed for requests in flight after SIGTERM (GATEWAY_SHUTDOWN_GRACE_MS): FLINKS_TIMEOUT_MS's
 * default, so every cached Authorize, poll and token mint ends on its own budget within it.
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/**
 * After SIGTERM, how long idle keep-alive connections are left for their clients (a balancer) to close
 * (GATEWAY_DRAIN_DELAY_MS): longer than the shipped HAProxy configuration takes to mark a replica down
 * (deploy/haproxy/haproxy.cfg), so that no balancer sends a request on a connection the gateway closes.
 */
export const DEFAULT_DRAIN_DELAY_MS = 10_000;
/**
 * The Flinks Connect iframe of the public toolbox, in demo mode: the default in mock mode, so the
 * connectToken flow has a real page to point at (Prism's token does not open it; the toolbox's does).
 */
export const TOOLBOX_CONNECT_URL = "https://toolbox-iframe.private.fin.ag/v2/?demo=true";
/** Prism accepts any non-empty key; a fixed one keeps mock mode zero-configuration. */
const MOCK_SECRET_KEY = "mock-secret-key";
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const trustedDocuments = z.string().transform((path, ctx) => {
  try {
    return readTrustedDocuments(path);
  } catch (error) {
    if (!(error instanceof TrustedDocumentsError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
    return z.NEVER;
  }
});

const variables = z.object({
  NODE_ENV: env(oneOf(["development", "production", "test"]).default("development")),
  PORT: env(wholeNumber(0, 65_535).default(4000)),
  HOST: env(z.string().optional()),
  FLINKS_INSTANCE: env(
    z.string().regex(INSTANCE_PATTERN, "must be an instance name such as toolbox").optional(),
  ),
  FLINKS_BASE_URL: env(httpUrl.optional()),
  FLINKS_MOCK_URL: env(httpUrl.default(DEFAULT_MOCK_URL)),
  FLINKS_CUSTOMER_ID: env(z.uuid({ error: "must be the GUID Flinks issued" }).default(TOOLBOX_CUSTOMER_ID)),
  FLINKS_SECRET_KEY: env(z.string().optional()),
  FLINKS_TIMEOUT_MS: env(wholeNumber(1, 600_000).default(30_000)),
  FLINKS_LIVE_TIMEOUT_MS: env(wholeNumber(1, 900_000).default(240_000)),
  FLINKS_TOKEN_TIMEOUT_MS: env(wholeNumber(1, 600_000).default(10_000)),
  FLINKS_MAX_IN_FLIGHT: env(wholeNumber(1, 100_000).default(DEFAULT_MAX_IN_FLIGHT)),
  FLINKS_SLOT_WAIT_MS: env(wholeNumber(0, 10_000).default(250)),
  FLINKS_AUTHORIZE_ASYNC: env(trueFalse.default(false)),
  FLINKS_POLL_INTERVAL_MS: env(wholeNumber(100, 600_000).default(10_000)),
  FLINKS_CONNECT_URL: env(httpUrl.optional()),
  ...callerVariables,
  ...observabilityVariables,
  GATEWAY_MAX_CONNECTIONS: env(wholeNumber(1, 1_000_000).default(8_192)),
  GATEWAY_MAX_CONNECTIONS_PER_SOURCE: env(wholeNumber(1, 1_000_000).default(4_096)),
  GATEWAY_SHUTDOWN_GRACE_MS: env(wholeNumber(0, 3_600_000).default(DEFAULT_SHUTDOWN_GRACE_MS)),
  GATEWAY_DRAIN_DELAY_MS: env(wholeNumber(0, 600_000).default(DEFAULT_DRAIN_DELAY_MS)),
  GATEWAY_MAX_EVENT_LOOP_LAG_MS: env(wholeNumber(10, 60_000).default(1_000)),
  GATEWAY_INTROSPECTION: env(trueFalse.optional()),
  GATEWAY_TRUSTED_DOCUMENTS: env(trustedDocuments.optional()),
  LOG_LEVEL: env(oneOf(LOG_LEVELS).optional()),
});

/** Every variable loadConfig reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(variables.shape);

const environment = variables
  .superRefine((vars, ctx) => {
    if (vars.FLINKS_INSTANCE && vars.FLINKS_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["FLINKS_BASE_URL"],
        message: "Set FLINKS_BASE_URL or FLINKS_INSTANCE, not both",
      });
    }
    const live = Boolean(vars.FLINKS_INSTANCE || vars.FLINKS_BASE_URL);
    const production = vars.NODE_ENV === "production";
    if (production && !live) {
      ctx.addIssue({
        code: "custom",
        path: ["FLINKS_INSTANCE"],
        message:
          "is required with NODE_ENV=production (or FLINKS_BASE_URL): production never runs against the mock",
      });
    }
    checkCallers(vars, ctx, { live, production });
    checkObservability(vars, ctx);
    // Named in production even before an upstream is set, so that one run lists everything to set.
    if ((live || production) && !vars.FLINKS_SECRET_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["FLINKS_SECRET_KEY"],
        message: live
          ? "is required when an upstream (FLINKS_INSTANCE or FLINKS_BASE_URL) is set"
          : "is required with NODE_ENV=production",
      });
    }
  })
  .transform((vars) => {
    const live = Boolean(vars.FLINKS_INSTANCE || vars.FLINKS_BASE_URL);
    // Loopback unless told otherwise: a container or a deployment sets HOST=0.0.0.0 on purpose.
    const host = vars.HOST ?? "127.0.0.1";
    return {
      nodeEnv: vars.NODE_ENV,
      port: vars.PORT,
      host,
      /**
       * `mock`: no upstream configured, Flinks is Prism serving the spec, and a GraphQL request's `Prefer`
       * header is forwarded so every documented outcome can be reached. `live`: never forwarded.
       */
      mode: live ? ("live" as const) : ("mock" as const),
      flinks: {
        /** Exactly one of baseUrl and instance is set. */
        baseUrl: live ? vars.FLINKS_BASE_URL : vars.FLINKS_MOCK_URL,
        instance: live ? vars.FLINKS_INSTANCE : undefined,
        customerId: vars.FLINKS_CUSTOMER_ID,
        secretKey: vars.FLINKS_SECRET_KEY ?? MOCK_SECRET_KEY,
        /** Budget of a cached Authorize (and of each AuthorizeAsync call). */
        timeoutMs: vars.FLINKS_TIMEOUT_MS,
        /** Budget of a call that reaches the bank: a live login or MFA answers. */
        liveTimeoutMs: vars.FLINKS_LIVE_TIMEOUT_MS,
        /** Budget of minting the token, retries included. */
        tokenTimeoutMs: vars.FLINKS_TOKEN_TIMEOUT_MS,
        /** The bound on concurrent calls to Flinks. */
        maxInFlight: vars.FLINKS_MAX_IN_FLIGHT,
        /** Longest wait for a free upstream slot before GatewayBusyError. */
        slotWaitMs: vars.FLINKS_SLOT_WAIT_MS,
        /** Live logins start on AuthorizeAsync and answer Pending at once (Flinks enables it per customer). */
        authorizeAsync: vars.FLINKS_AUTHORIZE_ASYNC,
        /** Cadence of the server-side polls of the authorization subscription. */
        pollIntervalMs: vars.FLINKS_POLL_INTERVAL_MS,
        /**
         * The Flinks Connect iframe connectToken builds its URL on: the instance's own
         * (`https://{instance}-iframe.private.fin.ag/v2/`), the toolbox's demo in mock mode, none behind a
         * FLINKS_BASE_URL unless FLINKS_CONNECT_URL says.
         */
        connectUrl:
          vars.FLINKS_CONNECT_URL ??
          (vars.FLINKS_INSTANCE
            ? `https://${vars.FLINKS_INSTANCE}-iframe.private.fin.ag/v2/`
            : live
              ? undefined
              : TOOLBOX_CONNECT_URL),
      },
      /** Client connections held at once, idle keep-alive ones included. */
      maxConnections: vars.GATEWAY_MAX_CONNECTIONS,
      /** Of them, what one remote address may hold (behind a terminating balancer: all of them). */
      maxConnectionsPerSource: Math.min(
        vars.GATEWAY_MAX_CONNECTIONS_PER_SOURCE,
        vars.GATEWAY_MAX_CONNECTIONS,
      ),
      /** Time allowed for requests in flight after SIGTERM/SIGINT before the process exits anyway. */
      shutdownGraceMs: vars.GATEWAY_SHUTDOWN_GRACE_MS,
      /** After SIGTERM, how long idle connections are left for their clients to close first. */
      drainDelayMs: vars.GATEWAY_DRAIN_DELAY_MS,
      /** Event-loop lag past which new GraphQL requests are refused busy (http/load.ts). */
      maxEventLoopLagMs: vars.GATEWAY_MAX_EVENT_LOOP_LAG_MS,
      ...callersConfig(vars, { live }),
      /** The only documents callers may run, by id (a persisted-documents manifest); undefined: any. */
      trustedDocuments: vars.GATEWAY_TRUSTED_DOCUMENTS,
      ...observabilityConfig(vars, host),
      /** GraphiQL and introspection: on against the mock outside production, else only when asked for. */
      introspection: vars.GATEWAY_INTROSPECTION ?? (vars.NODE_ENV !== "production" && !live),
      // Production logs warnings and errors only: an access line per request costs throughput.
      logLevel: vars.LOG_LEVEL ?? (vars.NODE_ENV === "production" ? "warn" : "info"),
    };
  });

export type GatewayConfig = z.output<typeof environment>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once. Messages name the variable, never its value (it may be a secret). */
export function loadConfig(vars: Record<string, string | undefined> = process.env): GatewayConfig {
  const parsed = environment.safeParse(vars);
  if (parsed.success) return parsed.data;
  // One line per variable (its first problem), named once.
  const byVariable = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const variable = String(issue.path[0] ?? "environment");
    if (!byVariable.has(variable)) byVariable.set(variable, issue.message);
  }
  const lines = [...byVariable].map(([variable, message]) => `  - ${variable}: ${message}`);
  throw new ConfigError(`Invalid gateway configuration:\n${lines.join("\n")}`);
}
