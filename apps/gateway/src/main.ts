import { ConfigError, type GatewayConfig, loadConfig } from "./config/index.js";
import { serve } from "./http/lifecycle.js";

/**
 * The gateway's entry: checks the configuration (a bad variable is one line naming it, and nothing
 * starts), then serves until SIGTERM or SIGINT (http/lifecycle.ts). One process per replica: scale with
 * replicas behind a balancer (docs/operators/production.md).
 */
let config: GatewayConfig;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
await serve(config);
