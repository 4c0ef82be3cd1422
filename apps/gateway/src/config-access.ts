import { z } from "zod";
import { blankToUndefined, commaList, optionalString, wholeNumber } from "./config-values.js";

/**
 * Who may call, from where, and how often: the variables of caller identity (GATEWAY_API_KEYS,
 * GATEWAY_JWT_*), CORS (GATEWAY_CORS_*), abuse limits (GATEWAY_RATE_LIMITS, GATEWAY_LIMIT_*) and the
 * store they share across replicas (REDIS_URL). config.ts merges these into the gateway's environment.
 * Messages name the variable, never a key or a URL (either may hold a secret).
 */

/** A static key for a service, and the name logs and limits know it by. */
export interface ApiKey {
  name: string;
  key: string;
}

export interface JwtConfig {
  /** The identity provider's JSON Web Key Set. */
  jwksUrl: URL;
  issuer: string;
  /** A token must name at least one of these in `aud`. */
  audience: string[];
  /** The only `alg` values accepted: asymmetric ones, never `none` or HMAC. */
  algorithms: string[];
}

export interface CorsConfig {
  /** Origins allowed cross-origin access, exactly as a browser sends them. */
  origins: string[];
  /** Development on the mock with no list: any http://localhost or 127.0.0.1 port is allowed too. */
  allowLoopback: boolean;
  /** Answer `access-control-allow-credentials: true` to listed origins. */
  credentials: boolean;
}

export interface LimitsConfig {
  enabled: boolean;
  /** Session calls (authorize, submitMfa, continueAuthorization, the authorization subscription) per consumer per minute. */
  consumerPerMinute: number;
  /** Points per API key per hour for logins that reach the bank. */
  keyLivePerHour: number;
  /** Points per token subject per hour for logins that reach the bank. */
  tokenLivePerHour: number;
  /** Points per end user per hour: a login or MFA answer costs 1, a refused password 3 more. */
  endUserPerHour: number;
}

export interface RedisConfig {
  url: string;
  /** While Redis is unreachable: limits and handle markers in this process's memory, or no session calls. */
  outage: "fallback" | "refuse";
}

export interface AccessConfig {
  /** Static keys for services; empty: none. */
  apiKeys: ApiKey[];
  /** JWT bearer tokens from the consumer's identity provider, for front ends; undefined: none. */
  jwt: JwtConfig | undefined;
  cors: CorsConfig;
  limits: LimitsConfig;
  /** Limits and single-use markers shared across replicas; undefined: each process keeps its own. */
  redis: RedisConfig | undefined;
}

/** Signature algorithms a token may use: asymmetric only, so a public key can never verify an HMAC. */
export const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;
export const DEFAULT_JWT_ALGORITHMS: Array<(typeof ASYMMETRIC_ALGORITHMS)[number]> = ["RS256", "ES256"];

export const DEFAULT_LIMITS = {
  consumerPerMinute: 120,
  keyLivePerHour: 1_000,
  tokenLivePerHour: 20,
  endUserPerHour: 10,
} as const;

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MIN_KEY_LENGTH = 16;

/**
 * `name:key` entries, comma-separated; an entry without a name (no `:`, or a prefix that is no name) is
 * named `key-<position>`. Refuses short keys and repeated names or keys, quoting neither key.
 */
export function parseApiKeys(value: string): { keys: ApiKey[] } | { problem: string } {
  const keys: ApiKey[] = [];
  for (const [index, entry] of commaList(value).entries()) {
    const colon = entry.indexOf(":");
    const name = colon > 0 ? entry.slice(0, colon) : "";
    const named = KEY_NAME.test(name);
    const key = named ? entry.slice(colon + 1).trim() : entry;
    if (key.length < MIN_KEY_LENGTH) {
      return { problem: `each key must be at least ${MIN_KEY_LENGTH} characters (entry ${index + 1})` };
    }
    keys.push({ name: named ? name : `key-${index + 1}`, key });
  }
  if (keys.length === 0) return { problem: "lists no key" };
  const names = new Set(keys.map(({ name }) => name));
  if (names.size !== keys.length) return { problem: "names a key twice: each name must be unique" };
  if (new Set(keys.map(({ key }) => key)).size !== keys.length) return { problem: "lists a key twice" };
  return { keys };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const onOff = z.enum(["on", "off"], { error: "must be on or off" });
const trueFalse = z.enum(["true", "false"], { error: "must be true or false" });
const limit = (fallback: number) =>
  z.preprocess(blankToUndefined, wholeNumber(1, 1_000_000_000).default(fallback));

/** The variables, merged into config.ts's environment object. */
export const accessVariables = {
  GATEWAY_API_KEYS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((value, ctx) => {
        const parsed = parseApiKeys(value);
        if ("keys" in parsed) return parsed.keys;
        ctx.addIssue({ code: "custom", message: parsed.problem });
        return z.NEVER;
      })
      .optional(),
  ),
  GATEWAY_JWT_JWKS_URL: z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .refine((value) => {
        const url = new URL(value);
        return url.protocol === "https:" || LOOPBACK_HOSTS.has(url.hostname);
      }, "must be https (plain http only on loopback): the key set decides who may call")
      .optional(),
  ),
  GATEWAY_JWT_ISSUER: optionalString,
  GATEWAY_JWT_AUDIENCE: z.preprocess(
    blankToUndefined,
    z.string().transform(commaList).pipe(z.array(z.string()).min(1, "lists no audience")).optional(),
  ),
  GATEWAY_JWT_ALGORITHMS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform(commaList)
      .pipe(
        z
          .array(
            z.enum(ASYMMETRIC_ALGORITHMS, {
              error: `must list asymmetric algorithms only (${ASYMMETRIC_ALGORITHMS.join(", ")}): never none or HS*`,
            }),
          )
          .min(1, "lists no algorithm"),
      )
      .default(() => [...DEFAULT_JWT_ALGORITHMS]),
  ),
  GATEWAY_CORS_ORIGINS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform(commaList)
      .pipe(
        z.array(
          z
            .string()
            .refine((entry) => entry !== "*", "must list origins: * would let any web page call the gateway")
            .refine(
              isOrigin,
              "must list origins such as https://app.example.com (scheme, host and port only, no path)",
            ),
        ),
      )
      .optional(),
  ),
  GATEWAY_CORS_CREDENTIALS: z.preprocess(blankToUndefined, trueFalse.default("false")),
  GATEWAY_RATE_LIMITS: z.preprocess(blankToUndefined, onOff.optional()),
  GATEWAY_LIMIT_CONSUMER_PER_MINUTE: limit(DEFAULT_LIMITS.consumerPerMinute),
  GATEWAY_LIMIT_KEY_LIVE_PER_HOUR: limit(DEFAULT_LIMITS.keyLivePerHour),
  GATEWAY_LIMIT_TOKEN_LIVE_PER_HOUR: limit(DEFAULT_LIMITS.tokenLivePerHour),
  GATEWAY_LIMIT_END_USER_PER_HOUR: limit(DEFAULT_LIMITS.endUserPerHour),
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
  ),
  GATEWAY_REDIS_OUTAGE: z.preprocess(
    blankToUndefined,
    z.enum(["fallback", "refuse"], { error: "must be fallback or refuse" }).default("fallback"),
  ),
};

