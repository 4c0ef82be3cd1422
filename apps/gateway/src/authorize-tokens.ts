import type {
  CallOptions,
  FlinksClient,
  GenerateAuthorizeTokenOutcome,
  Secret,
} from "@flinks-authorize/client";

/** Where `authorize` gets its one-time token from. */
export interface AuthorizeTokens {
  take(options: Pick<CallOptions, "signal">): Promise<GenerateAuthorizeTokenOutcome>;
}

/** Mints a fresh token per `authorize`, as Flinks requires one token per session. */
export function mintPerCall(flinks: FlinksClient, secretKey: Secret): AuthorizeTokens {
  return {
    take: (options) => flinks.generateAuthorizeToken(secretKey, options),
  };
}
