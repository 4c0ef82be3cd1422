import { z } from "zod";
import { commaList, env, httpUrl, type IssueSink, oneOf, trueFalse, wholeNumber } from "./env.js";

/**
 * Who may call, from where, and how often: caller identity (GATEWAY_API_KEYS, GATEWAY_JWT_*), CORS
 * (GATEWAY_CORS_*), abuse limits (GATEWAY_RATE_LIMITS, GATEWAY_LIMIT_*) and the store they share across
 * replicas (REDIS_URL). Messages name the variable, never a key or a URL (either may hold a secret).
 */

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
export const DEFAULT_JWT_ALGORITHMS = ["RS256", "ES256"] as const;

export const DEFAULT_LIMITS = {
  consumerPerMinute: 120,
  keyLivePerHour: 1_000,
  tokenLivePerHour: 20,
  endUserPerHour: 10,
} as const;

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MIN_KEY_LENGTH = 16;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A static key for a service, and the name logs and limits know it by. */
export interface ApiKey {
  name: string;
  key: string;
}

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
  if (new Set(keys.map(({ name }) => name)).size !== keys.length) {
    return { problem: "names a key twice: each name must be unique" };
  }
  if (new Set(keys.map(({ key }) => key)).size !== keys.length) return { problem: "lists a key twice" };
  return { keys };
}

/** An origin as a browser sends it: `scheme://host[:port]`, nothing more. */
function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === entry;
  } catch {
    return false;
  }
}

const limit = (fallback: number) => env(wholeNumber(1, 1_000_000_000).default(fallback));

export const callerVariables = {
  GATEWAY_API_KEYS: env(
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
  GATEWAY_JWT_JWKS_URL: env(
    httpUrl
      .refine((value) => {
        const url = new URL(value);
        return url.protocol === "https:" || LOOPBACK_HOSTS.has(url.hostname);
      }, "must be https (plain http only on loopback): the key set decides who may call")
      .optional(),
  ),
  GATEWAY_JWT_ISSUER: env(z.string().optional()),
  GATEWAY_JWT_AUDIENCE: env(
    z.string().transform(commaList).pipe(z.array(z.string()).min(1, "lists no audience")).optional(),
  ),
  GATEWAY_JWT_ALGORITHMS: env(
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
      .default([...DEFAULT_JWT_ALGORITHMS]),
  ),
  GATEWAY_CORS_ORIGINS: env(
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
  GATEWAY_CORS_CREDENTIALS: env(trueFalse.default(false)),
  GATEWAY_RATE_LIMITS: env(oneOf(["on", "off"]).optional()),
  GATEWAY_LIMIT_CONSUMER_PER_MINUTE: limit(DEFAULT_LIMITS.consumerPerMinute),
  GATEWAY_LIMIT_KEY_LIVE_PER_HOUR: limit(DEFAULT_LIMITS.keyLivePerHour),
  GATEWAY_LIMIT_TOKEN_LIVE_PER_HOUR: limit(DEFAULT_LIMITS.tokenLivePerHour),
  GATEWAY_LIMIT_END_USER_PER_HOUR: limit(DEFAULT_LIMITS.endUserPerHour),
  REDIS_URL: env(z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional()),
  GATEWAY_REDIS_OUTAGE: env(oneOf(["fallback", "refuse"]).default("fallback")),
};

type CallerEnvironment = z.output<z.ZodObject<typeof callerVariables>>;

const JWT_VARIABLES = ["GATEWAY_JWT_JWKS_URL", "GATEWAY_JWT_ISSUER", "GATEWAY_JWT_AUDIENCE"] as const;

/**
 * A gateway that can reach a real Flinks relays bank credentials: callers must authenticate (a key or a
 * token), whatever NODE_ENV says. A JWT configuration names its issuer and audience, or it would accept
 * any token the identity provider ever signed.
 */
export function checkCallers(
  vars: CallerEnvironment,
  ctx: IssueSink,
  { live, production }: { live: boolean; production: boolean },
): void {
  if (JWT_VARIABLES.some((name) => vars[name] !== undefined)) {
    for (const name of JWT_VARIABLES) {
      if (vars[name] === undefined)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "is required with the other GATEWAY_JWT_* variables",
        });
    }
  }
  if ((production || live) && !vars.GATEWAY_API_KEYS && !vars.GATEWAY_JWT_JWKS_URL) {
    const why = live
      ? "when an upstream (FLINKS_INSTANCE or FLINKS_BASE_URL) is set"
      : "with NODE_ENV=production";
    ctx.addIssue({
      code: "custom",
      path: ["GATEWAY_API_KEYS"],
      message: `is required ${why}, unless GATEWAY_JWT_JWKS_URL is: callers must authenticate`,
    });
  }
}

/** The callers' part of the gateway's configuration. */
export function callersConfig(vars: CallerEnvironment, { live }: { live: boolean }) {
  const { GATEWAY_JWT_JWKS_URL: jwksUrl, GATEWAY_JWT_ISSUER: issuer, GATEWAY_JWT_AUDIENCE: audience } = vars;
  return {
    /** Static keys for services; empty: none. */
    apiKeys: vars.GATEWAY_API_KEYS ?? [],
    /** JWT bearer tokens from the consumer's identity provider, for front ends; undefined: none. */
    jwt:
      jwksUrl && issuer && audience
        ? { jwksUrl: new URL(jwksUrl), issuer, audience, algorithms: vars.GATEWAY_JWT_ALGORITHMS }
        : undefined,
    cors: {
      /** Origins allowed cross-origin access, exactly as a browser sends them. */
      origins: vars.GATEWAY_CORS_ORIGINS ?? [],
      /** Against the mock with no list: any http://localhost or 127.0.0.1 port is allowed too. */
      allowLoopback: !live && vars.GATEWAY_CORS_ORIGINS === undefined,
      credentials: vars.GATEWAY_CORS_CREDENTIALS,
    },
    limits: {
      // The mock reaches no bank: limits there would only get in a developer's way.
      enabled: vars.GATEWAY_RATE_LIMITS === undefined ? live : vars.GATEWAY_RATE_LIMITS === "on",
      /** Session calls per consumer per minute. */
      consumerPerMinute: vars.GATEWAY_LIMIT_CONSUMER_PER_MINUTE,
      /** Points per API key per hour for logins that reach the bank. */
      keyLivePerHour: vars.GATEWAY_LIMIT_KEY_LIVE_PER_HOUR,
      /** Points per token subject per hour for logins that reach the bank. */
      tokenLivePerHour: vars.GATEWAY_LIMIT_TOKEN_LIVE_PER_HOUR,
      /** Points per end user per hour: a login or MFA answer costs 1, a refused password 3 more. */
      endUserPerHour: vars.GATEWAY_LIMIT_END_USER_PER_HOUR,
    },
    /** Limits and single-use markers shared across replicas; undefined: each process keeps its own. */
    redis: vars.REDIS_URL ? { url: vars.REDIS_URL, outage: vars.GATEWAY_REDIS_OUTAGE } : undefined,
  };
}
