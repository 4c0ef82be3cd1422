import { createHash, timingSafeEqual } from "node:crypto";
import type { Plugin } from "graphql-yoga";

export interface ApiKeyAuthOptions {
  /** Accepted bearer keys. Empty: the plugin is not installed. */
  keys: readonly string[];
  /** Paths that stay open, such as liveness and readiness probes. */
  openPaths: readonly string[];
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Every GraphQL request needs `Authorization: Bearer <key>` with one of the configured keys.
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, every key each time, so neither the
 * length nor the position of a match leaks through timing. Anything else gets HTTP 401 with a
 * GraphQL-shaped error body. It answers from `onRequest` with `endResponse`: an error thrown there does
 * not reach Yoga's error handling (a `createGraphQLError` with `extensions.http` would be a 500).
 */
export function useApiKeyAuth({ keys, openPaths }: ApiKeyAuthOptions): Plugin {
  const expected = keys.map(digest);
  const matches = (presented: string) => {
    const candidate = digest(presented);
    let found = false;
    for (const key of expected) found = timingSafeEqual(key, candidate) || found;
    return found;
  };

  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (openPaths.includes(url.pathname)) return;
      const header = request.headers.get("authorization") ?? "";
      const presented = /^Bearer ([^\s]+)$/i.exec(header)?.[1];
      if (presented !== undefined && matches(presented)) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [{ message: "A valid API key is required.", extensions: { code: "UNAUTHENTICATED" } }],
          }),
          {
            status: 401,
            headers: {
              "content-type": "application/json; charset=utf-8",
              "www-authenticate": 'Bearer realm="graphql"',
              // An unauthenticated client gets no keep-alive connection to hold.
              connection: "close",
            },
          },
        ),
      );
    },
  };
}
