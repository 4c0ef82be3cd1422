/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Cached mode: loginId (mostRecentCached defaults to true; false refreshes it live). Live mode: institution, username and password (mostRecentCached must be false or absent). */
export type AuthorizeInput = {
  /** Live mode: the institution, e.g. FlinksCapital. */
  institution?: string | null | undefined;
  /** Default EN. */
  language?: Language | null | undefined;
  /** The LoginId Flinks Connect returned (UUID). */
  loginId?: string | null | undefined;
  /** true: the last aggregation (cached mode, default). false: a fresh connection. */
  mostRecentCached?: boolean | null | undefined;
  /** Live mode: the end user's password. Never logged or returned. */
  password?: string | null | undefined;
  /** Save the collected data and credentials (Flinks' default: true). */
  save?: boolean | null | undefined;
  /** A string of yours attached to the request. */
  tag?: string | null | undefined;
  /** Live mode: the end user's username at the institution. */
  username?: string | null | undefined;
};

/** How to answer a challenge. UNKNOWN: a type newer than this gateway; see rawType. */
export type ChallengeType =
  | 'IMAGE_SELECTION'
  | 'MULTIPLE_CHOICE'
  | 'MULTIPLE_CHOICE_MULTIPLE_ANSWERS'
  | 'QUESTION_AND_ANSWER'
  | 'TEXT_OR_CALL'
  | 'UNKNOWN';

/** The handle of a Pending. */
export type ContinueAuthorizationInput = {
  /** Pending.handle. */
  handle: string;
};

/** Flinks' error codes. UNKNOWN: a code newer than this gateway; `flinksCode` holds it exactly. */
export type FlinksCode =
  /** Flinks refused the gateway's fresh authorize token: an operator must act. On a call that continues a session, a SessionError. */
  | 'ACCESS_DENIED'
  /** Flinks failed unexpectedly. */
  | 'AGGREGATION_ERROR'
  /** This session is already authorized. */
  | 'ALREADY_AUTHORIZED'
  /** The login is still being processed; retry shortly. */
  | 'CARD_IN_USE'
  /** Another session is open on this login. */
  | 'CONCURRENT_SESSION'
  /** The institution is unavailable. */
  | 'DISABLED_INSTITUTION'
  /** The institution deactivated this account. */
  | 'DISABLED_LOGIN'
  /** The LoginId is unknown, or not this customer's. */
  | 'INVALID_LOGIN'
  /** The institution rejected the password. */
  | 'INVALID_PASSWORD'
  /** Credentials are missing or incomplete. */
  | 'INVALID_REQUEST'
  /** An MFA answer was wrong. */
  | 'INVALID_SECURITY_RESPONSE'
  /** MFA answers were wrong or incomplete, and the session cannot be retried. */
  | 'INVALID_SECURITY_RESPONSE_NO_RETRY'
  /** The institution rejected the username. */
  | 'INVALID_USERNAME'
  /** The end user must act in online banking first. */
  | 'NEW_ACCOUNT'
  /** An MFA prompt has no stored answer (cached refresh). */
  | 'QUESTION_NOT_FOUND'
  /** The institution could not be reached. */
  | 'RETRY_LATER'
  /** Not every MFA prompt was answered. */
  | 'SECURITYRESPONSES_INCOMPLETE'
  /** The RequestId expired after inactivity. */
  | 'SESSION_EXPIRED'
  /** The RequestId is unknown or expired. */
  | 'SESSION_NONEXISTENT'
  /** Flinks is rate limiting this customer. */
  | 'TOO_MANY_REQUESTS'
  /** The institution did not authorize access. */
  | 'UNAUTHORIZED'
  /** A code this gateway does not know yet. */
  | 'UNKNOWN'
  /** An answer was keyed to a prompt that was not asked. */
  | 'UNKNOWN_CHALLENGE_KEY';

export type GatewayMode =
  /** Flinks is a real upstream. */
  | 'LIVE'
  /** Flinks is the Prism mock of the spec; Prefer headers are forwarded. */
  | 'MOCK';

