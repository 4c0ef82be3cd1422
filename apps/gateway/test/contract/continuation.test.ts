import { describe, expect, test } from "vitest";
import { AUTHORIZE, CONTINUE, follow, graphql, SUBMIT_MFA } from "../harness.js";
import { contractGateway, LOGIN_ID, mockOnly, NOT_ON_MOCK } from "./support.js";

// A Pending continued through Prism: every AuthorizeAsync call the gateway makes (a poll with the
// RequestId alone, MFA answers) must be valid for the spec, and its answer comes back typed.
const { gateway, guard } = contractGateway();

async function pendingSession() {
  const response = await graphql(
    gateway,
    AUTHORIZE,
    { input: { loginId: LOGIN_ID } },
    { prefer: "code=202" },
  );
  guard.assertClean();
  const result = response.body.data?.authorize;
  expect(result?.__typename).toBe("Pending");
  return String(result?.handle);
}

const continued = async (handle: string, prefer?: string) => {
  const response = await graphql(gateway, CONTINUE, { input: { handle } }, prefer ? { prefer } : {});
  guard.assertClean();
  return response.body.data?.continueAuthorization;
};

describe.skipIf(NOT_ON_MOCK)(mockOnly("a Pending continued on AuthorizeAsync through Prism"), () => {
  test("by polling: Pending, then Authorized", async () => {
    const handle = await pendingSession();
    const still = await continued(handle, "code=202, example=OPERATION_DISPATCHED");
    expect(still).toMatchObject({ __typename: "Pending", reason: "OPERATION_DISPATCHED" });
    expect(await continued(String(still?.handle))).toMatchObject({ __typename: "Authorized" });
    const polls = guard.calls.filter((call) => call.url.endsWith("/AuthorizeAsync"));
    expect(polls.length).toBeGreaterThanOrEqual(2);
  });

  test("an MFA round trip on the async path: 203 from a poll, answers accepted (202), then Authorized", async () => {
    const challenged = await continued(await pendingSession(), "code=203");
    expect(challenged?.__typename).toBe("MfaRequired");
    const challenges = challenged?.challenges as Array<{ prompt: string }>;
    const answered = await graphql(
      gateway,
      SUBMIT_MFA,
      {
        input: {
          handle: String(challenged?.handle),
          responses: challenges.map(({ prompt }) => ({ prompt, answers: ["Triangle"] })),
        },
      },
      { prefer: "code=202" },
    );
    guard.assertClean();
    expect(answered.body.data?.submitMfa?.__typename).toBe("Pending");
    const answerCall = guard.calls.at(-1);
    expect(answerCall?.url).toMatch(/\/AuthorizeAsync$/);
    expect(await continued(String(answered.body.data?.submitMfa?.handle))).toMatchObject({
      __typename: "Authorized",
    });
  });

  test("by the subscription: the stream ends on Authorized", async () => {
    const events = await follow(gateway, await pendingSession());
    guard.assertClean();
    expect(events.map((event) => event.__typename)).toEqual(["Authorized"]);
  });
});
