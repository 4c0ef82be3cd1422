import {
  type FlinksError,
  isKnownFlinksCode,
  type KnownFlinksCode,
  type TransportFailure,
} from "@flinks-authorize/client";
import { builder } from "../builder.js";
import { InvalidInputError } from "../invalid-input-error.js";

/**
 * Every failure a consumer can get back, as typed union members sharing the `Error` interface.
 * Flinks' codes are grouped by what the consumer should do next; each group carries the exact code.
 */

/** A FlinksCode as the GraphQL enum knows it: the spec's codes, plus UNKNOWN for codes newer than it. */
export type FlinksCodeValue = KnownFlinksCode | "UNKNOWN";

/** A Flinks answer that refused the call. */
export abstract class FlinksRejection extends Error {
  constructor(
    readonly code: FlinksCodeValue,
    /** The code exactly as Flinks sent it. */
    readonly flinksCode: string | null,
    message: string,
    readonly requestId: string | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export class InvalidCredentialsError extends FlinksRejection {}
export class MfaRejectedError extends FlinksRejection {}
export class SessionError extends FlinksRejection {}
export class AccountActionRequiredError extends FlinksRejection {}
export class InstitutionUnavailableError extends FlinksRejection {}
export class GatewayAccessDeniedError extends FlinksRejection {}
export class UnknownFlinksError extends FlinksRejection {}

type RejectionClass = new (...args: ConstructorParameters<typeof InvalidCredentialsError>) => FlinksRejection;

/** One row per FlinksCode of the spec: a code added there does not compile until it is placed here. */
const codeTable: Record<KnownFlinksCode, { type: RejectionClass; description: string }> = {
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
    description: "Flinks refused the gateway's authorize token: an operator must act.",
  },
};

export const FlinksCodeEnum = builder.enumType("FlinksCode", {
  description: "Flinks' error codes. UNKNOWN: a code newer than this gateway; `flinksCode` holds it exactly.",
  values: {
    ...Object.fromEntries(
      Object.entries(codeTable).map(([code, { description }]) => [code, { value: code, description }]),
    ),
    UNKNOWN: { value: "UNKNOWN", description: "A code this gateway does not know yet." },
  } as Record<FlinksCodeValue, { value: FlinksCodeValue; description: string }>,
});

export const ErrorInterface = builder.interfaceRef<
  Error & { retryable: boolean; code?: FlinksCodeValue | null }
>("Error");
ErrorInterface.implement({
  description: "Every failure: what happened, and whether the same call may succeed later unchanged.",
  fields: (t) => ({
    message: t.exposeString("message"),
    code: t.field({
      type: FlinksCodeEnum,
      nullable: true,
      description: "The FlinksCode when Flinks answered with one; null for failures on the gateway's side.",
      resolve: (error) => error.code ?? null,
    }),
    retryable: t.exposeBoolean("retryable", {
      description: "The same call may succeed later with nothing changed by the end user.",
    }),
  }),
});

const rejectionTypes: Array<[RejectionClass, string, string]> = [
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
];
for (const [type, name, description] of rejectionTypes) {
  builder.objectType(type, {
    name,
    description,
    interfaces: [ErrorInterface],
    fields: (t) => ({
      flinksCode: t.string({
        nullable: true,
        description: "The code exactly as Flinks sent it.",
        resolve: (error) => error.flinksCode,
      }),
      // Not `requestId`: that name is String! on the session outcomes, and a shared name needs one type.
      flinksRequestId: t.string({
        nullable: true,
        description:
          "Flinks' RequestId, when the error carried one; after a cached-mode error it still serves the data endpoints.",
        resolve: (error) => error.requestId,
      }),
    }),
  });
}

/** Flinks did not answer within FLINKS_TIMEOUT_MS. */
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

builder.objectType(UpstreamTimeoutError, {
  name: "UpstreamTimeoutError",
  description: "Flinks did not answer in time. A live authorize may still have reached the institution.",
  interfaces: [ErrorInterface],
  fields: () => ({}),
});
builder.objectType(UpstreamUnavailableError, {
  name: "UpstreamUnavailableError",
  description: "Flinks could not be reached.",
  interfaces: [ErrorInterface],
  fields: () => ({}),
});
builder.objectType(UpstreamContractError, {
  name: "UpstreamContractError",
  description: "Flinks answered something its API contract does not allow.",
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

const InvalidInputIssue = builder.objectRef<InvalidInputError["issues"][number]>("InputIssue").implement({
  description: "One problem with the input.",
  fields: (t) => ({
    path: t.exposeStringList("path", { description: 'Where, e.g. ["input", "loginId"].' }),
    message: t.exposeString("message"),
  }),
});

builder.objectType(InvalidInputError, {
  name: "InvalidInputError",
  description: "The input was refused before anything was sent to Flinks.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidInputError,
  fields: (t) => ({
    issues: t.field({ type: [InvalidInputIssue], resolve: (error) => error.issues }),
  }),
});

/** Every error member of the result unions. */
export const errorTypes = [
  InvalidInputError,
  ...rejectionTypes.map(([type]) => type),
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  UpstreamContractError,
];

/** A documented Flinks refusal, as the GraphQL error type its code belongs to. */
export function rejectionFromFlinks(outcome: FlinksError): FlinksRejection {
  const raw = outcome.flinksCode ?? null;
  const known = raw !== null && isKnownFlinksCode(raw) ? raw : undefined;
  const Type = known ? codeTable[known].type : UnknownFlinksError;
  return new Type(known ?? "UNKNOWN", raw, outcome.message, outcome.requestId ?? null, outcome.retryable);
}

/** Any error member of the result unions. */
export type GatewayFailure =
  | InvalidInputError
  | FlinksRejection
  | UpstreamTimeoutError
  | UpstreamUnavailableError
  | UpstreamContractError;

/** No usable answer from Flinks. Messages are the client's, which never quote a secret. */
export function errorFromTransport(outcome: TransportFailure): GatewayFailure {
  switch (outcome.kind) {
    case "timeout":
      return new UpstreamTimeoutError(outcome.message);
    case "networkError":
    case "aborted":
      return new UpstreamUnavailableError(outcome.message);
    case "unexpectedResponse":
      return new UpstreamContractError(outcome.message);
  }
}
