import type {
  AuthorizationSubscription,
  AuthorizeMutation,
  SubmitMfaMutation,
} from "@flinks-authorize/gateway/operations";

/**
 * authorize, submitMfa and the authorization subscription answer unions with the same members, selected
 * by the same fragments (apps/gateway/operations/fragments.graphql): one type covers the three.
 */
export type Result =
  | AuthorizeMutation["authorize"]
  | SubmitMfaMutation["submitMfa"]
  | AuthorizationSubscription["authorization"];

export type Authorized = Extract<Result, { __typename: "Authorized" }>;
export type MfaRequired = Extract<Result, { __typename: "MfaRequired" }>;
export type Challenge = MfaRequired["challenges"][number];
export type Pending = Extract<Result, { __typename: "Pending" }>;
/** Every member implementing `Error`: message, code, retryable, and a few fields of their own. */
export type Failure = Exclude<Result, Authorized | MfaRequired | Pending>;
