import net from "node:net";
import type { GatewayConfig } from "../config/index.js";
import { createGateway } from "../gateway.js";
import { ObservabilityListenError, startObservability } from "../observability/index.js";
import { listenProblem, printableUrl } from "./addresses.js";
import { createHttpServer } from "./server.js";

/**
 * Connections the kernel queues for accept() (Node's default is 511; Linux caps it at net.core.somaxconn).
 * Thousands of consumers (or a balancer) opening connections at once while the event loop is busy would
 * overflow 511: the kernel drops their SYNs and they retry after 1, 3, 7 s, then time out.
 */
const LISTEN_BACKLOG = 4_096;

/** A problem a person must fix before the gateway can serve: one line naming the variable, then exit 1. */
function fatal(message: string): never {
  console.error(message);
  process.exit(1);
}

/**
 * Serves the gateway in this process until SIGTERM or SIGINT, then drains without losing a caller:
 * /ready answers 503, the listener closes (a new connection is refused before anything is sent),
 * connections in use end with their answers, idle ones are left to their clients for
 * GATEWAY_DRAIN_DELAY_MS, requests in flight get up to GATEWAY_SHUTDOWN_GRACE_MS to finish, and the
 * process exits 0 as soon as the last connection ends (or 1 when the grace ran out, after logging every
 * call to Flinks it abandons).
 */
export async function serve(config: GatewayConfig): Promise<void> {
  const observability = await startObservability(config);
  const gateway = createGateway(config, { metrics: observability.metrics, tracing: observability.tracing });
  const { logger } = gateway;
  try {
    await observability.listen(logger);
  } catch (error) {
    if (!(error instanceof ObservabilityListenError)) throw error;
    fatal(error.message);
  }
  const server = createHttpServer(gateway, {
    maxConnections: config.maxConnections,
    maxConnectionsPerSource: config.maxConnectionsPerSource,
  });

  // A port in use (or a HOST that is not this machine's) is a person's to fix, like a configuration
  // error: one line naming the variable, no stack.
  const onListenError = (error: NodeJS.ErrnoException) => {
    const problem = listenProblem(error, {
      port: config.port,
      host: config.host,
      portVariable: "PORT",
      hostVariable: "HOST",
    });
    if (!problem) throw error;
    fatal(problem);
  };
  server.once("error", onListenError);
  server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
    server.off("error", onListenError);
    logger.info(
      {
        port: config.port,
        mode: config.mode,
        upstream: printableUrl(gateway.flinks.baseUrl),
        callers: { keys: config.apiKeys.map(({ name }) => name), tokens: config.jwt !== undefined },
        limits: config.limits.enabled ? (config.redis ? "shared (Redis)" : "this process") : "off",
      },
      `Flinks Authorize gateway on http://localhost:${config.port}/graphql`,
    );
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // /ready answers 503 from now on, and open subscriptions end after their current poll.
    gateway.startDraining();
    logger.info(
      { signal, graceMs: config.shutdownGraceMs, drainDelayMs: config.drainDelayMs },
      "stopping: no new connections, finishing requests in flight",
    );
    const force = setTimeout(() => {
      // Calls Flinks may still act on while no one will hear its answer: each is a line to reconcile.
      for (const call of gateway.inFlightCalls()) {
        logger.error({ ...call, reason: "shutdown" }, "upstream answer not delivered");
      }
      logger.error(
        { graceMs: config.shutdownGraceMs },
        "requests still running after the grace period: exiting anyway",
      );
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    // Answers from now on say `Connection: close`, so a connection in use ends with its answer.
    server.on("request", (_request, response) => response.setHeader("connection", "close"));
    let sweep: NodeJS.Timeout | undefined;
    // No new connections: a balancer's attempt is refused before anything is sent, which it may retry
    // on another replica. (http.Server#close would also close idle keep-alive connections at once.)
    net.Server.prototype.close.call(server, async () => {
      clearInterval(sweep);
      await gateway.close();
      await observability.close();
      logger.info("stopped");
      process.exit(0);
    });
    // An idle keep-alive connection is left to its client for the drain delay: a balancer that has not
    // yet seen /ready fail may still send on it, and closing it under that request would lose it with
    // nothing answered. Past the delay, every balancer has stopped sending: idle ones are closed. The
    // delay takes at most half the grace, so that idle connections never hold the process to its end.
    const delay = setTimeout(
      () => {
        server.closeIdleConnections();
        sweep = setInterval(() => server.closeIdleConnections(), 100);
        sweep.unref();
      },
      Math.min(config.drainDelayMs, config.shutdownGraceMs / 2),
    );
    delay.unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
