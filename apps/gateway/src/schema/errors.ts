import { builder } from "../builder.js";
import {
  AccountActionRequiredError,
  type FlinksCodeValue,
  type FlinksRejection,
  GatewayAccessDeniedError,
  GatewayBusyError,
  InstitutionUnavailableError,
  InvalidCredentialsError,
  InvalidInputError,
  MfaRejectedError,
  RateLimitedError,
  SessionError,
  UnknownFlinksError,
  UpstreamContractError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "../errors.js";
import { flinksCodeTable } from "../results.js";

/** The GraphQL types of every failure (classes in errors.ts; which outcome becomes which: results.ts). */

export const FlinksCodeEnum = builder.enumType("FlinksCode", {
  description: "Flinks' error codes. UNKNOWN: a code newer than this gateway; `flinksCode` holds it exactly.",
  values: {
    ...Object.fromEntries(
      Object.entries(flinksCodeTable).map(([code, { description }]) => [code, { value: code, description }]),
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

const rejectionTypes: Array<[abstract new (...args: never[]) => FlinksRejection, string, string]> = [
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
  builder.objectType(type as typeof InvalidCredentialsError, {
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
        resolve: (error) => error.flinksRequestId,
      }),
    }),
  });
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
builder.objectType(GatewayBusyError, {
  name: "GatewayBusyError",
  description:
    "The gateway cannot take this call now (it is at its limit of concurrent calls to Flinks, or cannot reach the store its limits and single-use handles share, REDIS_URL) and nothing was sent: retry after retryAfterSeconds.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt("retryAfterSeconds"),
  }),
});

const RateLimitScopeEnum = builder.enumType("RateLimitScope", {
  description: "Whose budget a refused call exceeded.",
  values: {
    CONSUMER: {
      value: "consumer",
      description: "This consumer's (its API key's or its token subject's) calls: slow down.",
    },
    END_USER: {
      value: "endUser",
      description:
        "Attempts for this end user (their bank login, LoginId or MFA session), from any consumer: the end user waits.",
    },
  } as const,
});

builder.objectType(RateLimitedError, {
  name: "RateLimitedError",
  description:
    "Too many session calls within a limit's window, and nothing was sent to Flinks: the same call may succeed after retryAfterSeconds.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt("retryAfterSeconds"),
    scope: t.field({ type: RateLimitScopeEnum, resolve: (error) => error.scope }),
  }),
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
  ...rejectionTypes.map(([type]) => type as typeof InvalidCredentialsError),
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  UpstreamContractError,
  GatewayBusyError,
  RateLimitedError,
];
