import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
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

/** The page as served: its bytes in each encoding, and a validator. Built once: the page never changes. */
interface EncodedPage {
  etag: string;
  identity: Buffer<ArrayBuffer>;
  gzip: Buffer<ArrayBuffer>;
  br: Buffer<ArrayBuffer>;
}

async function encode(html: string): Promise<EncodedPage> {
  const identity = Buffer.from(html) as Buffer<ArrayBuffer>;
  const [gzipped, brotli] = await Promise.all([
    promisify(gzip)(identity, { level: 9 }),
    // Quality 9: most of brotli's gain on text at a fraction of 11's time (once per process).
    promisify(brotliCompress)(identity, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length },
    }),
  ]);
  const etag = `"${createHash("sha256").update(identity).digest("base64url").slice(0, 22)}"`;
  return { etag, identity, gzip: gzipped as Buffer<ArrayBuffer>, br: brotli as Buffer<ArrayBuffer> };
}

/** The encoding to send: brotli, then gzip, when the browser accepts it (q=0 refuses). */
function chosenEncoding(acceptEncoding: string | null): "br" | "gzip" | "identity" {
  const accepted = new Set(
    (acceptEncoding ?? "")
      .split(",")
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== "" && !/;\s*q=0(\.0*)?$/.test(entry))
      .map((entry) => entry.split(";")[0]?.trim()),
  );
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return "identity";
}

/**
 * The GraphiQL page, the only HTML the gateway serves: GRAPHIQL_CSP (and nosniff, no referrer) on it,
 * compressed (about 9 MB of HTML; brotli or gzip as the browser accepts) and revalidated by ETag, so a
 * reload costs a 304 instead of megabytes (`Cache-Control: no-cache`: always asked, never stale after
 * an upgrade).
 */
export function useGraphiQLPageHeaders(): Plugin {
  let page: Promise<EncodedPage> | undefined;
  return {
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (request.method !== "GET" || !response.headers.get("content-type")?.startsWith("text/html")) return;
      if (page) await response.body?.cancel();
      page ??= response.text().then(encode);
      const { etag, ...bodies } = await page;
      const headers = new fetchAPI.Headers({
        "content-type": response.headers.get("content-type") ?? "text/html; charset=utf-8",
        "content-security-policy": GRAPHIQL_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
        vary: "accept-encoding",
        etag,
      });
      if (request.headers.get("if-none-match") === etag) {
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      const encoding = chosenEncoding(request.headers.get("accept-encoding"));
      if (encoding !== "identity") headers.set("content-encoding", encoding);
      setResponse(new fetchAPI.Response(bodies[encoding], { status: response.status, headers }));
    },
  };
}
