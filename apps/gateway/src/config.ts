import { INSTANCE_PATTERN, TOOLBOX_CUSTOMER_ID } from "@flinks-authorize/client";
import { z } from "zod";
import {
  type AccessConfig,
  accessConfig,
  accessVariables,
  requireCallerAuthentication,
} from "./config-access.js";
import {
  checkObservability,
  type ObservabilityConfig,
  observabilityConfig,
  observabilityVariables,
} from "./config-observability.js";
import { blankToUndefined, optionalString, wholeNumber } from "./config-values.js";
import { readTrustedDocuments, type TrustedDocuments, TrustedDocumentsError } from "./trusted-documents.js";

export { TOOLBOX_CUSTOMER_ID };
/** Where `pnpm start` and `pnpm mock` serve Prism. */
export const DEFAULT_MOCK_URL = "http://127.0.0.1:4010";
/** Concurrent calls to Flinks one gateway process holds open (FLINKS_MAX_IN_FLIGHT); see the README. */
export const DEFAULT_MAX_IN_FLIGHT = 2_500;
/**
 * Time allowed for requests in flight after SIGTERM (GATEWAY_SHUTDOWN_GRACE_MS): FLINKS_TIMEOUT_MS's
 * default, so every cached Authorize, poll and token mint ends on its own budget within it; see the
 * README's "Shutdown" for what it cannot cover (a login still at the bank).
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** More worker processes than this is a typo, not a machine. */
export const MAX_WORKERS = 256;
/** Prism accepts any non-empty key; a fixed one keeps mock mode zero-configuration. */
const MOCK_SECRET_KEY = "mock-secret-key";

