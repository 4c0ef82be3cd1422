// A consumer outside the workspace: it compiles against the declarations in the packed tarball and runs
// its bundle, with nothing of this repository in reach. It prints one JSON line for the test to check.
import {
  type AuthorizeOutcome,
  createFlinksClient,
  type PollRequest,
  TOOLBOX_CUSTOMER_ID,
  UUID_PATTERN,
} from "@flinks-authorize/client";

const [baseUrl] = process.argv.slice(2);
if (!baseUrl) throw new Error("usage: node main.js <base url of a Prism mock>");

/** What a consumer reads of each outcome; `never` makes the switch prove the union came through whole. */
function summary(outcome: AuthorizeOutcome): string {
  switch (outcome.kind) {
    case "authorized":
      return UUID_PATTERN.test(outcome.body.RequestId) ? "authorized" : "authorized without a RequestId";
    case "mfaRequired":
      return `mfaRequired: ${outcome.body.SecurityChallenges.length} challenge(s)`;
    case "pending":
      return `pending: ${outcome.flinksCode}`;
    case "flinksError":
      return `flinksError: ${outcome.flinksCode}`;
    case "timeout":
    case "aborted":
    case "networkError":
    case "invalidRequest":
      return outcome.kind;
    case "unexpectedResponse":
      return `unexpectedResponse: ${outcome.reason}`;
    default: {
      const unhandled: never = outcome;
      return unhandled;
    }
  }
}

const flinks = createFlinksClient({ baseUrl, customerId: TOOLBOX_CUSTOMER_ID });
try {
  const minted = await flinks.generateAuthorizeToken("mock-secret-key");
  if (minted.kind !== "token") throw new Error(`no token: ${minted.kind}`);
  const authorize = await flinks.authorize(minted.token, {
    LoginId: "5e115eac-1209-4f19-641c-08d6d484e2fe",
    MostRecentCached: true,
  });
  const poll: PollRequest = { RequestId: "077785a3-fd0f-42f7-9251-ee2ff7f3b4ff" };
  const authorizeAsync = await flinks.authorizeAsync(minted.token, poll, {
    headers: { Prefer: "code=202, example=OPERATION_DISPATCHED" },
  });
  console.log(
    JSON.stringify({
      token: String(minted.token),
      authorize: summary(authorize),
      authorizeAsync: summary(authorizeAsync),
    }),
  );
} finally {
  await flinks.close();
}
