import { describe, expect, test, vi } from "vitest";
import type { Gateway } from "../../src/gateway.js";
import {
  AUTHORIZE,
  authorized,
  CONTINUE,
  fakeUpstream,
  follow,
  graphql,
  LIVE_ENV,
  LOGIN_ID,
  mfaRequired,
  SUBMIT_MFA,
  TOKEN,
  testGateway,
  type UpstreamAnswer,
  type UpstreamCall,
} from "../harness.js";

// A Pending is continued through the GraphQL API alone: by polling (continueAuthorization) or by the
// authorization subscription, which polls AuthorizeAsync on the server and streams each result.

const PENDING_ID = "077785a3-fd0f-42f7-9251-ee2ff7f3b4ff";

const pending = (code = "OPERATION_PENDING"): UpstreamAnswer => ({
  status: 202,
  body: {
    HttpStatusCode: 202,
    FlinksCode: code,
    Message: "Your operation is still processing",
    RequestId: PENDING_ID,
  },
});

/** Answers each AuthorizeAsync call from the script, in order; the last answer repeats. */
const scripted = (answers: UpstreamAnswer[]) => {
  let call = 0;
  return () => answers[Math.min(call++, answers.length - 1)] as UpstreamAnswer;
};
const asyncCalls = (calls: UpstreamCall[]) => calls.filter((call) => call.operation === "AuthorizeAsync");

async function pendingFrom(gateway: Gateway) {
  const response = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
  const result = response.body.data?.authorize;
  expect(result).toMatchObject({ __typename: "Pending", requestId: PENDING_ID });
  return String(result?.handle);
}

describe("continueAuthorization", () => {
  test("polls AuthorizeAsync once with the RequestId alone and the session's token", async () => {
    const upstream = fakeUpstream({
      authorize: () => pending("OPERATION_DISPATCHED"),
      authorizeAsync: scripted([pending(), { status: 200, body: authorized }]),
    });
    const gateway = testGateway(upstream);
    const handle = await pendingFrom(gateway);

    const first = await graphql(gateway, CONTINUE, { input: { handle } });
    expect(first.body.data?.continueAuthorization).toMatchObject({
      __typename: "Pending",
      reason: "OPERATION_PENDING",
    });
    const second = await graphql(gateway, CONTINUE, {
      input: { handle: String(first.body.data?.continueAuthorization?.handle) },
    });
    expect(second.body.data?.continueAuthorization).toMatchObject({
      __typename: "Authorized",
      requestId: authorized.RequestId,
    });

    const polls = asyncCalls(upstream.calls);
    expect(polls.map((call) => call.body)).toEqual([{ RequestId: PENDING_ID }, { RequestId: PENDING_ID }]);
    expect(polls.map((call) => call.headers.get("flinks-auth-key"))).toEqual([TOKEN, TOKEN]);
    await gateway.close();
  });

  test("a Pending's handle may poll again; an MFA handle or garbage is not a Pending's", async () => {
    const upstream = fakeUpstream({
      authorize: (call) =>
        call.body?.MostRecentCached === false ? { status: 203, body: mfaRequired() } : pending(),
      authorizeAsync: () => pending(),
    });
    const gateway = testGateway(upstream);
    const handle = await pendingFrom(gateway);
    for (let i = 0; i < 2; i++) {
      const again = await graphql(gateway, CONTINUE, { input: { handle } });
      expect(again.body.data?.continueAuthorization?.__typename).toBe("Pending");
    }
    const mfa = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID, mostRecentCached: false } });
    for (const wrong of [String(mfa.body.data?.authorize?.handle), "garbage", "x".repeat(5_000)]) {
      const refused = await graphql(gateway, CONTINUE, { input: { handle: wrong } });
      expect(refused.body.data?.continueAuthorization).toMatchObject({
        __typename: "InvalidInputError",
        issues: [{ path: ["input", "handle"], message: "is not a handle from Pending" }],
      });
    }
    await gateway.close();
  });

  test("an MFA round trip on the async path: 203 from a poll, answers to AuthorizeAsync, polls to 200", async () => {
    const upstream = fakeUpstream({
      authorize: () => pending(),
      authorizeAsync: (call) =>
        call.body?.SecurityResponses
          ? pending()
          : asyncCalls(upstream.calls).length === 1
            ? { status: 203, body: mfaRequired(undefined, PENDING_ID) }
            : { status: 200, body: authorized },
    });
    const gateway = testGateway(upstream);
    const handle = await pendingFrom(gateway);
    const challenged = await graphql(gateway, CONTINUE, { input: { handle } });
    expect(challenged.body.data?.continueAuthorization?.__typename).toBe("MfaRequired");
    const answered = await graphql(gateway, SUBMIT_MFA, {
      input: {
        handle: String(challenged.body.data?.continueAuthorization?.handle),
        responses: [{ prompt: "What shape do people like most?", answers: ["Triangle"] }],
      },
    });
    expect(answered.body.data?.submitMfa?.__typename).toBe("Pending");
    const done = await graphql(gateway, CONTINUE, {
      input: { handle: String(answered.body.data?.submitMfa?.handle) },
    });
    expect(done.body.data?.continueAuthorization?.__typename).toBe("Authorized");
    expect(asyncCalls(upstream.calls).map((call) => call.body)).toEqual([
      { RequestId: PENDING_ID },
      { RequestId: PENDING_ID, SecurityResponses: { "What shape do people like most?": ["Triangle"] } },
      { RequestId: PENDING_ID },
    ]);
    // Only the start went to Authorize; everything after it to AuthorizeAsync.
    expect(upstream.calls.filter((call) => call.operation === "Authorize")).toHaveLength(1);
    await gateway.close();
  });
});

