import type { KnownFlinksCode } from "@flinks-authorize/client";
import type { StandardSchemaV1 } from "@pothos/plugin-validation";

/**
 * Every failure a consumer can get back. Plain classes: the GraphQL types are registered from them in
 * `schema/errors.ts`, and `results.ts` decides which one an outcome becomes. None of them carries a
 * value the consumer or the gateway sent (passwords, answers, tokens).
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

/**
 * The gateway is at its bound of concurrent upstream calls and no slot freed within the bounded wait.
 * Nothing was sent to Flinks, so retrying is always safe.
 */
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
