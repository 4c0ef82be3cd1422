import type { GatewayConfig } from "./config.js";
import { createHttpServer } from "./http-server.js";
import { listenProblem } from "./listen-problem.js";
import { type MetricsListener, ObservabilityListenError, startObservability } from "./observability.js";
import { printableUrl } from "./printable-url.js";
import { createGateway } from "./yoga.js";

/**
 * Connections the kernel queues for accept() (Node's default is 511; Linux caps it at net.core.somaxconn).
 * Thousands of consumers (or a balancer) opening connections at once while the event loop is busy would
 * overflow 511: the kernel drops their SYNs and they retry after 1, 3, 7 s, then time out. Under
 * node:cluster the primary holds the listening socket and passes the backlog on to it.
 */
const LISTEN_BACKLOG = 4_096;

export interface ServeOptions {
  /**
   * A problem a person must fix before the gateway can serve (the port is taken, HOST is not this
   * machine's): one line naming the variable. The process exits 1 after it.
   */
  onFatal(message: string): void;
  /** In a cluster worker, the primary serves the metrics port (observability.ts). */
  metricsListener?: MetricsListener;
}

/**
 * Serves the gateway in this process until SIGTERM or SIGINT, then drains: /ready answers 503, the
 * listener closes, requests in flight get up to GATEWAY_SHUTDOWN_GRACE_MS to finish, and the process
 * exits 0 (or 1 when the grace ran out). The same in a single process and in each cluster worker.
 */
export async function serve(
  config: GatewayConfig,
  { onFatal, metricsListener = "this-process" }: ServeOptions,
): Promise<void> {
  const observability = await startObservability(config, metricsListener);
  const gateway = createGateway(config, observability.gatewayOptions);
  const { logger } = gateway;
  try {
    await observability.listen(logger);
  } catch (error) {
    if (!(error instanceof ObservabilityListenError)) throw error;
    onFatal(error.message);
    process.exit(1);
  }
  const server = createHttpServer(gateway, { maxConnections: config.maxConnections });

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
    onFatal(problem);
    process.exit(1);
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
    gateway.startDraining();
    logger.info(
      { signal, graceMs: config.shutdownGraceMs },
      "stopping: no new connections, finishing requests in flight",
    );
    const force = setTimeout(() => {
      logger.error(
        { graceMs: config.shutdownGraceMs },
        "requests still running after the grace period: exiting anyway",
      );
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    // A keep-alive socket that is busy now becomes idle after its response and would hold close()
    // open until its client hangs up: answers say `Connection: close`, and idle sockets are closed as
    // soon as they appear.
    server.on("request", (_request, response) => response.setHeader("connection", "close"));
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    sweep.unref();
    server.close(async () => {
      clearInterval(sweep);
      await gateway.close();
      await observability.close();
      logger.info("stopped");
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
