import type { CallOptions, FlinksClient } from "@flinks-authorize/client";
import type { AuthorizeTokens } from "./authorize-tokens.js";
import type { MfaHandles } from "./mfa-handle.js";

/** What every resolver gets: the upstream client and the per-request facts it needs to call it. */
export interface GatewayContext {
  flinks: FlinksClient;
  tokens: AuthorizeTokens;
  mfaHandles: MfaHandles;
  mode: "mock" | "live";
  /**
   * Options for the next upstream call of this GraphQL request: the caller's disconnect signal, what is
   * left of the request's single deadline (FLINKS_TIMEOUT_MS for all its calls together), the request id,
   * and for Authorize in mock mode the caller's `Prefer` header for Prism.
   */
  upstream(call: "GenerateAuthorizeToken" | "Authorize"): CallOptions;
}
