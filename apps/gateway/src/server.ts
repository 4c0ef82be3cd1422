import { createServer } from "node:http";
import { ConfigError, loadConfig } from "./config.js";
import { createGateway } from "./yoga.js";

/** Time allowed for requests in flight after SIGTERM/SIGINT before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

function main() {
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
  const gateway = createGateway(config);
  const server = createServer(gateway.yoga);

  server.listen(config.port, config.host, () => {
    const upstream = gateway.flinks.baseUrl;
    console.log(
      `Flinks Authorize gateway on http://localhost:${config.port}/graphql (${config.mode} mode, Flinks at ${upstream})`,
    );
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then exiting.`);
    const force = setTimeout(() => {
      console.error(`Requests still running after ${SHUTDOWN_GRACE_MS} ms: exiting anyway.`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      await gateway.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
