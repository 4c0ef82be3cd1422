import type { FlinksCode } from "./flinks-codes.js";
import type { components } from "./generated/openapi.js";
import type { Secret } from "./secret.js";

type Schemas = components["schemas"];

/** 200 from Authorize or AuthorizeAsync: the session is open; `body.RequestId` serves the data endpoints. */
export interface Authorized {
  kind: "authorized";
  status: 200;
  body: Schemas["AuthorizeSuccess"];
}

/**
 * 203 from Authorize or AuthorizeAsync: answer `body.SecurityChallenges` with the same token and
 * `body.RequestId`, on the operation that asked.
 */
export interface MfaRequired {
  kind: "mfaRequired";
  status: 203;
  body: Schemas["MfaChallenge"];
}

/**
 * 202 from Authorize or AuthorizeAsync: still processing, or dispatched to a background job after 210 s.
 * Poll AuthorizeAsync with `{ RequestId: requestId }` and the same token.
 */
export interface Pending {
  kind: "pending";
  status: 202;
  flinksCode: Schemas["OperationPending"]["FlinksCode"];
  requestId: string;
  body: Schemas["OperationPending"];
}

/** 200 from GenerateAuthorizeToken. The token is wrapped so it cannot be printed by accident. */
export interface TokenIssued {
  kind: "token";
  status: 200;
  token: Secret;
}

/** A documented 4xx/5xx answer from Flinks. */
export interface FlinksError {
  kind: "flinksError";
  status: number;
  /** The code as Flinks sent it, possibly newer than the spec; undefined when the body had none. */
  flinksCode: FlinksCode | undefined;
  message: string;
  requestId: string | undefined;
  /** The same call may succeed later with nothing changed by the end user. */
  retryable: boolean;
  body: Schemas["FlinksError"];
}

/** The per-call deadline passed before Flinks answered in full. */
export interface Timeout {
  kind: "timeout";
  timeoutMs: number;
  message: string;
}

/** The caller's own signal aborted the call. */
export interface Aborted {
  kind: "aborted";
  message: string;
}

/** No HTTP answer: DNS, refused or reset connection, TLS. `code` is the system error code when there is one. */
export interface NetworkError {
  kind: "networkError";
  code: string | undefined;
  message: string;
}

/**
 * Flinks answered something the contract does not allow: a status it does not document, a body that is
 * not JSON or breaks the status' schema, or a body over `maxResponseBytes` (`tooLarge`, left unread).
 */
export interface UnexpectedResponse {
  kind: "unexpectedResponse";
  status: number;
  reason: "undocumentedStatus" | "notJson" | "schemaMismatch" | "tooLarge";
  message: string;
}

/** The request would break the contract, so it was not sent. */
export interface InvalidRequest {
  kind: "invalidRequest";
  message: string;
}

/** Failures that carry no answer from Flinks. */
export type TransportFailure = Timeout | Aborted | NetworkError | UnexpectedResponse;

export type AuthorizeOutcome =
  | Authorized
  | MfaRequired
  | Pending
  | FlinksError
  | InvalidRequest
  | TransportFailure;

export type GenerateAuthorizeTokenOutcome = TokenIssued | FlinksError | TransportFailure;

/** Any outcome of any call. */
export type Outcome = AuthorizeOutcome | GenerateAuthorizeTokenOutcome;
