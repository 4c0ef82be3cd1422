import cluster from "node:cluster";
import { ConfigError, type GatewayConfig, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { ObservabilityListenError, startClusterMetrics } from "./observability.js";
import { serve } from "./serve.js";
import { reportFatalToPrimary, runPrimary, workerCount } from "./workers.js";

/**
 * The gateway's entry: one process serving (GATEWAY_WORKERS=1, the default), or a cluster primary and
 * its workers, each of which runs this file again and serves. The configuration is checked before any
 * worker exists, so a bad variable is printed once.
 */
async function main() {
  let config: GatewayConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A worker only sees this if the environment changed after the primary checked it.
    if (cluster.isWorker) reportFatalToPrimary(error.message);
    else console.error(error.message);
    process.exit(1);
  }
  if (cluster.isWorker) {
    await serve(config, { onFatal: reportFatalToPrimary, metricsListener: "cluster-primary" });
    return;
  }
  const count = workerCount(config.workers);
  if (count === 1) {
    await serve(config, { onFatal: (message) => console.error(message) });
    return;
  }
  const logger = createLogger(config.logLevel);
  try {
    await startClusterMetrics(config, logger);
  } catch (error) {
    if (!(error instanceof ObservabilityListenError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  runPrimary(config, count, logger);
}

await main();
