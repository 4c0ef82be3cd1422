import { createKeepAliveFetch } from "@flinks-authorize/client";
import { guardFetch } from "@flinks-authorize/spec/test-support/contract-guard";
import type {} from "@flinks-authorize/spec/test-support/prism-global-setup";
import { afterAll, afterEach, inject } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createGateway } from "../../src/yoga.js";

/** Where this run's calls go: the mock Prism of globalSetup, or FLINKS_TEST_BASE_URL. */
export const TARGET_URL = inject("prismUrl");
/** Prism-only behaviour (Prefer example selection, sl-violations on mock answers) can be relied on. */
export const ON_MOCK = inject("prismIsMock");
/** For `test.skipIf(NOT_ON_MOCK)`, with the test named through `mockOnly` so the report says why. */
export const NOT_ON_MOCK = !ON_MOCK;
/** A test name that, when skipped, carries the reason. */
export const mockOnly = (name: string) =>
  NOT_ON_MOCK
    ? `${name} [skipped: needs the mock Prism (Prefer example selection, sl-violations); FLINKS_TEST_BASE_URL is set]`
    : name;

if (NOT_ON_MOCK) {
  console.warn(
    `Contract tests target FLINKS_TEST_BASE_URL=${TARGET_URL}: tests that need the mock Prism are skipped.`,
  );
}

/** The gateway's environment: mock mode on our Prism (Prefer is forwarded), live mode on anything else. */
export const gatewayEnv = (): Record<string, string> =>
  ON_MOCK
    ? { NODE_ENV: "test", LOG_LEVEL: "silent", FLINKS_MOCK_URL: TARGET_URL }
    : {
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        FLINKS_BASE_URL: TARGET_URL,
        // Prism accepts any non-empty key; a real upstream needs FLINKS_TEST_SECRET_KEY.
        FLINKS_SECRET_KEY: process.env.FLINKS_TEST_SECRET_KEY ?? "contract-test-secret",
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

/** The GraphQL type each FlinksCode of the spec must come back as: written out, not read from the source. */
export const typenameOfCode: Record<string, string> = {
  INVALID_LOGIN: "InvalidCredentialsError",
  INVALID_USERNAME: "InvalidCredentialsError",
  INVALID_PASSWORD: "InvalidCredentialsError",
  INVALID_REQUEST: "InvalidCredentialsError",
  INVALID_SECURITY_RESPONSE: "MfaRejectedError",
  INVALID_SECURITY_RESPONSE_NO_RETRY: "MfaRejectedError",
  SECURITYRESPONSES_INCOMPLETE: "MfaRejectedError",
  UNKNOWN_CHALLENGE_KEY: "MfaRejectedError",
  QUESTION_NOT_FOUND: "MfaRejectedError",
  SESSION_NONEXISTENT: "SessionError",
  SESSION_EXPIRED: "SessionError",
  ALREADY_AUTHORIZED: "SessionError",
  CONCURRENT_SESSION: "SessionError",
  CARD_IN_USE: "SessionError",
  NEW_ACCOUNT: "AccountActionRequiredError",
  DISABLED_LOGIN: "AccountActionRequiredError",
  UNAUTHORIZED: "AccountActionRequiredError",
  RETRY_LATER: "InstitutionUnavailableError",
  TOO_MANY_REQUESTS: "InstitutionUnavailableError",
  DISABLED_INSTITUTION: "InstitutionUnavailableError",
  AGGREGATION_ERROR: "InstitutionUnavailableError",
  ACCESS_DENIED: "GatewayAccessDeniedError",
};

export const LOGIN_ID = "5e115eac-1209-4f19-641c-08d6d484e2fe";
