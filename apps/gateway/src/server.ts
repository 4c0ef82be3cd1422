import { ConfigError, loadConfig } from "./config.js";
import { createHttpServer } from "./http-server.js";
import { listenProblem } from "./listen-problem.js";
import { ObservabilityListenError, startObservability } from "./observability.js";
import { printableUrl } from "./printable-url.js";
import { createGateway } from "./yoga.js";

/**
 * Connections the kernel queues for accept() (Node's default is 511; Linux caps it at net.core.somaxconn).
 * Thousands of consumers (or a balancer) opening connections at once while the event loop is busy would
 * overflow 511: the kernel drops their SYNs and they retry after 1, 3, 7 s, then time out.
 */
const LISTEN_BACKLOG = 4_096;
/** Time allowed for requests in flight after SIGTERM/SIGINT before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const observability = await startObservability(config);
  const gateway = createGateway(config, observability.gatewayOptions);
  const { logger } = gateway;
  try {
    await observability.listen(logger);
  } catch (error) {
    if (!(error instanceof ObservabilityListenError)) throw error;
    console.error(error.message);
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
    console.error(problem);
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
    logger.info({ signal }, "stopping: no new connections, finishing requests in flight");
    const force = setTimeout(() => {
      logger.error(
        { graceMs: SHUTDOWN_GRACE_MS },
        "requests still running after the grace period: exiting anyway",
      );
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
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

await main();