const environment = z
  .object({
    NODE_ENV: z.preprocess(
      blankToUndefined,
      z.enum(["development", "production", "test"]).default("development"),
    ),
    PORT: z.preprocess(blankToUndefined, wholeNumber(0, 65_535).default(4000)),
    HOST: z.preprocess(blankToUndefined, z.string().optional()),
    FLINKS_INSTANCE: z.preprocess(
      blankToUndefined,
      z.string().regex(INSTANCE_PATTERN, "must be an instance name such as toolbox").optional(),
    ),
    FLINKS_BASE_URL: z.preprocess(
      blankToUndefined,
      z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    ),
    FLINKS_MOCK_URL: z.preprocess(
      blankToUndefined,
      z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default(DEFAULT_MOCK_URL),
    ),
    FLINKS_CUSTOMER_ID: z.preprocess(
      blankToUndefined,
      z.uuid({ error: "must be the GUID Flinks issued" }).default(TOOLBOX_CUSTOMER_ID),
    ),
    FLINKS_SECRET_KEY: optionalString,
    FLINKS_TIMEOUT_MS: z.preprocess(blankToUndefined, wholeNumber(1, 600_000).default(30_000)),
    FLINKS_LIVE_TIMEOUT_MS: z.preprocess(blankToUndefined, wholeNumber(1, 900_000).default(240_000)),
    FLINKS_TOKEN_TIMEOUT_MS: z.preprocess(blankToUndefined, wholeNumber(1, 600_000).default(10_000)),
    FLINKS_MAX_IN_FLIGHT: z.preprocess(
      blankToUndefined,
      wholeNumber(1, 100_000).default(DEFAULT_MAX_IN_FLIGHT),
    ),
    FLINKS_SLOT_WAIT_MS: z.preprocess(blankToUndefined, wholeNumber(0, 10_000).default(250)),
    FLINKS_AUTHORIZE_ASYNC: z.preprocess(
      blankToUndefined,
      z.enum(["true", "false"], { error: "must be true or false" }).default("false"),
    ),
    FLINKS_POLL_INTERVAL_MS: z.preprocess(blankToUndefined, wholeNumber(100, 600_000).default(10_000)),
    FLINKS_TOKEN_POOL_SIZE: z.preprocess(blankToUndefined, wholeNumber(0, 1_000).default(64)),
    ...accessVariables,
    ...observabilityVariables,
    GATEWAY_MAX_CONNECTIONS: z.preprocess(blankToUndefined, wholeNumber(1, 1_000_000).default(8_192)),
    GATEWAY_SHUTDOWN_GRACE_MS: z.preprocess(
      blankToUndefined,
      wholeNumber(0, 3_600_000).default(DEFAULT_SHUTDOWN_GRACE_MS),
    ),
    GATEWAY_WORKERS: z.preprocess(
      blankToUndefined,
      z
        .string()
        .transform((text, ctx): number | "auto" => {
          if (text === "auto") return "auto";
          const count = Number(text);
          if (/^\d+$/.test(text) && count >= 1 && count <= MAX_WORKERS) return count;
          ctx.addIssue({
            code: "custom",
            message: `must be auto or a whole number from 1 to ${MAX_WORKERS}`,
          });
          return z.NEVER;
        })
        .default(1),
    ),
    GATEWAY_INTROSPECTION: z.preprocess(
      blankToUndefined,
      z.enum(["true", "false"], { error: "must be true or false" }).optional(),
    ),
    GATEWAY_TRUSTED_DOCUMENTS: z.preprocess(
      blankToUndefined,
      z
        .string()
        .transform((path, ctx): TrustedDocuments => {
          try {
            return readTrustedDocuments(path);
          } catch (error) {
            if (!(error instanceof TrustedDocumentsError)) throw error;
            ctx.addIssue({ code: "custom", message: error.message });
            return z.NEVER;
          }
        })
        .optional(),
    ),
    LOG_LEVEL: z.preprocess(
      blankToUndefined,
      z
        .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
          error: "must be fatal, error, warn, info, debug, trace or silent",
        })
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.FLINKS_INSTANCE && env.FLINKS_BASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["FLINKS_BASE_URL"],
        message: "Set FLINKS_BASE_URL or FLINKS_INSTANCE, not both",
      });
    }
    const live = Boolean(env.FLINKS_INSTANCE || env.FLINKS_BASE_URL);
    const production = env.NODE_ENV === "production";
    if (production && !live) {
      ctx.addIssue({
        code: "custom",
        path: ["FLINKS_INSTANCE"],
        message:
          "is required with NODE_ENV=production (or FLINKS_BASE_URL): production never runs against the mock",
      });
    }
    requireCallerAuthentication(env, ctx, { live, production });
    checkObservability(env, ctx);
    // Named in production even before an upstream is set, so that one run lists everything to set.
    if ((live || production) && !env.FLINKS_SECRET_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["FLINKS_SECRET_KEY"],
        message: live
          ? "is required when an upstream (FLINKS_INSTANCE or FLINKS_BASE_URL) is set"
          : "is required with NODE_ENV=production",
      });
    }
  });

