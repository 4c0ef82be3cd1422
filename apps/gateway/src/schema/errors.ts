import {
  errorTypes,
  type FlinksCodeValue,
  FlinksRejection,
  flinksCodes,
  GatewayBusyError,
  type InvalidCredentialsError,
  InvalidInputError,
  RateLimitedError,
  type UpstreamTimeoutError,
} from "../errors.js";
import { builder } from "./builder.js";

/** The GraphQL types of every failure, registered from the one list in `errors.ts`. */

export const FlinksCodeEnum = builder.enumType("FlinksCode", {
  description: "Flinks' error codes. UNKNOWN: a code newer than this gateway; `flinksCode` holds it exactly.",
  values: {
    ...Object.fromEntries(
      Object.entries(flinksCodes).map(([code, { description }]) => [code, { value: code, description }]),
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

const InputIssueType = builder.objectRef<InvalidInputError["issues"][number]>("InputIssue").implement({
  description: "One problem with the input.",
  fields: (t) => ({
    path: t.exposeStringList("path", { description: 'Where, e.g. ["input", "loginId"].' }),
    message: t.exposeString("message"),
  }),
});

/** What every failure type shares: its name and meaning from the list, the Error interface. */
const common = (name: string, description: string, type: abstract new (...args: never[]) => Error) => ({
  name,
  description,
  interfaces: [ErrorInterface],
  isTypeOf: (value: unknown) => value instanceof type,
});

for (const [type, name, description] of errorTypes) {
  if (type === InvalidInputError) {
    builder.objectType(InvalidInputError, {
      ...common(name, description, type),
      fields: (t) => ({ issues: t.field({ type: [InputIssueType], resolve: (error) => error.issues }) }),
    });
  } else if (type === GatewayBusyError) {
    builder.objectType(GatewayBusyError, {
      ...common(name, description, type),
      fields: (t) => ({ retryAfterSeconds: t.exposeInt("retryAfterSeconds") }),
    });
  } else if (type === RateLimitedError) {
    builder.objectType(RateLimitedError, {
      ...common(name, description, type),
      fields: (t) => ({
        retryAfterSeconds: t.exposeInt("retryAfterSeconds"),
        scope: t.field({ type: RateLimitScopeEnum, resolve: (error) => error.scope }),
      }),
    });
  } else if (type.prototype instanceof FlinksRejection) {
    builder.objectType(type as typeof InvalidCredentialsError, {
      ...common(name, description, type),
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
  } else {
    builder.objectType(type as typeof UpstreamTimeoutError, {
      ...common(name, description, type),
      fields: () => ({}),
    });
  }
}

/** Every error member of the result unions, in the list's order. */
export const errorMemberTypes = errorTypes.map(([type]) => type);
