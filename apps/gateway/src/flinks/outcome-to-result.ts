import {
  type Authorized,
  type AuthorizeOutcome,
  type FlinksError,
  isKnownFlinksCode,
  type MfaRequired,
  type Pending,
  type TransportFailure,
} from "@flinks-authorize/client";
import { createGraphQLError } from "graphql-yoga";
import {
  type FlinksRejection,
  flinksCodes,
  GatewayAccessDeniedError,
  GatewayBusyError,
  type GatewayFailure,
  InvalidInputError,
  type RejectionFields,
  SessionError,
  UnknownFlinksError,
  UpstreamContractError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "../errors.js";
import type { SessionHandles } from "../handles/seal.js";
import type { SessionCall, UpstreamStep } from "./calls.js";
import type { TokenFailure } from "./tokens.js";

/**
 * How an upstream step becomes a member of the GraphQL result unions: pure functions, tested without
 * GraphQL (test/flinks/outcome-to-result.test.ts). Flinks' codes are grouped by what the consumer should
 * do next (`flinksCodes` in errors.ts); each group carries the exact code.
 */

/** A 203, with the sealed handle submitMfa needs. */
export type MfaRequiredResult = MfaRequired & { handle: string };
/** A 202, with the sealed handle that continues it. */
export type PendingResult = Pending & { handle: string };
/** What a result union resolves from: a session outcome, or an error instance. */
export type ResultValue = Authorized | MfaRequiredResult | PendingResult | GatewayFailure;

/** Longest upstream message and code a consumer receives: Flinks' own are a sentence and a word. */
export const MAX_MESSAGE_CHARS = 500;
export const MAX_CODE_CHARS = 64;

/**
 * Upstream text as a consumer may see it: no control characters, bounded, and free of every value the
 * gateway sent on the call (token, credentials, answers), should Flinks echo one back.
 */
export function boundedText(text: string, max: number, sent: readonly string[] = []): string {
  let clean = text;
  for (const value of sent) if (value.length >= 4) clean = clean.split(value).join("[redacted]");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  clean = clean.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A documented Flinks refusal, as the GraphQL error type its code belongs to. */
export function rejectionFromFlinks(
  outcome: FlinksError,
  call: SessionCall = "start",
  sent: readonly string[] = [],
): FlinksRejection {
  const raw = outcome.flinksCode === undefined ? null : boundedText(outcome.flinksCode, MAX_CODE_CHARS);
  const known = raw !== null && isKnownFlinksCode(raw) ? raw : undefined;
  const fields: RejectionFields = {
    code: known ?? "UNKNOWN",
    flinksCode: raw,
    message: boundedText(outcome.message, MAX_MESSAGE_CHARS, sent),
    flinksRequestId: outcome.requestId === undefined ? null : boundedText(outcome.requestId, MAX_CODE_CHARS),
    retryable: outcome.retryable,
  };
  // The token of a later call comes from the consumer's handle: its refusal is that session's problem
  // (a replayed or stale handle), not an operator's.
  if (known === "ACCESS_DENIED" && call !== "start") return new SessionError(fields);
  const Type = known ? flinksCodes[known].type : UnknownFlinksError;
  return new Type(fields);
}

/** No usable answer from Flinks. Messages are the client's, which never quote a secret. */
export function errorFromTransport(outcome: TransportFailure): GatewayFailure {
  switch (outcome.kind) {
    case "timeout":
      return new UpstreamTimeoutError(outcome.message);
    case "networkError":
    case "aborted":
      return new UpstreamUnavailableError(outcome.message);
    case "unexpectedResponse":
      // Flinks' edge (a balancer, a CDN, a gateway in front of it) answers for Flinks when Flinks cannot:
      // an overload or an outage, not a broken contract. The caller may retry it unchanged.
      if (isEdgeRefusal(outcome)) {
        return new UpstreamUnavailableError(`Flinks is unavailable (HTTP ${outcome.status}); retry shortly.`);
      }
      return new UpstreamContractError(outcome.message);
  }
}

/**
 * An answer with which an HTTP edge says "not now": 429, or a 5xx that is not Flinks' own JSON (a status
 * the contract does not list, or an error page). A JSON body that breaks the schema, or an answer too
 * large to read, is a broken contract whatever its status.
 */
const isEdgeRefusal = ({ status, reason }: Extract<TransportFailure, { kind: "unexpectedResponse" }>) =>
  (status === 429 || status >= 500) && (reason === "undocumentedStatus" || reason === "notJson");

/** A token that could not be minted. A refusal means the gateway's secret key is wrong: operators must act. */
export function resultFromTokenFailure(outcome: TokenFailure): GatewayFailure {
  if (outcome.kind !== "flinksError") return errorFromTransport(outcome);
  if (outcome.status === 401) {
    return new GatewayAccessDeniedError({
      code: "ACCESS_DENIED",
      flinksCode: outcome.flinksCode === undefined ? null : boundedText(outcome.flinksCode, MAX_CODE_CHARS),
      message: "Flinks refused the gateway's secret key; an operator must check FLINKS_SECRET_KEY.",
      retryable: false,
    });
  }
  return rejectionFromFlinks(outcome);
}

/** A step that never reached a session: no slot, or no token. */
export function failureOf(step: Extract<UpstreamStep, { kind: "busy" | "tokenFailure" }>): GatewayFailure {
  if (step.kind === "tokenFailure") return resultFromTokenFailure(step.outcome);
  return new GatewayBusyError({
    message: "The gateway is too busy to call Flinks now; nothing was sent. Retry shortly.",
    retryAfterSeconds: step.retryAfterSeconds,
  });
}

/**
 * Maps an upstream step to its union member. A 203 or a 202 gets a sealed handle holding the session's
 * RequestId and token, since Flinks wants both again on the next call; a Pending always continues on
 * AuthorizeAsync ("your flow must change to the async endpoint").
 */
export function resultOf(step: UpstreamStep, handles: Pick<SessionHandles, "seal">): ResultValue {
  switch (step.kind) {
    case "busy":
    case "tokenFailure":
      return failureOf(step);
    case "mockPreferUnserved":
      // A developer's request in mock mode, not an outcome Flinks could have: a plain GraphQL error.
      throw createGraphQLError(
        `Mock mode: Prism could not answer "Prefer: ${boundedText(step.prefer, 200)}" (it answered HTTP ${step.status}). ` +
          "Prism serves a named example only with the status it is documented under, e.g. " +
          '"code=401, example=INVALID_PASSWORD": see the Prefer table in docs/consumers/api.md.',
        { extensions: { code: "MOCK_PREFER_UNSERVED" } },
      );
    case "answered":
      return resultFromAuthorize(step.outcome, step, handles);
  }
}

/** A refused MFA answer that carries new challenges, as the 203 it amounts to; undefined otherwise. */
function askedAgain(outcome: FlinksError): MfaRequired | undefined {
  const { SecurityChallenges, RequestId, Institution, Links } = outcome.body;
  if (!SecurityChallenges?.length || RequestId === undefined || Institution === undefined) return undefined;
  return {
    kind: "mfaRequired",
    status: 203,
    body: { HttpStatusCode: 203, SecurityChallenges, RequestId, Institution, ...(Links && { Links }) },
  };
}

function resultFromAuthorize(
  outcome: AuthorizeOutcome,
  { session, call, sent }: Extract<UpstreamStep, { kind: "answered" }>,
  handles: Pick<SessionHandles, "seal">,
): ResultValue {
  // An answer moves the session to its next challenge; a poll or the start stays on the current one.
  const round = call === "answer" ? session.round + 1 : session.round;
  switch (outcome.kind) {
    case "authorized":
      return outcome;
    case "mfaRequired": {
      const { RequestId: requestId } = outcome.body;
      return { ...outcome, handle: handles.seal({ ...session, round, requestId, step: "mfa" }) };
    }
    case "pending": {
      const { requestId } = outcome;
      return {
        ...outcome,
        handle: handles.seal({ ...session, round, requestId, endpoint: "async", step: "pending" }),
      };
    }
    case "flinksError": {
      // A wrong answer that comes with new challenges keeps the session (spec decision 11): the end user
      // answers again, with no new bank login.
      const again = call === "answer" ? askedAgain(outcome) : undefined;
      if (again)
        return resultFromAuthorize(again, { kind: "answered", session, call, sent, outcome: again }, handles);
      return rejectionFromFlinks(outcome, call, sent);
    }
    case "invalidRequest":
      // The GraphQL validation mirrors the spec, so this is a gateway bug, not the consumer's input.
      return new UpstreamContractError(outcome.message);
    default:
      return errorFromTransport(outcome);
  }
}

/** Why a handle could not continue its session, as the consumer sees it. */
export function refusalOfHandle(
  reason: "malformed" | "wrongStep" | "foreign" | "expired" | "spent" | "unverifiable",
  expected: "MfaRequired" | "Pending",
  /** Where the handle was given, as the field declares its argument. */
  path: string[] = ["input", "handle"],
): GatewayFailure {
  switch (reason) {
    case "malformed":
    case "wrongStep":
    // Another consumer's handle reads as no handle at all: nothing says whose it is.
    case "foreign":
      return new InvalidInputError([{ path, message: `is not a handle from ${expected}` }]);
    case "expired":
      return new SessionError({
        code: "SESSION_EXPIRED",
        message: "This handle expired with its session's token: start again with authorize.",
        retryable: false,
      });
    case "spent":
      return new SessionError({
        code: "SESSION_EXPIRED",
        message:
          "This MFA handle was already used: each answers once. Use the handle of the latest MfaRequired, or start again with authorize.",
        retryable: false,
      });
    case "unverifiable":
      return new SessionError({
        code: "SESSION_EXPIRED",
        message:
          "The gateway can no longer tell whether this MFA handle was used (the store of single-use markers restarted empty since it was issued), so it sends nothing: start again with authorize.",
        retryable: false,
      });
  }
}
