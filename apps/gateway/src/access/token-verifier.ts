import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { GatewayConfig } from "../config/index.js";

type JwtConfig = NonNullable<GatewayConfig["jwt"]>;

/**
 * Verifies JWT bearer tokens from the consumer's identity provider with jose: the signature against the
 * provider's JSON Web Key Set, `alg` against an allow-list of asymmetric algorithms (checked before any
 * key is looked up, so `none` and an HMAC signed with a public key never get that far), `iss`, `aud`,
 * `exp` and `nbf` with a small clock skew. `sub` becomes the consumer's id.
 *
 * The key set is fetched on first use and cached. A token whose `kid` is unknown triggers a refetch (key
 * rotation), at most once per `cooldownMs` after a successful fetch, so tokens with made-up key ids
 * cannot make the gateway hammer the provider. A key set older than `cacheMaxAgeMs` is fetched again
 * before use: a key the provider withdrew stops verifying within that time.
 */
export interface TokenVerifierOptions extends JwtConfig {
  /**
   * After a successful fetch, no refetch for an unknown `kid` before this long (ms).
   * @default 30000
   */
  cooldownMs?: number;
  /**
   * A cached key set older than this is fetched again before it is used (ms).
   * @default 600000
   */
  cacheMaxAgeMs?: number;
  /**
   * Deadline of one key set fetch (ms).
   * @default 5000
   */
  fetchTimeoutMs?: number;
  /**
   * Allowed clock difference with the provider for `exp`, `nbf` and `iat` (seconds).
   * @default 30
   */
  clockToleranceSeconds?: number;
}

export type TokenCheck =
  | { ok: true; subject: string }
  /**
   * `expired`: genuine but past `exp` (the front end should refresh it). `invalid`: anything else about
   * the token. `unavailable`: the key set could not be fetched, so nothing can be said about the token.
   * `detail` is jose's error code (and the claim at fault), for logs; never the token.
   */
  | { ok: false; reason: "expired" | "invalid" | "unavailable"; detail: string };

export type TokenVerifier = (token: string) => Promise<TokenCheck>;

/** The key set could not be fetched: not the caller's fault. */
class KeySetUnavailable extends Error {
  constructor(cause: unknown) {
    super("key set unavailable", { cause });
  }
}

/** What a consumer id may hold: printable, bounded, since it is logged and used as a limiter key. */
const SUBJECT = /^[\x21-\x7e\u00a0-\uffff][\x20-\x7e\u00a0-\uffff]{0,255}$/;

/** A compact JWS: three base64url segments. Anything else is not worth a key lookup. */
export const looksLikeJwt = (value: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keySet = createRemoteJWKSet(options.jwksUrl, {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.fetchTimeoutMs ?? 5_000,
  });
  // Failures to fetch are told apart from keys that do not match: one is an outage, the other a bad token.
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw error;
      }
      throw new KeySetUnavailable(error);
    }
  };
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms,
    clockTolerance: options.clockToleranceSeconds ?? 30,
    requiredClaims: ["sub", "exp"],
  };

  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, getKey, verifyOptions);
      if (typeof payload.sub !== "string" || !SUBJECT.test(payload.sub)) {
        return { ok: false, reason: "invalid", detail: "unusable sub claim" };
      }
      return { ok: true, subject: payload.sub };
    } catch (error) {
      if (error instanceof KeySetUnavailable) {
        const cause = error.cause as { code?: string; name?: string } | undefined;
        return { ok: false, reason: "unavailable", detail: cause?.code ?? cause?.name ?? "fetch failed" };
      }
      if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired", detail: error.code };
      if (error instanceof errors.JWTClaimValidationFailed) {
        return { ok: false, reason: "invalid", detail: `${error.code} (${error.claim})` };
      }
      if (error instanceof errors.JOSEError) return { ok: false, reason: "invalid", detail: error.code };
      return { ok: false, reason: "invalid", detail: `unexpected ${(error as Error).name}` };
    }
  };
}
