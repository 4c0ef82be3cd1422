import type { Plugin } from "graphql-yoga";
import type { Logger } from "pino";
import { consumerOf } from "./use-caller-auth.js";
import { requestIdOf } from "./use-request-id.js";

/**
 * One structured line per HTTP request: id, operation name, status, duration. Never the query text, the
 * variables or any header value: they may hold passwords, MFA answers or keys.
 */
export interface AccessLogOptions {
  /** Where the lines go, at `info`. */
  logger: Logger;
}

export function useAccessLog({ logger }: AccessLogOptions): Plugin {
  // Below info (production runs at warn) the line would be dropped: do no work for it on the request path.
  if (!logger.isLevelEnabled("info")) return {};
  const started = new WeakMap<Request, number>();
  const operations = new WeakMap<Request, string>();
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onParams({ request, params }) {
      if (typeof params.operationName === "string")
        operations.set(request, params.operationName.slice(0, 100));
    },
    onResponse({ request, response }) {
      const start = started.get(request);
      const url = new URL(request.url);
      logger.info(
        {
          requestId: requestIdOf(request),
          consumer: consumerOf(request)?.id,
          method: request.method,
          path: url.pathname,
          operation: operations.get(request),
          status: response.status,
          durationMs: start === undefined ? undefined : Math.round((performance.now() - start) * 100) / 100,
        },
        "request",
      );
    },
  };
}
