import type { FlinksClient } from "@flinks-authorize/client";
import type { AuthorizeTokens } from "./authorize-tokens.js";
import type { MfaHandles } from "./mfa-handle.js";

/** What every resolver gets: the upstream client and the per-request facts it needs to call it. */
export interface GatewayContext {
  flinks: FlinksClient;
  tokens: AuthorizeTokens;
  mfaHandles: MfaHandles;
  /** Aborts the upstream calls when the GraphQL caller goes away. */
  signal: AbortSignal;
  /** Sent on Authorize calls only: in mock mode, the caller's `Prefer` header for Prism; else empty. */
  authorizeHeaders: Record<string, string>;
  mode: "mock" | "live";
}
