import { createKeepAliveFetch } from "@flinks-authorize/client";
import { guardFetch } from "@flinks-authorize/kit/contract-guard";
import { ON_MOCK, TARGET_URL } from "@flinks-authorize/kit/contract-target";
import { afterAll, afterEach } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createGateway } from "../../src/gateway.js";
import { CALLER_KEY } from "../harness.js";

/**
 * The gateway's environment: mock mode on our Prism (Prefer is forwarded), live mode on anything else.
 * The guard checks, and tests count, each call a GraphQL request makes (a token, then the session call).
 */
export const gatewayEnv = (): Record<string, string> =>
  ON_MOCK
    ? { NODE_ENV: "test", LOG_LEVEL: "silent", FLINKS_MOCK_URL: TARGET_URL }
    : {
        NODE_ENV: "test",
        LOG_LEVEL: "silent",

        FLINKS_BASE_URL: TARGET_URL,
        GATEWAY_API_KEYS: CALLER_KEY,
        // Prism accepts any non-empty key; a real upstream needs FLINKS_TEST_SECRET_KEY.
        FLINKS_SECRET_KEY: process.env.FLINKS_TEST_SECRET_KEY ?? "contract-test-secret",
        // The suites ask for the same LoginId again and again: they test Flinks' answers, not the limits.
        GATEWAY_RATE_LIMITS: "off",
        ...(process.env.FLINKS_TEST_CUSTOMER_ID && {
          FLINKS_CUSTOMER_ID: process.env.FLINKS_TEST_CUSTOMER_ID,
        }),
      };

/**
 * A gateway on the contract target, over the client's default transport, with Prism's verdict checked on
 * every upstream call: after each test, a request violation or a 422 fails it with Prism's own message.
 * `rewrite` may change a request on its way out (e.g. a Prefer header the gateway would not forward).
 */
export function contractGateway(rewrite: (request: Request) => Request = (request) => request) {
  const transport = createKeepAliveFetch();
  const guard = guardFetch(transport);
  const gateway = createGateway(loadConfig(gatewayEnv()), {
    fetch: (request) => guard.fetch(rewrite(request)),
  });
  afterEach(() => guard.assertClean());
  afterAll(async () => {
    await gateway.close();
    await transport.close();
  });
  return { gateway, guard };
}

export {
  mockOnly,
  NOT_ON_MOCK,
  ON_MOCK,
  TARGET_URL,
} from "@flinks-authorize/kit/contract-target";
export { LOGIN_ID } from "@flinks-authorize/kit/fixtures";
export { typenameOfCode } from "../harness.js";
