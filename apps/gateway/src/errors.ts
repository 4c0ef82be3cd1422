import type { KnownFlinksCode } from "@flinks-authorize/client";
import type { StandardSchemaV1 } from "@pothos/plugin-validation";

/**
 * Every failure a consumer can get back, listed once. Each class names its GraphQL type and says what it
 * means (`schema/errors.ts` registers them all from `errorTypes`; metrics label results by that name);
 * `flinksCodes` places every FlinksCode of the spec in one of them. None carries a value the consumer
 * or the gateway sent (passwords, answers, tokens).
 */

/** A FlinksCode as the GraphQL enum knows it: the spec's codes, plus UNKNOWN for codes newer than it. */
export type FlinksCodeValue = KnownFlinksCode | "UNKNOWN";

export interface RejectionFields {
  code: FlinksCodeValue;
  /** The code exactly as Flinks sent it (bounded in length); null when Flinks sent none. */
  flinksCode?: string | null;
  message: string;
  /** Flinks' RequestId, when the error carried one. */
  flinksRequestId?: string | null;
  retryable: boolean;
}

/** A Flinks answer that refused the call. Subclasses group Flinks' codes by what the consumer does next. */
export abstract class FlinksRejection extends Error {
  readonly code: FlinksCodeValue;
  readonly flinksCode: string | null;
  readonly flinksRequestId: string | null;
  readonly retryable: boolean;

  constructor({ code, flinksCode = null, message, flinksRequestId = null, retryable }: RejectionFields) {
    super(message);
    this.code = code;
    this.flinksCode = flinksCode;
    this.flinksRequestId = flinksRequestId;
    this.retryable = retryable;
  }
}

export class InvalidCredentialsError extends FlinksRejection {}
export class MfaRejectedError extends FlinksRejection {}
export class SessionError extends FlinksRejection {}
export class AccountActionRequiredError extends FlinksRejection {}
export class InstitutionUnavailableError extends FlinksRejection {}
export class GatewayAccessDeniedError extends FlinksRejection {}
export class UnknownFlinksError extends FlinksRejection {}

/** Flinks did not answer within the call's deadline. */
export class UpstreamTimeoutError extends Error {
  readonly retryable = true;
}

/** Flinks could not be reached at all. */
export class UpstreamUnavailableError extends Error {
  readonly retryable = true;
}

/** Flinks answered something its contract does not allow. */
export class UpstreamContractError extends Error {
  readonly retryable = false;
}

/** The gateway cannot take the call now and sent nothing to Flinks, so retrying is always safe. */
export class GatewayBusyError extends Error {
  readonly retryable = true;
  readonly retryAfterSeconds: number;

  constructor({ message, retryAfterSeconds }: { message: string; retryAfterSeconds: number }) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Whose budget a refused call exceeded. */
export type RateLimitScope = "consumer" | "endUser";

/**
 * Too many session calls from one consumer, or attempts for one end user, within a limit's window.
 * Nothing was sent to Flinks; the same call succeeds after `retryAfterSeconds` unless the budget is
 * spent again by then.
 */
export class RateLimitedError extends Error {
  readonly retryable = true;
  readonly retryAfterSeconds: number;
  readonly scope: RateLimitScope;

  constructor({
    message,
    retryAfterSeconds,
    scope,
  }: { message: string; retryAfterSeconds: number; scope: RateLimitScope }) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
    this.scope = scope;
  }
}

export interface InputIssue {
  /** Where the problem is, e.g. ["input", "loginId"]. */
  path: string[];
  message: string;
}

/** Bad input, named field by field. It never quotes the value, which may be a password or an answer. */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
  readonly retryable = false;
  readonly issues: InputIssue[];

  constructor(issues: ReadonlyArray<StandardSchemaV1.Issue | InputIssue>) {
    const normalized = issues.map((issue) => ({
      path: (issue.path ?? []).map((segment) =>
        String(typeof segment === "object" && segment !== null && "key" in segment ? segment.key : segment),
      ),
      message: issue.message,
    }));
    const first = normalized[0];
    super(first ? `${first.path.join(".") || "input"}: ${first.message}` : "Invalid input.");
    this.issues = normalized;
  }
}

/** Any error member of the result unions. */
export type GatewayFailure =
  | InvalidInputError
  | FlinksRejection
  | UpstreamTimeoutError
  | UpstreamUnavailableError
  | UpstreamContractError
  | GatewayBusyError
  | RateLimitedError;

type ErrorClass = abstract new (...args: never[]) => GatewayFailure;

/**
 * The list: each failure's class, its GraphQL type name (class names do not survive the bundler) and
 * what it means. Order is the order of the result unions' members.
 */
