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
 * Serves the gateway in this process until SIGTERM or SIGINT, then drains: /ready answers 503, the
 * listener closes, requests in flight get up to GATEWAY_SHUTDOWN_GRACE_MS to finish, and the process
 * exits 0 (or 1 when the grace ran out).
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
