import type { components } from "./generated/openapi.js";

/** A FlinksCode the spec lists today. Flinks adds codes over time: any other string may arrive too. */
export type KnownFlinksCode = components["schemas"]["KnownFlinksCode"];
/** What a FlinksCode field may hold: a known code, or a code newer than the spec. */
export type FlinksCode = components["schemas"]["FlinksCode"];

/**
 * Whether the same call may succeed later with nothing changed by the end user: the institution or Flinks
 * is busy or down, not the credentials or the answers. A `Record` over the spec's enum, so a code added to
 * the spec does not compile until someone decides here.
 */
const retryableByCode: Record<KnownFlinksCode, boolean> = {
  SESSION_NONEXISTENT: false,
  SESSION_EXPIRED: false,
  CARD_IN_USE: true,
  CONCURRENT_SESSION: true,
  ALREADY_AUTHORIZED: false,
  ACCESS_DENIED: false,
  INVALID_LOGIN: false,
  INVALID_REQUEST: false,
  INVALID_USERNAME: false,
  INVALID_PASSWORD: false,
  INVALID_SECURITY_RESPONSE: false,
  INVALID_SECURITY_RESPONSE_NO_RETRY: false,
  SECURITYRESPONSES_INCOMPLETE: false,
  QUESTION_NOT_FOUND: false,
  RETRY_LATER: true,
  TOO_MANY_REQUESTS: true,
  UNKNOWN_CHALLENGE_KEY: false,
  UNAUTHORIZED: false,
  NEW_ACCOUNT: false,
  DISABLED_LOGIN: false,
  DISABLED_INSTITUTION: true,
  AGGREGATION_ERROR: true,
};

/** Every FlinksCode the spec knows, in the spec's order. */
export const knownFlinksCodes = Object.keys(retryableByCode) as readonly KnownFlinksCode[];

export const isKnownFlinksCode = (code: string): code is KnownFlinksCode =>
  Object.hasOwn(retryableByCode, code);

/** Known codes follow the table above; an unknown code is retryable only when Flinks answered 5xx. */
export const isRetryable = (code: string | undefined, status: number): boolean =>
  code !== undefined && isKnownFlinksCode(code) ? retryableByCode[code] : status >= 500;
