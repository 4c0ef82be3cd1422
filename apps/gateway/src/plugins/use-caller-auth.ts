import type { Plugin } from "graphql-yoga";
import type { Logger } from "pino";
import { ANONYMOUS, type Consumer, createKeyMatcher } from "../access/consumers.js";
import { looksLikeJwt, type TokenVerifier } from "../access/token-verifier.js";
import type { ApiKey } from "../config/callers.js";
import { requestIdOf } from "./use-request-id.js";

export interface CallerAuthOptions {
  /**
   * Static keys for services, each with the name logs and limits know it by.
   * @default []
   */
  keys?: readonly ApiKey[];
  /**
   * Verifies JWT bearer tokens from the consumer's identity provider (token-verifier.ts); none: tokens
   * are not accepted.
   * @default undefined
   */
  verifyToken?: TokenVerifier;
  /**
   * Paths that stay open, such as liveness and readiness probes.
   * @default []
   */
  openPaths?: readonly string[];
  /** Where refusals are logged (their reason, never the credential). */
  logger?: Logger;
}

const consumers = new WeakMap<Request, Consumer>();
const attributeRequest = (request: Request, consumer: Consumer) => consumers.set(request, consumer);

/**
 * The request's consumer, once authenticated; undefined on open paths and for refused callers (whose
 * requests never reach the context).
 */
export const consumerOf = (request: Request): Consumer | undefined => consumers.get(request);

/** Seconds a caller is told to wait when the identity provider's keys cannot be fetched. */
const KEY_SET_RETRY_AFTER_SECONDS = 5;

const REALM = 'Bearer realm="graphql"';

/**
 * Every GraphQL request is attributed to a consumer, or refused before anything else runs. With neither
 * keys nor a token verifier configured (mock mode only: the configuration refuses it anywhere else) every
 * request is the anonymous consumer. Otherwise `Authorization: Bearer <credential>` must carry a
 * configured key, or a token the verifier accepts; anything else gets HTTP 401 with a GraphQL-shaped
 * body (RFC 6750's `error="invalid_token"` when a credential was presented), and HTTP 503 when the
 * identity provider's keys cannot be fetched. It answers from `onRequest` with `endResponse`: an error
 * thrown there does not reach Yoga's error handling (a `createGraphQLError` with `extensions.http`
 * would be a 500). A request it refuses is never parsed.
 */
export function useCallerAuth({
  keys = [],
  verifyToken,
  openPaths = [],
  logger,
}: CallerAuthOptions = {}): Plugin {
  const matchKey = createKeyMatcher(keys);
  const required = keys.length > 0 || verifyToken !== undefined;
  const accepted = [keys.length > 0 && "API key", verifyToken && "bearer token"].filter(Boolean).join(" or ");

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (openPaths.includes(url.pathname)) return;
      if (!required) {
        attributeRequest(request, ANONYMOUS);
        return;
      }
      const refuse = (status: number, message: string, code: string, headers: Record<string, string> = {}) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
            status,
            headers: {
              "content-type": "application/json; charset=utf-8",
              // An unauthenticated client gets no keep-alive connection to hold.
              connection: "close",
              ...headers,
            },
          }),
        );
      const log = (level: "debug" | "info" | "warn", reason: string, detail?: string) =>
        logger?.[level]({ requestId: requestIdOf(request), reason, detail }, "caller refused");

      const presented = /^Bearer ([^\s]+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
      if (presented === undefined) {
        log("debug", "no bearer credential");
        return refuse(401, `A valid ${accepted} is required.`, "UNAUTHENTICATED", {
          "www-authenticate": REALM,
        });
      }
      const name = matchKey(presented);
      if (name !== undefined) {
        attributeRequest(request, { id: `key:${name}`, kind: "key" });
        return;
      }
      const check = verifyToken && looksLikeJwt(presented) ? await verifyToken(presented) : undefined;
      if (check?.ok) {
        attributeRequest(request, { id: `token:${check.subject}`, kind: "token" });
        return;
      }
      if (check?.reason === "unavailable") {
        log("warn", "identity provider's key set unavailable", check.detail);
        return refuse(
          503,
          "Caller authentication is unavailable for a moment: retry shortly.",
          "AUTHENTICATION_UNAVAILABLE",
          { "retry-after": String(KEY_SET_RETRY_AFTER_SECONDS) },
        );
      }
      if (check?.reason === "expired") {
        // Routine: a front end refreshes its token.
        log("info", "token expired");
        return refuse(401, "The bearer token has expired.", "UNAUTHENTICATED", {
          "www-authenticate": `${REALM}, error="invalid_token", error_description="The token expired"`,
        });
      }
      log("warn", check ? "invalid token" : keys.length > 0 ? "unknown key" : "not a token", check?.detail);
      return refuse(401, `A valid ${accepted} is required.`, "UNAUTHENTICATED", {
        "www-authenticate": `${REALM}, error="invalid_token"`,
      });
    },
  };
}