/** An origin as a browser sends it: `scheme://host[:port]`, nothing more. */
function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === entry;
  } catch {
    return false;
  }
}

type AccessEnvironment = z.output<z.ZodObject<typeof accessVariables>>;
type IssueSink = { addIssue(issue: { code: "custom"; path: string[]; message: string }): void };

/**
 * A gateway that can reach a real Flinks relays bank credentials: callers must authenticate (a key or a
 * token), whatever NODE_ENV says. A JWT configuration names its issuer and audience, or it would accept
 * any token the identity provider ever signed.
 */
export function requireCallerAuthentication(
  env: AccessEnvironment,
  ctx: IssueSink,
  { live, production }: { live: boolean; production: boolean },
): void {
  const jwtVariables = [env.GATEWAY_JWT_JWKS_URL, env.GATEWAY_JWT_ISSUER, env.GATEWAY_JWT_AUDIENCE];
  if (jwtVariables.some((value) => value !== undefined)) {
    for (const name of ["GATEWAY_JWT_JWKS_URL", "GATEWAY_JWT_ISSUER", "GATEWAY_JWT_AUDIENCE"] as const) {
      if (env[name] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "is required with the other GATEWAY_JWT_* variables",
        });
      }
    }
  }
  if ((production || live) && !env.GATEWAY_API_KEYS && !env.GATEWAY_JWT_JWKS_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["GATEWAY_API_KEYS"],
      message: live
        ? "is required when an upstream (FLINKS_INSTANCE or FLINKS_BASE_URL) is set, unless GATEWAY_JWT_JWKS_URL is: callers must authenticate"
        : "is required with NODE_ENV=production, unless GATEWAY_JWT_JWKS_URL is: callers must authenticate",
    });
  }
}

export function accessConfig(env: AccessEnvironment, { live }: { live: boolean }): AccessConfig {
  const { GATEWAY_JWT_JWKS_URL: jwksUrl, GATEWAY_JWT_ISSUER: issuer, GATEWAY_JWT_AUDIENCE: audience } = env;
  return {
    apiKeys: env.GATEWAY_API_KEYS ?? [],
    jwt:
      jwksUrl && issuer && audience
        ? { jwksUrl: new URL(jwksUrl), issuer, audience, algorithms: env.GATEWAY_JWT_ALGORITHMS }
        : undefined,
    cors: {
      origins: env.GATEWAY_CORS_ORIGINS ?? [],
      // Only against the mock (production always has an upstream), and only while nothing is listed.
      allowLoopback: !live && env.GATEWAY_CORS_ORIGINS === undefined,
      credentials: env.GATEWAY_CORS_CREDENTIALS === "true",
    },
    limits: {
      // The mock reaches no bank: limits there would only get in a developer's way.
      enabled: env.GATEWAY_RATE_LIMITS === undefined ? live : env.GATEWAY_RATE_LIMITS === "on",
      consumerPerMinute: env.GATEWAY_LIMIT_CONSUMER_PER_MINUTE,
      keyLivePerHour: env.GATEWAY_LIMIT_KEY_LIVE_PER_HOUR,
      tokenLivePerHour: env.GATEWAY_LIMIT_TOKEN_LIVE_PER_HOUR,
      endUserPerHour: env.GATEWAY_LIMIT_END_USER_PER_HOUR,
    },
    redis: env.REDIS_URL ? { url: env.REDIS_URL, outage: env.GATEWAY_REDIS_OUTAGE } : undefined,
  };
}
