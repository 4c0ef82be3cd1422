import type { AuthorizeOutcome, GenerateAuthorizeTokenOutcome, Secret } from "@flinks-authorize/client";
import type { GatewayContext } from "../context.js";
import {
  errorFromTransport,
  errorTypes,
  GatewayAccessDeniedError,
  type GatewayFailure,
  rejectionFromFlinks,
  UpstreamContractError,
} from "./errors.js";
import { AuthorizedType, type MfaRequiredResult, MfaRequiredType, PendingType } from "./session.js";

/** The members of both result unions: the session outcomes, then every error type. */
export const resultTypes = [AuthorizedType, MfaRequiredType, PendingType, ...errorTypes] as const;

/** What a result union resolves from: a session outcome, or an error instance. */
export type ResultValue =
  | Extract<AuthorizeOutcome, { kind: "authorized" | "pending" }>
  | MfaRequiredResult
  | GatewayFailure;

/**
 * Maps an Authorize outcome to its union member. A 203 gets a sealed handle holding its RequestId and
 * the token it was obtained with, since Flinks wants both again on the answer call.
 */
export function resultFromAuthorize(
  outcome: AuthorizeOutcome,
  token: Secret,
  context: GatewayContext,
): ResultValue {
  switch (outcome.kind) {
    case "authorized":
    case "pending":
      return outcome;
    case "mfaRequired":
      return { ...outcome, handle: context.mfaHandles.seal({ requestId: outcome.body.RequestId, token }) };
    case "flinksError":
      return rejectionFromFlinks(outcome);
    case "invalidRequest":
      // The GraphQL validation mirrors the spec, so this is a gateway bug, not the consumer's input.
      return new UpstreamContractError(outcome.message);
    default:
      return errorFromTransport(outcome);
  }
}

/** A token that could not be minted. A refusal means the gateway's secret key is wrong: operators must act. */
export function resultFromTokenFailure(
  outcome: Exclude<GenerateAuthorizeTokenOutcome, { kind: "token" }>,
): GatewayFailure {
  if (outcome.kind !== "flinksError") return errorFromTransport(outcome);
  if (outcome.status === 401) {
    return new GatewayAccessDeniedError(
      "ACCESS_DENIED",
      outcome.flinksCode ?? null,
      "Flinks refused the gateway's secret key; an operator must check FLINKS_SECRET_KEY.",
      null,
      false,
    );
  }
  return rejectionFromFlinks(outcome);
}
