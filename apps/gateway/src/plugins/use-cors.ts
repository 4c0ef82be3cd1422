import { type CORSOptions, useCORS } from "@whatwg-node/server";
import type { Plugin } from "graphql-yoga";

/** Request headers a listed origin may send: credentials, JSON, Yoga's CSRF header, a request id. */
export const CORS_REQUEST_HEADERS = ["authorization", "content-type", "x-graphql-yoga-csrf", "x-request-id"];

export interface CorsOptions {
  /**
   * Origins allowed cross-origin access, exactly as browsers send them (`https://app.example.com`).
   * @default []
   */
  origins?: readonly string[];
  /**
   * Also allow any port of `http://localhost`, `http://127.0.0.1` and `http://[::1]`: a local app in
   * development against the mock.
   * @default false
   */
  allowLoopback?: boolean;
  /**
   * Answer `access-control-allow-credentials: true`. Not needed for `Authorization` headers set by the
   * app; only for cookies or HTTP authentication the browser adds itself.
   * @default false
   */
  credentials?: boolean;
  /**
   * Request headers allowed on top of CORS_REQUEST_HEADERS (mock mode adds `prefer`).
   * @default []
   */
  extraHeaders?: readonly string[];
}

/** How long a browser may cache a preflight's answer (seconds). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/**
 * Cross-origin access for listed origins only. Yoga's own default answers every origin, credentials
 * included; this one gives a listed origin its CORS headers (the CSRF header among the allowed ones)
 * and any other origin none at all: a preflight from it gets 403. Same-origin requests (GraphiQL) need
 * no CORS. Built on the server adapter's `useCORS`, so Yoga's `cors` option must be `false`. Every answer
 * says `Vary: Origin`, since its headers depend on it.
 */
export function useCors({
  origins = [],
  allowLoopback = false,
  credentials = false,
  extraHeaders = [],
}: CorsOptions = {}): Plugin {
  const listed = new Set(origins);
  const allowed = (origin: string | null): origin is string =>
    origin !== null && (listed.has(origin) || (allowLoopback && LOOPBACK_ORIGIN.test(origin)));
  const policy = (origin: string): CORSOptions => ({
    origin,
    methods: ["GET", "POST"],
    allowedHeaders: [...CORS_REQUEST_HEADERS, ...extraHeaders],
    exposedHeaders: ["x-request-id"],
    credentials,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });

  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        useCORS((request: Request) => {
          const origin = request.headers.get("origin");
          return allowed(origin) ? policy(origin) : false;
        }) as Plugin,
      );
    },
    onRequest({ request, endResponse, fetchAPI }) {
      const origin = request.headers.get("origin");
      if (request.method === "OPTIONS" && origin !== null && !allowed(origin)) {
        endResponse(new fetchAPI.Response(null, { status: 403, headers: { "content-length": "0" } }));
      }
    },
    onResponse({ response }) {
      response.headers.append("vary", "Origin");
    },
  };
}
