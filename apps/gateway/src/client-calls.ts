import type { FlinksClient } from "@flinks-authorize/client";

/** The client's calls to Flinks, by the names metrics and traces give them. */
export type UpstreamOperation = "GenerateAuthorizeToken" | "Authorize" | "AuthorizeAsync";

/** What observability puts around one call to Flinks; the outcome passes through untouched. */
export type CallWrapper = <A extends unknown[], R extends { kind: string }>(
  operation: UpstreamOperation,
  call: (...args: A) => Promise<R>,
) => (...args: A) => Promise<R>;

/** The client with each call to Flinks passed through `wrap` (metrics.ts times them, tracing.ts spans them). */
export function wrapClientCalls(flinks: FlinksClient, wrap: CallWrapper): FlinksClient {
  return {
    get baseUrl() {
      return flinks.baseUrl;
    },
    close: () => flinks.close(),
    generateAuthorizeToken: wrap("GenerateAuthorizeToken", flinks.generateAuthorizeToken.bind(flinks)),
    authorize: wrap("Authorize", flinks.authorize.bind(flinks)),
    authorizeAsync: wrap("AuthorizeAsync", flinks.authorizeAsync.bind(flinks)),
  };
}