/** Every variable loadConfig reads: the README's Configuration table has a row for each (a test checks). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environment.shape);

export interface GatewayConfig extends AccessConfig, ObservabilityConfig {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  /**
   * `mock`: no upstream configured, Flinks is Prism serving the spec, and a GraphQL request's `Prefer`
   * header is forwarded so every documented outcome can be reached. `live`: never forwarded.
   */
  mode: "mock" | "live";
  flinks: {
    /** Exactly one of baseUrl and instance is set. */
    baseUrl: string | undefined;
    instance: string | undefined;
    customerId: string;
    secretKey: string;
    /** Budget of a cached Authorize (and of each AuthorizeAsync call). */
    timeoutMs: number;
    /** Budget of a call that reaches the bank: a live login or MFA answers. */
    liveTimeoutMs: number;
    /** Budget of minting the token, retries included. */
    tokenTimeoutMs: number;
    /** The bound on concurrent calls to Flinks. */
    maxInFlight: number;
    /** Longest wait for a free upstream slot before GatewayBusyError. */
    slotWaitMs: number;
    /** Live logins start on AuthorizeAsync and answer Pending at once (Flinks enables it per customer). */
    authorizeAsync: boolean;
    /** Cadence of the server-side polls of the authorization subscription. */
    pollIntervalMs: number;
    /** Most authorize tokens minted ahead of need (the pool sizes itself below it); 0 mints one per authorize. */
    tokenPoolSize: number;
  };
  /** Client connections held at once, idle keep-alive ones included. */
  maxConnections: number;
  /** Time allowed for requests in flight after SIGTERM/SIGINT before the process exits anyway. */
  shutdownGraceMs: number;
  /**
   * Worker processes serving the port (node:cluster); 1 serves in this process with no cluster.
   * `auto`: one per core as os.availableParallelism() sees them (workers.ts resolves it).
   */
  workers: number | "auto";
  /**
   * The only documents callers may run, by id (GATEWAY_TRUSTED_DOCUMENTS, a persisted-documents manifest);
   * undefined: any operation.
   */
  trustedDocuments: TrustedDocuments | undefined;
  /** GraphiQL and introspection: on in development and test, off in production unless GATEWAY_INTROSPECTION=true. */
  introspection: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once. Messages name the variable, never its value (it may be a secret). */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    // One line per variable (its first problem), named once.
    const byVariable = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? "environment");
      if (!byVariable.has(variable)) byVariable.set(variable, issue.message);
    }
    const lines = [...byVariable].map(([variable, message]) => `  - ${variable}: ${message}`);
    throw new ConfigError(`Invalid gateway configuration:\n${lines.join("\n")}`);
  }
  const value = parsed.data;
  const live = Boolean(value.FLINKS_INSTANCE || value.FLINKS_BASE_URL);
  // Loopback unless told otherwise: a container or a deployment sets HOST=0.0.0.0 on purpose.
  const host = value.HOST ?? "127.0.0.1";
  return {
    nodeEnv: value.NODE_ENV,
    port: value.PORT,
    host,
    mode: live ? "live" : "mock",
    flinks: {
      baseUrl: live ? value.FLINKS_BASE_URL : value.FLINKS_MOCK_URL,
      instance: live ? value.FLINKS_INSTANCE : undefined,
      customerId: value.FLINKS_CUSTOMER_ID,
      secretKey: value.FLINKS_SECRET_KEY ?? MOCK_SECRET_KEY,
      timeoutMs: value.FLINKS_TIMEOUT_MS,
      liveTimeoutMs: value.FLINKS_LIVE_TIMEOUT_MS,
      tokenTimeoutMs: value.FLINKS_TOKEN_TIMEOUT_MS,
      maxInFlight: value.FLINKS_MAX_IN_FLIGHT,
      slotWaitMs: value.FLINKS_SLOT_WAIT_MS,
      authorizeAsync: value.FLINKS_AUTHORIZE_ASYNC === "true",
      pollIntervalMs: value.FLINKS_POLL_INTERVAL_MS,
      tokenPoolSize: value.FLINKS_TOKEN_POOL_SIZE,
    },
    maxConnections: value.GATEWAY_MAX_CONNECTIONS,
    shutdownGraceMs: value.GATEWAY_SHUTDOWN_GRACE_MS,
    workers: value.GATEWAY_WORKERS,
    ...accessConfig(value, { live }),
    trustedDocuments: value.GATEWAY_TRUSTED_DOCUMENTS,
    ...observabilityConfig(value, host),
    // GraphiQL and introspection only against the mock, unless asked for.
    introspection:
      value.GATEWAY_INTROSPECTION === undefined
        ? value.NODE_ENV !== "production" && !live
        : value.GATEWAY_INTROSPECTION === "true",
    // Production logs warnings and errors only: an access line per request costs throughput (README).
    logLevel: value.LOG_LEVEL ?? (value.NODE_ENV === "production" ? "warn" : "info"),
  };
}