describe("FLINKS_AUTHORIZE_ASYNC", () => {
  test("a live authorize starts on AuthorizeAsync and answers Pending at once; a cached one stays on Authorize", async () => {
    const upstream = fakeUpstream({
      authorizeAsync: () => pending(),
      authorize: () => ({ status: 200, body: authorized }),
    });
    const gateway = testGateway(upstream, { ...LIVE_ENV, FLINKS_AUTHORIZE_ASYNC: "true" });
    const live = await graphql(gateway, AUTHORIZE, {
      input: { institution: "FlinksCapital", username: "Greatday", password: "Everyday" },
    });
    expect(live.body.data?.authorize?.__typename).toBe("Pending");
    expect(asyncCalls(upstream.calls)[0]?.body).toMatchObject({
      Username: "Greatday",
      MostRecentCached: false,
    });
    const cached = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    expect(cached.body.data?.authorize?.__typename).toBe("Authorized");
    await gateway.close();
  });
});

describe("the authorization subscription", () => {
  test("a handle it cannot open is an InvalidInputError naming its argument, `handle`", async () => {
    const gateway = testGateway(fakeUpstream({}));
    const [refused] = await follow(gateway, "garbage");
    expect(refused).toMatchObject({
      __typename: "InvalidInputError",
      issues: [{ path: ["handle"], message: "is not a handle from Pending" }],
    });
    await gateway.close();
  });

  test("streams Pending until a final result, then completes", async () => {
    const upstream = fakeUpstream({
      authorize: () => pending("OPERATION_DISPATCHED"),
      authorizeAsync: scripted([pending(), pending(), { status: 200, body: authorized }]),
    });
    const gateway = testGateway(upstream, { FLINKS_POLL_INTERVAL_MS: "100" });
    const events = await follow(gateway, await pendingFrom(gateway));
    expect(events.map((event) => event.__typename)).toEqual(["Pending", "Pending", "Authorized"]);
    expect(asyncCalls(upstream.calls)).toHaveLength(3);
    await gateway.close();
  });

  test("ends on an MFA challenge, with a handle that answers it", async () => {
    const upstream = fakeUpstream({
      authorize: () => pending(),
      authorizeAsync: scripted([pending(), { status: 203, body: mfaRequired(undefined, PENDING_ID) }]),
    });
    const gateway = testGateway(upstream, { FLINKS_POLL_INTERVAL_MS: "100" });
    const events = await follow(gateway, await pendingFrom(gateway));
    expect(events.map((event) => event.__typename)).toEqual(["Pending", "MfaRequired"]);
    expect(String(events[1]?.handle).length).toBeGreaterThan(40);
    await gateway.close();
  });

  test("polls on through a timeout (the gateway's side), and ends on the next final result", async () => {
    let call = 0;
    const upstream = fakeUpstream({
      authorize: () => pending(),
      authorizeAsync: () => (++call === 1 ? new Promise<never>(() => {}) : { status: 200, body: authorized }),
    });
    const gateway = testGateway(upstream, { FLINKS_POLL_INTERVAL_MS: "100", FLINKS_TIMEOUT_MS: "100" });
    const events = await follow(gateway, await pendingFrom(gateway));
    expect(events.map((event) => event.__typename)).toEqual(["Authorized"]);
    expect(call).toBe(2);
    await gateway.close();
  });

  test("ends on Flinks' refusal, or on an answer that breaks the contract", async () => {
    for (const [answer, typename] of [
      [
        { status: 401, body: { HttpStatusCode: 401, FlinksCode: "INVALID_PASSWORD", Message: "no" } },
        "InvalidCredentialsError",
      ],
      [{ status: 200, body: { HttpStatusCode: 200 } }, "UpstreamContractError"],
    ] as const) {
      const upstream = fakeUpstream({ authorize: () => pending(), authorizeAsync: () => answer });
      const gateway = testGateway(upstream, { FLINKS_POLL_INTERVAL_MS: "100" });
      const events = await follow(gateway, await pendingFrom(gateway));
      expect(events.map((event) => event.__typename)).toEqual([typename]);
      await gateway.close();
    }
  });

  test("ends after its current poll when the gateway starts draining, instead of holding the drain", async () => {
    const upstream = fakeUpstream({ authorize: () => pending(), authorizeAsync: () => pending() });
    // A minute between polls: without the drain, the stream would still be open when the test times out.
    const gateway = testGateway(upstream, { FLINKS_POLL_INTERVAL_MS: "60000" });
    const following = follow(gateway, await pendingFrom(gateway));
    await vi.waitFor(() => expect(asyncCalls(upstream.calls)).toHaveLength(1));
    gateway.startDraining();
    const events = await following;
    expect(events.map((event) => event.__typename)).toEqual(["Pending"]);
    expect(asyncCalls(upstream.calls)).toHaveLength(1);
    await gateway.close();
  });

  test("a bad handle yields one refusal and completes", async () => {
    const gateway = testGateway(fakeUpstream({}), { FLINKS_POLL_INTERVAL_MS: "100" });
    const events = await follow(gateway, "not-a-handle");
    expect(events).toEqual([expect.objectContaining({ __typename: "InvalidInputError" })]);
    await gateway.close();
  });
});
