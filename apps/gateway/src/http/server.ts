import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ServerContext } from "../context.js";
import type { Gateway } from "../gateway.js";
import { shareConnections } from "./connections.js";

export interface HttpServerOptions {
  /** Connections held at once, idle keep-alive ones included; past it new ones are dropped. */
  maxConnections: number;
  /** Connections one remote address may hold (http/connections.ts). @default maxConnections */
  maxConnectionsPerSource?: number;
  /** @default HEADERS_TIMEOUT_MS */
  headersTimeoutMs?: number;
  /** @default REQUEST_TIMEOUT_MS */
  requestTimeoutMs?: number;
}

/**
 * Time a client has to send its request headers, and its whole request (a body is at most 64 KiB):
 * a slow client must not hold a connection for minutes. The answer may take far longer (a live login
 * is held up to 210 s by Flinks): Node's timeouts cover receiving only.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * Node's default keep-alive of 5 s is shorter than many load balancers' idle timeout (60 s on AWS ALB),
 * which then reuse a socket Node just closed. Outlive them.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * A request Yoga can be given: an origin-form target (`/graphql`, not `http://elsewhere/graphql`) and a
 * Host that makes a valid URL. Anything else made @whatwg-node/server answer 500 with a stack trace.
 */
function servable(request: IncomingMessage): boolean {
  const target = request.url ?? "";
  if (!target.startsWith("/") || target.startsWith("//")) return false;
  try {
    const url = new URL(target, `http://${request.headers.host ?? ""}`);
    return url.hostname !== "";
  } catch {
    return false;
  }
}

const BAD_REQUEST = JSON.stringify({
  errors: [
    { message: "Bad request: malformed Host header or request target.", extensions: { code: "BAD_REQUEST" } },
  ],
});

/** Seconds a shed caller is told to wait: the lag of a starved loop drains in about that. */
export const SHED_RETRY_AFTER_SECONDS = 1;
const BUSY = JSON.stringify({
  errors: [
    {
      message: "The gateway is overloaded and sent nothing to Flinks: retry shortly.",
      extensions: { code: "GATEWAY_BUSY", retryable: true, retryAfterSeconds: SHED_RETRY_AFTER_SECONDS },
    },
  ],
});

/** Paths a balancer or kubelet probes: answered on a connection that is closed after the answer. */
const PROBE_PATHS = new Set(["/health", "/ready", "/status"]);

/** The gateway's HTTP/1.1 server: Yoga behind a guard for malformed requests, with bounded timeouts. */
export function createHttpServer(
  gateway: Gateway,
  {
    maxConnections,
    maxConnectionsPerSource = maxConnections,
    headersTimeoutMs = HEADERS_TIMEOUT_MS,
    requestTimeoutMs = REQUEST_TIMEOUT_MS,
  }: HttpServerOptions,
): Server {
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // How often Node checks the two timeouts above (default 30 s, which would let them overrun).
      connectionsCheckingInterval: 1_000,
    },
    (request: IncomingMessage, response: ServerResponse) => {
      const receivedAt = Date.now();
      if (servable(request)) {
        const path = request.url?.split("?", 1)[0] ?? "";
        if (PROBE_PATHS.has(path)) {
          // A probe needs no keep-alive connection, and an unauthenticated one must not hold it.
          response.setHeader("connection", "close");
        } else if (gateway.load.shedding()) {
          // Cheaper than anything Yoga would do with it: the backlog drains instead of growing.
          response.writeHead(503, {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(BUSY),
            "retry-after": String(SHED_RETRY_AFTER_SECONDS),
          });
          response.end(BUSY);
          request.resume();
          return;
        }
        const context: ServerContext = { receivedAt };
        void gateway.yoga(request, response, context);
        return;
      }
      gateway.logger.warn(
        {
          method: request.method,
          targetLength: request.url?.length,
          hostLength: request.headers.host?.length,
        },
        "refused a request with a malformed Host header or request target",
      );
      response.writeHead(400, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(BAD_REQUEST),
        connection: "close",
      });
      response.end(BAD_REQUEST);
    },
  );
  shareConnections(server, {
    maxConnections,
    perSource: maxConnectionsPerSource,
    firstRequestMs: headersTimeoutMs,
  });
  return server;
}
