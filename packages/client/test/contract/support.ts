import { guardFetch } from "@flinks-authorize/kit/contract-guard";
import { ON_MOCK, TARGET_URL } from "@flinks-authorize/kit/contract-target";
import { LOGIN_ID, MFA_REQUEST_ID, mfaRequired, TOKEN } from "@flinks-authorize/kit/fixtures";
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
} from "@flinks-authorize/kit/contract-target";

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
  if (ON_MOCK) return TOKEN;
  const minted = await client.generateAuthorizeToken(SECRET_KEY);
  if (minted.kind !== "token") throw new Error(`Could not mint an authorize token: ${minted.kind}.`);
  return minted.token.reveal();
}

export { LOGIN_ID, MFA_REQUEST_ID as REQUEST_ID };

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
    RequestId: MFA_REQUEST_ID,
    SecurityResponses: Object.fromEntries(
      mfaRequired.SecurityChallenges.map(({ Prompt }) => [Prompt, ["Triangle"]]),
    ),
  },
  poll: { RequestId: "077785a3-fd0f-42f7-9251-ee2ff7f3b4ff" },
};
