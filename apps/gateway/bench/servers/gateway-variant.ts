import { createServer } from "node:http";
import { loadConfig } from "../../src/config/index.js";
import { createGateway, type GatewayOptions } from "../../src/gateway.js";

/**
 * Bench-only gateway entry: the production gateway with one lever changed, chosen by VARIANT.
 * `default`: as src/server.ts. `native-fetch`: Node's built-in fetch under openapi-fetch instead of the
 * undici adapter. Pool size and log level come from the environment like in production
 * (FLINKS_TOKEN_POOL_SIZE, LOG_LEVEL).
 */
const variant = process.env.VARIANT ?? "default";
const options: GatewayOptions = {};
switch (variant) {
  case "default":
    break;
  case "native-fetch":
    options.fetch = (request) => fetch(request);
    break;
  default:
    throw new Error(`unknown VARIANT ${variant}`);
}

const config = loadConfig(process.env);
const gateway = createGateway(config, options);
const server = createServer(gateway.yoga);
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(config.port, config.host);
