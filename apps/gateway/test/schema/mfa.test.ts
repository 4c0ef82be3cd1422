import { describe, expect, test } from "vitest";
import {
  AUTHORIZE,
  authorized,
  fakeUpstream,
  graphql,
  issuesOf,
  LIVE_ENV,
  LOGIN_ID,
  mfaRequired,
  REQUEST_ID,
  SUBMIT_MFA,
  TOKEN,
  testGateway,
  type UpstreamCall,
} from "../harness.js";

/** Answers 203 until an Authorize call carries SecurityResponses, then 200. */
const mfaThenAuthorized = (prompts?: string[]) => (call: UpstreamCall) =>
  call.body?.SecurityResponses
    ? { status: 200, body: authorized }
    : { status: 203, body: mfaRequired(prompts) };

async function startMfa(prompts?: string[]) {
  const upstream = fakeUpstream({ authorize: mfaThenAuthorized(prompts) });
  const gateway = testGateway(upstream);
  const response = await graphql(gateway, AUTHORIZE, {
    input: { loginId: LOGIN_ID, mostRecentCached: false },
  });
  const result = response.body.data?.authorize;
  expect(result?.__typename).toBe("MfaRequired");
  return { upstream, gateway, handle: String(result?.handle) };
}

describe("submitMfa", () => {
  test("answers with the 203's RequestId, the same token, and prompts byte for byte", async () => {
    // Unicode, trailing space, mixed case and a prototype-looking key: none may be altered.
    const prompts = ["Où êtes-vous né ? ", "What CITY?", "__proto__", "\u202Ebidi"];
    const { upstream, gateway, handle } = await startMfa(prompts);
    const responses = prompts.map((prompt, index) => ({ prompt, answers: [`answer ${index}`] }));
    const response = await graphql(gateway, SUBMIT_MFA, { input: { handle, responses } });
    expect(response.body.data?.submitMfa).toMatchObject({
      __typename: "Authorized",
      requestId: authorized.RequestId,
    });

    const answerCall = upstream.calls.at(-1);
    expect(answerCall?.operation).toBe("Authorize");
    expect(answerCall?.headers.get("flinks-auth-key")).toBe(TOKEN);
    expect(answerCall?.body).toEqual({
      RequestId: REQUEST_ID,
      SecurityResponses: Object.fromEntries(prompts.map((prompt, index) => [prompt, [`answer ${index}`]])),
    });
    expect(Object.keys(answerCall?.body?.SecurityResponses as object)).toEqual(prompts);
    // One token for the whole session: minted once, before the first Authorize.
    expect(upstream.calls.filter((call) => call.operation === "GenerateAuthorizeToken")).toHaveLength(1);
  });

  test("another 203 returns a fresh handle for the next round, still on the same token", async () => {
    let round = 0;
    const upstream = fakeUpstream({
      authorize: () => ({ status: 203, body: mfaRequired([`question ${++round}`]) }),
    });
    const gateway = testGateway(upstream);
    const first = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    const second = await graphql(gateway, SUBMIT_MFA, {
      input: {
        handle: first.body.data?.authorize?.handle,
        responses: [{ prompt: "question 1", answers: ["a"] }],
      },
    });
    expect(second.body.data?.submitMfa).toMatchObject({
      __typename: "MfaRequired",
      challenges: [{ prompt: "question 2" }],
    });
    const third = await graphql(gateway, SUBMIT_MFA, {
      input: {
        handle: second.body.data?.submitMfa?.handle,
        responses: [{ prompt: "question 2", answers: ["b"] }],
      },
    });
    expect(third.body.data?.submitMfa?.__typename).toBe("MfaRequired");
    const tokens = upstream.calls
      .filter((call) => call.operation === "Authorize")
      .map((call) => call.headers.get("flinks-auth-key"));
    expect(tokens).toEqual([TOKEN, TOKEN, TOKEN]);
  });

  test("a wrong answer is MfaRejectedError with its code", async () => {
    const upstream = fakeUpstream({
      authorize: (call) =>
        call.body?.SecurityResponses
          ? {
              status: 401,
              body: {
                HttpStatusCode: 401,
                FlinksCode: "INVALID_SECURITY_RESPONSE",
                Message: "wrong",
                RequestId: REQUEST_ID,
              },
            }
          : { status: 203, body: mfaRequired() },
    });
    const gateway = testGateway(upstream);
    const started = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    const response = await graphql(gateway, SUBMIT_MFA, {
      input: {
        handle: started.body.data?.authorize?.handle,
        responses: [{ prompt: "What shape do people like most?", answers: ["Circle"] }],
      },
    });
    expect(response.body.data?.submitMfa).toEqual({
      __typename: "MfaRejectedError",
      code: "INVALID_SECURITY_RESPONSE",
      flinksCode: "INVALID_SECURITY_RESPONSE",
      flinksRequestId: REQUEST_ID,
      message: "wrong",
      retryable: false,
    });
  });

  test("a wrong answer that comes with a new challenge stays in the session: MfaRequired with a fresh handle, no new bank login", async () => {
    let answers = 0;
    const upstream = fakeUpstream({
      authorize: (call) => {
        if (!call.body?.SecurityResponses) return { status: 203, body: mfaRequired() };
        answers++;
        return answers === 1
          ? {
              status: 401,
              body: {
                HttpStatusCode: 401,
                FlinksCode: "INVALID_SECURITY_RESPONSE",
                Message: "wrong",
                RequestId: REQUEST_ID,
                Institution: "FlinksCapital",
                SecurityChallenges: [{ Type: "QuestionAndAnswer", Prompt: "What is your favourite colour?" }],
              },
            }
          : { status: 200, body: authorized };
      },
    });
    const gateway = testGateway(upstream);
    const started = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    const wrong = await graphql(gateway, SUBMIT_MFA, {
      input: {
        handle: started.body.data?.authorize?.handle,
        responses: [{ prompt: "What shape do people like most?", answers: ["Circle"] }],
      },
    });
    const again = wrong.body.data?.submitMfa;
    expect(again).toMatchObject({
      __typename: "MfaRequired",
      requestId: REQUEST_ID,
      challenges: [{ type: "QUESTION_AND_ANSWER", prompt: "What is your favourite colour?" }],
    });
    expect(again?.handle).not.toBe(started.body.data?.authorize?.handle);
    const right = await graphql(gateway, SUBMIT_MFA, {
      input: {
        handle: again?.handle,
        responses: [{ prompt: "What is your favourite colour?", answers: ["Blue"] }],
      },
    });
    expect(right.body.data?.submitMfa?.__typename).toBe("Authorized");
    // One token, one start: the end user answered twice within one bank login.
    expect(upstream.calls.map((call) => call.operation)).toEqual([
      "GenerateAuthorizeToken",
      "Authorize",
      "Authorize",
      "Authorize",
    ]);
  });

  const invalid: Array<[string, (handle: string) => Record<string, unknown>, string[]]> = [
    [
      "a forged handle",
      () => ({ handle: "AAAA", responses: [{ prompt: "q", answers: ["a"] }] }),
      ["input", "handle"],
    ],
    [
      "a handle with one character changed",
      (handle) => ({
        handle: `${handle.slice(0, 20)}${handle[20] === "A" ? "B" : "A"}${handle.slice(21)}`,
        responses: [{ prompt: "q", answers: ["a"] }],
      }),
      ["input", "handle"],
    ],
    ["no responses", (handle) => ({ handle, responses: [] }), ["input", "responses"]],
    [
      "a response without answers",
      (handle) => ({ handle, responses: [{ prompt: "q", answers: [] }] }),
      ["input", "responses", "0", "answers"],
    ],
    [
      "the same prompt twice",
      (handle) => ({
        handle,
        responses: [
          { prompt: "q", answers: ["a"] },
          { prompt: "q", answers: ["b"] },
        ],
      }),
      ["input", "responses", "1", "prompt"],
    ],
    [
      "an empty prompt",
      (handle) => ({ handle, responses: [{ prompt: "", answers: ["a"] }] }),
      ["input", "responses", "0", "prompt"],
    ],
  ];

  test.each(invalid)(
    "%s is InvalidInputError naming the field, and nothing is sent",
    async (_, input, path) => {
      const { upstream, gateway, handle } = await startMfa();
      const callsBefore = upstream.calls.length;
      const response = await graphql(gateway, SUBMIT_MFA, { input: input(handle) });
      const result = response.body.data?.submitMfa;
      expect(result?.__typename).toBe("InvalidInputError");
      expect(issuesOf(result)[0]?.path).toEqual(path);
      expect(upstream.calls).toHaveLength(callsBefore);
    },
  );

  test("a handle from a gateway with another secret key does not open", async () => {
    const { handle } = await startMfa();
    const other = testGateway(fakeUpstream({}), { ...LIVE_ENV, FLINKS_SECRET_KEY: "another-key" });
    const response = await graphql(other, SUBMIT_MFA, {
      input: { handle, responses: [{ prompt: "q", answers: ["a"] }] },
    });
    expect(response.body.data?.submitMfa?.__typename).toBe("InvalidInputError");
  });

  test("a second in-process instance with the same configuration answers the MFA (no shared memory)", async () => {
    const { upstream, handle } = await startMfa();
    const secondInstance = testGateway(upstream);
    const response = await graphql(secondInstance, SUBMIT_MFA, {
      input: { handle, responses: [{ prompt: "What shape do people like most?", answers: ["Triangle"] }] },
    });
    expect(response.body.data?.submitMfa?.__typename).toBe("Authorized");
  });
});
