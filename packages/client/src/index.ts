export {
  type AuthorizeAsyncRequest,
  type AuthorizeRequest,
  type CachedAuthorizeRequest,
  type CallOptions,
  createFlinksClient,
  type FlinksClient,
  type FlinksClientOptions,
  type LiveAuthorizeRequest,
  type MfaAnswerRequest,
  type PollRequest,
  resolveBaseUrl,
} from "./client.js";
export { INSTANCE_PATTERN, TOOLBOX_CUSTOMER_ID, UUID_PATTERN } from "./constants.js";
export {
  type FlinksCode,
  isKnownFlinksCode,
  isRetryable,
  type KnownFlinksCode,
  knownFlinksCodes,
} from "./flinks-codes.js";
export type { components, operations, paths } from "./generated/openapi.js";
export type * from "./outcomes.js";
export { asSecret, Secret } from "./secret.js";
export {
  createKeepAliveFetch,
  DEFAULT_MAX_RESPONSE_BYTES,
  type KeepAliveFetch,
  type KeepAliveFetchOptions,
  ResponseTooLargeError,
} from "./transport.js";
