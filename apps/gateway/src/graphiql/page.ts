import type { GraphiQLOptions, Plugin } from "graphql-yoga";

/**
 * GraphiQL with nothing fetched from elsewhere. Yoga's own page loads GraphiQL's CSS, script and editor
 * workers from unpkg.com, so offline, air-gapped or CSP-restricted users see "Loading…" forever.
 * `@graphql-yoga/render-graphiql` (the same GraphiQL, same version line as Yoga) inlines all of it into
 * the page: the script, the CSS with its fonts as data: URLs, the Monaco workers (started from blob:
 * URLs) and the favicon. Its GraphiQL also has Yoga's fix (PR #4578) for the welcome text that hid
 * `defaultQuery`/`defaultTabs`.
 *
 * The page is about 9 MB. It is imported on the first GraphiQL request only, and the production build
 * puts it in a chunk of its own (scripts/build.ts), so a gateway with GraphiQL off never loads it; it is
 * rendered once per gateway, since the options do not change.
 */
export function createGraphiQLRenderer(): (options: GraphiQLOptions) => Promise<string> {
  let page: Promise<string> | undefined;
  return (options) => {
    page ??= import("@graphql-yoga/render-graphiql").then(({ renderGraphiQL }) => renderGraphiQL(options));
    return page;
  };
}

/**
 * The page's Content-Security-Policy: what the inlined GraphiQL needs and nothing more. It talks to this
 * origin only (`connect-src 'self'`), so a page changed in transit or a pasted script cannot send a
 * handle or a key elsewhere; it cannot be framed. Inline script and styles are how render-graphiql ships
 * (a hash would have to follow every release of it); Monaco's workers start from blob: URLs.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "font-src data:",
  "img-src data: blob:",
  "worker-src blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Sets GRAPHIQL_CSP (and nosniff, no referrer) on the GraphiQL page, the only HTML the gateway serves. */
export function useGraphiQLPageHeaders(): Plugin {
  return {
    onResponse({ request, response }) {
      if (request.method !== "GET" || !response.headers.get("content-type")?.startsWith("text/html")) return;
      response.headers.set("content-security-policy", GRAPHIQL_CSP);
      response.headers.set("x-content-type-options", "nosniff");
      response.headers.set("referrer-policy", "no-referrer");
    },
  };
}