export const errorTypes = [
  [InvalidInputError, "InvalidInputError", "The input was refused before anything was sent to Flinks."],
  [InvalidCredentialsError, "InvalidCredentialsError", "The login or credentials were refused."],
  [MfaRejectedError, "MfaRejectedError", "The MFA answers were refused."],
  [SessionError, "SessionError", "The Flinks session is unknown, expired, busy or already used."],
  [AccountActionRequiredError, "AccountActionRequiredError", "The end user must act at the institution."],
  [
    InstitutionUnavailableError,
    "InstitutionUnavailableError",
    "The institution or Flinks is unavailable; retry later.",
  ],
  [GatewayAccessDeniedError, "GatewayAccessDeniedError", "Flinks refused the gateway's own credentials."],
  [UnknownFlinksError, "UnknownFlinksError", "Flinks answered with a code this gateway does not know yet."],
  [
    UpstreamTimeoutError,
    "UpstreamTimeoutError",
    "Flinks did not answer in time. A live authorize may still have reached the institution.",
  ],
  [UpstreamUnavailableError, "UpstreamUnavailableError", "Flinks could not be reached."],
  [
    UpstreamContractError,
    "UpstreamContractError",
    "Flinks answered something its API contract does not allow.",
  ],
  [
    GatewayBusyError,
    "GatewayBusyError",
    "The gateway cannot take this call now (it is at its limit of concurrent calls to Flinks, or cannot reach the store its limits and single-use handles share, REDIS_URL) and nothing was sent: retry after retryAfterSeconds.",
  ],
  [
    RateLimitedError,
    "RateLimitedError",
    "Too many session calls within a limit's window, and nothing was sent to Flinks: the same call may succeed after retryAfterSeconds.",
  ],
] as const satisfies ReadonlyArray<readonly [ErrorClass, string, string]>;

export type ErrorTypeName = (typeof errorTypes)[number][1];

type RejectionClass = new (fields: RejectionFields) => FlinksRejection;

/**
 * Every FlinksCode of the spec, in the group the consumer acts on and with what it means: a code added
 * to the spec does not compile until it is placed here. A code newer than the gateway is
 * UnknownFlinksError.
 */
export const flinksCodes: Record<KnownFlinksCode, { type: RejectionClass; description: string }> = {
  INVALID_LOGIN: {
    type: InvalidCredentialsError,
    description: "The LoginId is unknown, or not this customer's.",
  },
  INVALID_USERNAME: { type: InvalidCredentialsError, description: "The institution rejected the username." },
  INVALID_PASSWORD: { type: InvalidCredentialsError, description: "The institution rejected the password." },
  INVALID_REQUEST: { type: InvalidCredentialsError, description: "Credentials are missing or incomplete." },
  INVALID_SECURITY_RESPONSE: { type: MfaRejectedError, description: "An MFA answer was wrong." },
  INVALID_SECURITY_RESPONSE_NO_RETRY: {
    type: MfaRejectedError,
    description: "MFA answers were wrong or incomplete, and the session cannot be retried.",
  },
  SECURITYRESPONSES_INCOMPLETE: { type: MfaRejectedError, description: "Not every MFA prompt was answered." },
  UNKNOWN_CHALLENGE_KEY: {
    type: MfaRejectedError,
    description: "An answer was keyed to a prompt that was not asked.",
  },
  QUESTION_NOT_FOUND: {
    type: MfaRejectedError,
    description: "An MFA prompt has no stored answer (cached refresh).",
  },
  SESSION_NONEXISTENT: { type: SessionError, description: "The RequestId is unknown or expired." },
  SESSION_EXPIRED: { type: SessionError, description: "The RequestId expired after inactivity." },
  ALREADY_AUTHORIZED: { type: SessionError, description: "This session is already authorized." },
  CONCURRENT_SESSION: { type: SessionError, description: "Another session is open on this login." },
  CARD_IN_USE: { type: SessionError, description: "The login is still being processed; retry shortly." },
  NEW_ACCOUNT: {
    type: AccountActionRequiredError,
    description: "The end user must act in online banking first.",
  },
  DISABLED_LOGIN: {
    type: AccountActionRequiredError,
    description: "The institution deactivated this account.",
  },
  UNAUTHORIZED: {
    type: AccountActionRequiredError,
    description: "The institution did not authorize access.",
  },
  RETRY_LATER: { type: InstitutionUnavailableError, description: "The institution could not be reached." },
  TOO_MANY_REQUESTS: {
    type: InstitutionUnavailableError,
    description: "Flinks is rate limiting this customer.",
  },
  DISABLED_INSTITUTION: { type: InstitutionUnavailableError, description: "The institution is unavailable." },
  AGGREGATION_ERROR: { type: InstitutionUnavailableError, description: "Flinks failed unexpectedly." },
  ACCESS_DENIED: {
    type: GatewayAccessDeniedError,
    description:
      "Flinks refused the gateway's fresh authorize token: an operator must act. On a call that continues a session, a SessionError.",
  },
};

/** The GraphQL type name of an error instance (undefined for anything not in the list). */
export function errorTypeName(value: unknown): ErrorTypeName | undefined {
  const type = (value as { constructor?: unknown } | null)?.constructor;
  return errorTypes.find(([errorType]) => errorType === type)?.[1];
}
