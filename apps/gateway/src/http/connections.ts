import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * The connection cap (GATEWAY_MAX_CONNECTIONS) shared fairly, so that holding connections open without
 * credentials cannot keep legitimate callers out:
 *
 * - a connection has `firstRequestMs` to start its first request: Node itself never closes a connection
 *   that sends nothing (headersTimeout starts with the first byte), so each would count against the cap
 *   for ever. Connections whose requests were refused (no credential) or were probes are closed after the
 *   answer (http/server.ts, use-caller-auth.ts);
 * - one source (remote address) holds at most `perSource` of them; past it, its new connections are
 *   closed at once. Behind a balancer that terminates connections every connection comes from the
 *   balancer: set GATEWAY_MAX_CONNECTIONS_PER_SOURCE to GATEWAY_MAX_CONNECTIONS there;
 * - near the cap (90 %), idle keep-alive connections are closed, so a new caller gets a connection
 *   instead of being dropped. A client that sends on one of them at that instant sees it reset: under an
 *   attack, the lesser loss.
 */
export interface ConnectionSharing {
  maxConnections: number;
  perSource: number;
  firstRequestMs: number;
}

export function shareConnections(
  server: Server,
  { maxConnections, perSource, firstRequestMs }: ConnectionSharing,
) {
  const bySource = new Map<string, number>();
  let open = 0;
  server.maxConnections = maxConnections;
  server.on("connection", (socket: Socket) => {
    const source = socket.remoteAddress ?? "";
    const held = (bySource.get(source) ?? 0) + 1;
    if (held > perSource) {
      socket.destroy();
      return;
    }
    bySource.set(source, held);
    open++;
    socket.once("close", () => {
      open--;
      const left = (bySource.get(source) ?? 1) - 1;
      if (left > 0) bySource.set(source, left);
      else bySource.delete(source);
    });
    // Idle from the start: Node's 'timeout' handling destroys a socket with no request in progress.
    socket.setTimeout(firstRequestMs);
    if (open >= maxConnections * 0.9) server.closeIdleConnections();
  });
  // A request in progress is timed by headersTimeout and requestTimeout; after its answer, Node's
  // keep-alive timeout takes over the socket's idle timer.
  server.on("request", (request) => request.socket.setTimeout(0));
  return { open: () => open, sources: () => bySource.size };
}
