/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "subscription Authorization($handle: String!) {\n  authorization(handle: $handle) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}": typeof types.AuthorizationDocument,
    "mutation Authorize($input: AuthorizeInput!) {\n  authorize(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}": typeof types.AuthorizeDocument,
    "mutation ConnectToken {\n  connectToken {\n    __typename\n    ... on ConnectToken {\n      token\n      url\n      expiresAt\n    }\n    ...ErrorFields\n  }\n}": typeof types.ConnectTokenDocument,
    "mutation ContinueAuthorization($input: ContinueAuthorizationInput!) {\n  continueAuthorization(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}": typeof types.ContinueAuthorizationDocument,
    "fragment AuthorizedFields on Authorized {\n  requestId\n  institution\n  institutionId\n  institutionName\n  login {\n    id\n    username\n    type\n    isScheduledRefresh\n    lastRefresh\n  }\n  links {\n    rel\n    href\n  }\n}\n\nfragment MfaRequiredFields on MfaRequired {\n  requestId\n  handle\n  institution\n  challenges {\n    type\n    rawType\n    prompt\n    choices\n  }\n}\n\nfragment PendingFields on Pending {\n  requestId\n  handle\n  reason\n  message\n}\n\nfragment ErrorFields on Error {\n  message\n  code\n  retryable\n  ... on InvalidInputError {\n    issues {\n      path\n      message\n    }\n  }\n  ... on GatewayBusyError {\n    retryAfterSeconds\n  }\n  ... on RateLimitedError {\n    retryAfterSeconds\n    scope\n  }\n}": typeof types.AuthorizedFieldsFragmentDoc,
    "query GatewayMode {\n  gatewayMode\n}": typeof types.GatewayModeDocument,
    "mutation SubmitMfa($input: SubmitMfaInput!) {\n  submitMfa(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}": typeof types.SubmitMfaDocument,
};
const documents: Documents = {
    "subscription Authorization($handle: String!) {\n  authorization(handle: $handle) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}": types.AuthorizationDocument,
    "mutation Authorize($input: AuthorizeInput!) {\n  authorize(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}": types.AuthorizeDocument,
    "mutation ConnectToken {\n  connectToken {\n    __typename\n    ... on ConnectToken {\n      token\n      url\n      expiresAt\n    }\n    ...ErrorFields\n  }\n}": types.ConnectTokenDocument,
    "mutation ContinueAuthorization($input: ContinueAuthorizationInput!) {\n  continueAuthorization(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}": types.ContinueAuthorizationDocument,
    "fragment AuthorizedFields on Authorized {\n  requestId\n  institution\n  institutionId\n  institutionName\n  login {\n    id\n    username\n    type\n    isScheduledRefresh\n    lastRefresh\n  }\n  links {\n    rel\n    href\n  }\n}\n\nfragment MfaRequiredFields on MfaRequired {\n  requestId\n  handle\n  institution\n  challenges {\n    type\n    rawType\n    prompt\n    choices\n  }\n}\n\nfragment PendingFields on Pending {\n  requestId\n  handle\n  reason\n  message\n}\n\nfragment ErrorFields on Error {\n  message\n  code\n  retryable\n  ... on InvalidInputError {\n    issues {\n      path\n      message\n    }\n  }\n  ... on GatewayBusyError {\n    retryAfterSeconds\n  }\n  ... on RateLimitedError {\n    retryAfterSeconds\n    scope\n  }\n}": types.AuthorizedFieldsFragmentDoc,
    "query GatewayMode {\n  gatewayMode\n}": types.GatewayModeDocument,
    "mutation SubmitMfa($input: SubmitMfaInput!) {\n  submitMfa(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}": types.SubmitMfaDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription Authorization($handle: String!) {\n  authorization(handle: $handle) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}"): typeof import('./graphql.js').AuthorizationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Authorize($input: AuthorizeInput!) {\n  authorize(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}"): typeof import('./graphql.js').AuthorizeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConnectToken {\n  connectToken {\n    __typename\n    ... on ConnectToken {\n      token\n      url\n      expiresAt\n    }\n    ...ErrorFields\n  }\n}"): typeof import('./graphql.js').ConnectTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ContinueAuthorization($input: ContinueAuthorizationInput!) {\n  continueAuthorization(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}"): typeof import('./graphql.js').ContinueAuthorizationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment AuthorizedFields on Authorized {\n  requestId\n  institution\n  institutionId\n  institutionName\n  login {\n    id\n    username\n    type\n    isScheduledRefresh\n    lastRefresh\n  }\n  links {\n    rel\n    href\n  }\n}\n\nfragment MfaRequiredFields on MfaRequired {\n  requestId\n  handle\n  institution\n  challenges {\n    type\n    rawType\n    prompt\n    choices\n  }\n}\n\nfragment PendingFields on Pending {\n  requestId\n  handle\n  reason\n  message\n}\n\nfragment ErrorFields on Error {\n  message\n  code\n  retryable\n  ... on InvalidInputError {\n    issues {\n      path\n      message\n    }\n  }\n  ... on GatewayBusyError {\n    retryAfterSeconds\n  }\n  ... on RateLimitedError {\n    retryAfterSeconds\n    scope\n  }\n}"): typeof import('./graphql.js').AuthorizedFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GatewayMode {\n  gatewayMode\n}"): typeof import('./graphql.js').GatewayModeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SubmitMfa($input: SubmitMfaInput!) {\n  submitMfa(input: $input) {\n    __typename\n    ...AuthorizedFields\n    ...MfaRequiredFields\n    ...PendingFields\n    ...ErrorFields\n  }\n}"): typeof import('./graphql.js').SubmitMfaDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
