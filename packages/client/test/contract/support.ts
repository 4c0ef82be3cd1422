import { guardFetch } from "@flinks-authorize/spec/test-support/contract-guard";
import { ON_MOCK, TARGET_URL } from "@flinks-authorize/spec/test-support/contract-target";
import { afterAll, afterEach } from "vitest";
import {
  type CachedAuthorizeRequest,
  createFlinksClient,
  createKeepAliveFetch,
  type LiveAuthorizeRequest,
  type MfaAnswerRequest,
  type PollRequest,
} from "../../src/index.js";

export {
  mockOnly,
  NOT_ON_MOCK,
  ON_MOCK,
  TARGET_URL,
} from "@flinks-authorize/spec/test-support/contract-target";

export const CUSTOMER_ID = process.env.FLINKS_TEST_CUSTOMER_ID ?? "43387ca6-0391-4c82-857d-70d95f087ecb";
/** Prism accepts any non-empty key; a real upstream needs FLINKS_TEST_SECRET_KEY. */
export const SECRET_KEY = process.env.FLINKS_TEST_SECRET_KEY ?? "contract-test-secret";

/**
 * The real client on its default transport (undici keep-alive pool), with Prism's verdict checked on every
 * call: after each test, any request violation or 422 fails the test with Prism's own message.
 */
export function contractClient() {
  const transport = createKeepAliveFetch();
  const guard = guardFetch(transport);
  const client = createFlinksClient({ baseUrl: TARGET_URL, customerId: CUSTOMER_ID, fetch: guard.fetch });
  afterEach(() => guard.assertClean());
  afterAll(() => transport.close());
  return { client, guard };
}

/** A token Authorize accepts: any string on the mock, a freshly minted one elsewhere. */
export async function authorizeToken(client: ReturnType<typeof contractClient>["client"]): Promise<string> {
  if (ON_MOCK) return "d65f1adb-8ebc-48dc-be8b-20c773ba1565";
  const minted = await client.generateAuthorizeToken(SECRET_KEY);
  if (minted.kind !== "token") throw new Error(`Could not mint an authorize token: ${minted.kind}.`);
  return minted.token.reveal();
}

export const LOGIN_ID = "5e115eac-1209-4f19-641c-08d6d484e2fe";
export const REQUEST_ID = "9022abc2-8a2e-4b06-a06e-c3e5449c4d10";

/** One valid request of each mode of the spec's AuthorizeRequest, and AuthorizeAsync's poll. */
export const requests: {
  cached: CachedAuthorizeRequest;
  live: LiveAuthorizeRequest;
  mfaAnswer: MfaAnswerRequest;
  poll: PollRequest;
} = {
  cached: { LoginId: LOGIN_ID, MostRecentCached: true },
  live: {
    Institution: "FlinksCapital",
    Username: "Greatday",
    Password: "Everyday",
    MostRecentCached: false,
    Save: true,
    Language: "en",
  },
  mfaAnswer: {
    RequestId: REQUEST_ID,
    SecurityResponses: { "What shape do people like most?": ["Triangle"] },
  },
  poll: { RequestId: "077785a3-fd0f-42f7-9251-ee2ff7f3b4ff" },
};