/** Language of the connection; MFA prompts come back in it. */
export type Language =
  | 'EN'
  | 'FR';

/** The answers to one challenge. */
export type MfaResponseInput = {
  /** One answer, or the chosen options. */
  answers: Array<string>;
  /** The challenge's prompt, exactly as received. */
  prompt: string;
};

export type PendingReason =
  /** Over 210 s: dispatched to a background job. */
  | 'OPERATION_DISPATCHED'
  /** Still processing: Flinks' async endpoints take over. */
  | 'OPERATION_PENDING';

/** Whose budget a refused call exceeded. */
export type RateLimitScope =
  /** This consumer's (its API key's or its token subject's) calls: slow down. */
  | 'CONSUMER'
  /** Attempts for this end user (their bank login, LoginId or MFA session), from any consumer: the end user waits. */
  | 'END_USER';

/** Answers to every challenge of an MfaRequired. */
export type SubmitMfaInput = {
  /** MfaRequired.handle. */
  handle: string;
  responses: Array<MfaResponseInput>;
};

export type AuthorizationSubscriptionVariables = Exact<{
  handle: string;
}>;


export type AuthorizationSubscription = { authorization:
    | { __typename: 'AccountActionRequiredError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'Authorized', requestId: string, institution: string, institutionId: number | null, institutionName: string | null, login: { id: string, username: string | null, type: string | null, isScheduledRefresh: boolean | null, lastRefresh: string | null }, links: Array<{ rel: string, href: string }> }
    | { __typename: 'GatewayAccessDeniedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'GatewayBusyError', retryAfterSeconds: number, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InstitutionUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidCredentialsError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, code: FlinksCode | null, retryable: boolean, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'MfaRejectedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'MfaRequired', requestId: string, handle: string, institution: string, challenges: Array<{ type: ChallengeType, rawType: string, prompt: string, choices: Array<string> }> }
    | { __typename: 'Pending', requestId: string, handle: string, reason: PendingReason, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, scope: RateLimitScope, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'SessionError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UnknownFlinksError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamContractError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamTimeoutError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
   };

export type AuthorizeMutationVariables = Exact<{
  input: AuthorizeInput;
}>;


export type AuthorizeMutation = { authorize:
    | { __typename: 'AccountActionRequiredError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'Authorized', requestId: string, institution: string, institutionId: number | null, institutionName: string | null, login: { id: string, username: string | null, type: string | null, isScheduledRefresh: boolean | null, lastRefresh: string | null }, links: Array<{ rel: string, href: string }> }
    | { __typename: 'GatewayAccessDeniedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'GatewayBusyError', retryAfterSeconds: number, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InstitutionUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidCredentialsError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, code: FlinksCode | null, retryable: boolean, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'MfaRejectedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'MfaRequired', requestId: string, handle: string, institution: string, challenges: Array<{ type: ChallengeType, rawType: string, prompt: string, choices: Array<string> }> }
    | { __typename: 'Pending', requestId: string, handle: string, reason: PendingReason, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, scope: RateLimitScope, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'SessionError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UnknownFlinksError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamContractError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamTimeoutError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
   };

export type ConnectTokenMutationVariables = Exact<{ [key: string]: never; }>;


export type ConnectTokenMutation = { connectToken:
    | { __typename: 'AccountActionRequiredError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'ConnectToken', token: string, url: string | null, expiresAt: string }
    | { __typename: 'GatewayAccessDeniedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'GatewayBusyError', retryAfterSeconds: number, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InstitutionUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidCredentialsError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, code: FlinksCode | null, retryable: boolean, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'MfaRejectedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, scope: RateLimitScope, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'SessionError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UnknownFlinksError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamContractError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamTimeoutError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
   };

export type ContinueAuthorizationMutationVariables = Exact<{
  input: ContinueAuthorizationInput;
}>;


export type ContinueAuthorizationMutation = { continueAuthorization:
    | { __typename: 'AccountActionRequiredError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'Authorized', requestId: string, institution: string, institutionId: number | null, institutionName: string | null, login: { id: string, username: string | null, type: string | null, isScheduledRefresh: boolean | null, lastRefresh: string | null }, links: Array<{ rel: string, href: string }> }
    | { __typename: 'GatewayAccessDeniedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'GatewayBusyError', retryAfterSeconds: number, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InstitutionUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidCredentialsError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, code: FlinksCode | null, retryable: boolean, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'MfaRejectedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'MfaRequired', requestId: string, handle: string, institution: string, challenges: Array<{ type: ChallengeType, rawType: string, prompt: string, choices: Array<string> }> }
    | { __typename: 'Pending', requestId: string, handle: string, reason: PendingReason, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, scope: RateLimitScope, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'SessionError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UnknownFlinksError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamContractError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamTimeoutError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
   };

export type AuthorizedFieldsFragment = { requestId: string, institution: string, institutionId: number | null, institutionName: string | null, login: { id: string, username: string | null, type: string | null, isScheduledRefresh: boolean | null, lastRefresh: string | null }, links: Array<{ rel: string, href: string }> };

export type MfaRequiredFieldsFragment = { requestId: string, handle: string, institution: string, challenges: Array<{ type: ChallengeType, rawType: string, prompt: string, choices: Array<string> }> };

export type PendingFieldsFragment = { requestId: string, handle: string, reason: PendingReason, message: string };

type ErrorFields_AccountActionRequiredError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_GatewayAccessDeniedError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_GatewayBusyError_Fragment = { retryAfterSeconds: number, message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_InstitutionUnavailableError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_InvalidCredentialsError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_InvalidInputError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean, issues: Array<{ path: Array<string>, message: string }> };

type ErrorFields_MfaRejectedError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_RateLimitedError_Fragment = { retryAfterSeconds: number, scope: RateLimitScope, message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_SessionError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_UnknownFlinksError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_UpstreamContractError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_UpstreamTimeoutError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

type ErrorFields_UpstreamUnavailableError_Fragment = { message: string, code: FlinksCode | null, retryable: boolean };

export type ErrorFieldsFragment =
  | ErrorFields_AccountActionRequiredError_Fragment
  | ErrorFields_GatewayAccessDeniedError_Fragment
  | ErrorFields_GatewayBusyError_Fragment
  | ErrorFields_InstitutionUnavailableError_Fragment
  | ErrorFields_InvalidCredentialsError_Fragment
  | ErrorFields_InvalidInputError_Fragment
  | ErrorFields_MfaRejectedError_Fragment
  | ErrorFields_RateLimitedError_Fragment
  | ErrorFields_SessionError_Fragment
  | ErrorFields_UnknownFlinksError_Fragment
  | ErrorFields_UpstreamContractError_Fragment
  | ErrorFields_UpstreamTimeoutError_Fragment
  | ErrorFields_UpstreamUnavailableError_Fragment
;

export type GatewayModeQueryVariables = Exact<{ [key: string]: never; }>;


export type GatewayModeQuery = { gatewayMode: GatewayMode };

export type SubmitMfaMutationVariables = Exact<{
  input: SubmitMfaInput;
}>;


export type SubmitMfaMutation = { submitMfa:
    | { __typename: 'AccountActionRequiredError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'Authorized', requestId: string, institution: string, institutionId: number | null, institutionName: string | null, login: { id: string, username: string | null, type: string | null, isScheduledRefresh: boolean | null, lastRefresh: string | null }, links: Array<{ rel: string, href: string }> }
    | { __typename: 'GatewayAccessDeniedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'GatewayBusyError', retryAfterSeconds: number, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InstitutionUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidCredentialsError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, code: FlinksCode | null, retryable: boolean, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'MfaRejectedError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'MfaRequired', requestId: string, handle: string, institution: string, challenges: Array<{ type: ChallengeType, rawType: string, prompt: string, choices: Array<string> }> }
    | { __typename: 'Pending', requestId: string, handle: string, reason: PendingReason, message: string }
    | { __typename: 'RateLimitedError', retryAfterSeconds: number, scope: RateLimitScope, message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'SessionError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UnknownFlinksError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamContractError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamTimeoutError', message: string, code: FlinksCode | null, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, code: FlinksCode | null, retryable: boolean }
   };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const AuthorizedFieldsFragmentDoc = new TypedDocumentString(`
    fragment AuthorizedFields on Authorized {
  requestId
  institution
  institutionId
  institutionName
  login {
    id
    username
    type
    isScheduledRefresh
    lastRefresh
  }
  links {
    rel
    href
  }
}
    `, {"fragmentName":"AuthorizedFields"}) as unknown as TypedDocumentString<AuthorizedFieldsFragment, unknown>;
export const MfaRequiredFieldsFragmentDoc = new TypedDocumentString(`
    fragment MfaRequiredFields on MfaRequired {
  requestId
  handle
  institution
  challenges {
    type
    rawType
    prompt
    choices
  }
}
    `, {"fragmentName":"MfaRequiredFields"}) as unknown as TypedDocumentString<MfaRequiredFieldsFragment, unknown>;
export const PendingFieldsFragmentDoc = new TypedDocumentString(`
    fragment PendingFields on Pending {
  requestId
  handle
  reason
  message
}
    `, {"fragmentName":"PendingFields"}) as unknown as TypedDocumentString<PendingFieldsFragment, unknown>;
export const ErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment ErrorFields on Error {
  message
  code
  retryable
  ... on InvalidInputError {
    issues {
      path
      message
    }
  }
  ... on GatewayBusyError {
    retryAfterSeconds
  }
  ... on RateLimitedError {
    retryAfterSeconds
    scope
  }
}
    `, {"fragmentName":"ErrorFields"}) as unknown as TypedDocumentString<ErrorFieldsFragment, unknown>;
export const AuthorizationDocument = new TypedDocumentString(`
    subscription Authorization($handle: String!) {
  authorization(handle: $handle) {
    __typename
    ...AuthorizedFields
    ...MfaRequiredFields
    ...PendingFields
    ...ErrorFields
  }
}
    fragment AuthorizedFields on Authorized {
  requestId
  institution
  institutionId
  institutionName
  login {
    id
    username
    type
    isScheduledRefresh
    lastRefresh
  }
  links {
    rel
    href
  }
}
fragment MfaRequiredFields on MfaRequired {
  requestId
  handle
  institution
  challenges {
    type
    rawType
    prompt
    choices
  }
}
fragment PendingFields on Pending {
  requestId
  handle
  reason
  message
}
fragment ErrorFields on Error {
  message
  code
  retryable
  ... on InvalidInputError {
    issues {
      path
      message
    }
  }
  ... on GatewayBusyError {
    retryAfterSeconds
  }
  ... on RateLimitedError {
    retryAfterSeconds
    scope
  }
}`, {"hash":"sha256:239b37879da216ce34e1e2e70f5810dcc15fc2d07c52053c0c30e25187668a86"}) as unknown as TypedDocumentString<AuthorizationSubscription, AuthorizationSubscriptionVariables>;
export const AuthorizeDocument = new TypedDocumentString(`
    mutation Authorize($input: AuthorizeInput!) {
  authorize(input: $input) {
    __typename
    ...AuthorizedFields
    ...MfaRequiredFields
    ...PendingFields
    ...ErrorFields
  }
}
    fragment AuthorizedFields on Authorized {
  requestId
  institution
  institutionId
  institutionName
  login {
    id
    username
    type
    isScheduledRefresh
    lastRefresh
  }
  links {
    rel
    href
  }
}
fragment MfaRequiredFields on MfaRequired {
  requestId
  handle
  institution
  challenges {
    type
    rawType
    prompt
    choices
  }
}
fragment PendingFields on Pending {
  requestId
  handle
  reason
  message
}
fragment ErrorFields on Error {
  message
  code
  retryable
  ... on InvalidInputError {
    issues {
      path
      message
    }
  }
  ... on GatewayBusyError {
    retryAfterSeconds
  }
  ... on RateLimitedError {
    retryAfterSeconds
    scope
  }
}`, {"hash":"sha256:c271040118c17c190915e95f9bbe6dbeb8512401de3720d780a45d52a65ab409"}) as unknown as TypedDocumentString<AuthorizeMutation, AuthorizeMutationVariables>;
export const ConnectTokenDocument = new TypedDocumentString(`
    mutation ConnectToken {
  connectToken {
    __typename
    ... on ConnectToken {
      token
      url
      expiresAt
    }
    ...ErrorFields
  }
}
    fragment ErrorFields on Error {
  message
  code
  retryable
  ... on InvalidInputError {
    issues {
      path
      message
    }
  }
  ... on GatewayBusyError {
    retryAfterSeconds
  }
  ... on RateLimitedError {
    retryAfterSeconds
    scope
  }
}`, {"hash":"sha256:b2b5f709305b38cc8f08d4e56f178add460783e12f3881bf3cae521aa0e307ea"}) as unknown as TypedDocumentString<ConnectTokenMutation, ConnectTokenMutationVariables>;
export const ContinueAuthorizationDocument = new TypedDocumentString(`
    mutation ContinueAuthorization($input: ContinueAuthorizationInput!) {
  continueAuthorization(input: $input) {
    __typename
    ...AuthorizedFields
    ...MfaRequiredFields
    ...PendingFields
    ...ErrorFields
  }
}
    fragment AuthorizedFields on Authorized {
  requestId
  institution
  institutionId
  institutionName
  login {
    id
    username
    type
    isScheduledRefresh
    lastRefresh
  }
  links {
    rel
    href
  }
}
fragment MfaRequiredFields on MfaRequired {
  requestId
  handle
  institution
  challenges {
    type
    rawType
    prompt
    choices
  }
}
fragment PendingFields on Pending {
  requestId
  handle
  reason
  message
}
fragment ErrorFields on Error {
  message
  code
  retryable
  ... on InvalidInputError {
    issues {
      path
      message
    }
  }
  ... on GatewayBusyError {
    retryAfterSeconds
  }
  ... on RateLimitedError {
    retryAfterSeconds
    scope
  }
}`, {"hash":"sha256:c50b14e4d8d087d7ae7f4dc811a60eb7ff2dd5ed7ffb4b72de5d384fc641a08c"}) as unknown as TypedDocumentString<ContinueAuthorizationMutation, ContinueAuthorizationMutationVariables>;
export const GatewayModeDocument = new TypedDocumentString(`
    query GatewayMode {
  gatewayMode
}
    `, {"hash":"sha256:be1513e639c2f2de849d802c1e8433ac2c6fab2de7747f68b5d832242b4d5736"}) as unknown as TypedDocumentString<GatewayModeQuery, GatewayModeQueryVariables>;
export const SubmitMfaDocument = new TypedDocumentString(`
    mutation SubmitMfa($input: SubmitMfaInput!) {
  submitMfa(input: $input) {
    __typename
    ...AuthorizedFields
    ...MfaRequiredFields
    ...PendingFields
    ...ErrorFields
  }
}
    fragment AuthorizedFields on Authorized {
  requestId
  institution
  institutionId
  institutionName
  login {
    id
    username
    type
    isScheduledRefresh
    lastRefresh
  }
  links {
    rel
    href
  }
}
fragment MfaRequiredFields on MfaRequired {
  requestId
  handle
  institution
  challenges {
    type
    rawType
    prompt
    choices
  }
}
fragment PendingFields on Pending {
  requestId
  handle
  reason
  message
}
fragment ErrorFields on Error {
  message
  code
  retryable
  ... on InvalidInputError {
    issues {
      path
      message
    }
  }
  ... on GatewayBusyError {
    retryAfterSeconds
  }
  ... on RateLimitedError {
    retryAfterSeconds
    scope
  }
}`, {"hash":"sha256:1de66e156b35c5507034937641f9f44cba340b40b5d6e997c2d7ccdb21a140d3"}) as unknown as TypedDocumentString<SubmitMfaMutation, SubmitMfaMutationVariables>;