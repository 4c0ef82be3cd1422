import { examplesOf } from "@flinks-authorize/spec/test-support/examples";
import { describe, expect, test } from "vitest";
import { AUTHORIZE, graphql, SUBMIT_MFA } from "../harness.js";
import { contractGateway, mockOnly, NOT_ON_MOCK } from "./support.js";

// authorize → 203 → submitMfa, all through Prism: the answer call must be valid for the spec, carry the
// 203's RequestId and the session's token, and its outcome must come back typed.
const { gateway, guard } = contractGateway();
const mfaExamples = examplesOf("authorize").filter((example) => example.status === 203);
const authorizedExample = examplesOf("authorize").find((example) => example.status === 200);
const multipleChoice = mfaExamples.find((example) => example.name === "mfaMultipleChoice");
const LIVE = {
  institution: "FlinksCapital",
  username: "Greatday",
  password: "Everyday",
  mostRecentCached: false,
};

type Challenge = { prompt: string; choices: string[] };

async function startMfa(prefer: string) {
  const response = await graphql(gateway, AUTHORIZE, { input: LIVE }, { prefer });
  guard.assertClean();
  const result = response.body.data?.authorize;
  expect(result?.__typename).toBe("MfaRequired");
  return {
    handle: String(result?.handle),
    requestId: String(result?.requestId),
    challenges: result?.challenges as Challenge[],
  };
}

describe.skipIf(NOT_ON_MOCK)(mockOnly(`authorize → 203 → submitMfa through Prism`), () => {
  test("the spec has 203 examples to start from", () => {
    expect(mfaExamples.length).toBeGreaterThanOrEqual(1);
  });

  test.each(mfaExamples.map((example) => [example.name, example] as const))(
    "%s, answered: Authorized",
    async (_, example) => {
      const mfa = await startMfa(example.prefer);
      expect(mfa.requestId).toBe(example.value.RequestId);
      const responses = mfa.challenges.map(({ prompt, choices }) => ({
        prompt,
        answers: [choices[0] ?? "Triangle"],
      }));

      const before = guard.calls.length;
      const response = await graphql(gateway, SUBMIT_MFA, { input: { handle: mfa.handle, responses } });
      guard.assertClean();
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.submitMfa).toMatchObject({
        __typename: "Authorized",
        requestId: authorizedExample?.value.RequestId,
      });

      // One Authorize call, with the same token as the first one and no new token minted.
      const calls = guard.calls.slice(before);
      expect(calls.map((call) => new URL(call.url).pathname.split("/").at(-1))).toEqual(["Authorize"]);
      const firstAuthorize = guard.calls.slice(0, before).findLast((call) => call.url.endsWith("/Authorize"));
      expect(calls[0]?.headers.get("flinks-auth-key")).toBe(firstAuthorize?.headers.get("flinks-auth-key"));
      expect(JSON.parse(calls[0]?.body ?? "{}")).toEqual({
        RequestId: example.value.RequestId,
        SecurityResponses: Object.fromEntries(responses.map(({ prompt, answers }) => [prompt, answers])),
      });
    },
  );

  test("a wrong answer: MfaRejectedError with Flinks' code and RequestId", async () => {
    const mfa = await startMfa("code=203, example=mfaQuestionAndAnswer");
    const rejected = examplesOf("authorize").find((example) => example.name === "INVALID_SECURITY_RESPONSE");
    const response = await graphql(
      gateway,
      SUBMIT_MFA,
      {
        input: {
          handle: mfa.handle,
          responses: [{ prompt: mfa.challenges[0]?.prompt, answers: ["Circle"] }],
        },
      },
      { prefer: String(rejected?.prefer) },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.submitMfa).toEqual({
      __typename: "MfaRejectedError",
      code: "INVALID_SECURITY_RESPONSE",
      flinksCode: "INVALID_SECURITY_RESPONSE",
      flinksRequestId: rejected?.value.RequestId,
      message: rejected?.value.Message,
      retryable: false,
    });
  });

  test("another 203 on the answer call: a new MfaRequired whose handle answers the next round", async () => {
    const first = await startMfa("code=203, example=mfaQuestionAndAnswer");
    const second = await graphql(
      gateway,
      SUBMIT_MFA,
      {
        input: {
          handle: first.handle,
          responses: [{ prompt: first.challenges[0]?.prompt, answers: ["Triangle"] }],
        },
      },
      { prefer: "code=203, example=mfaMultipleChoice" },
    );
    const next = second.body.data?.submitMfa;
    expect(next).toMatchObject({
      __typename: "MfaRequired",
      requestId: multipleChoice?.value.RequestId,
    });
    expect(next?.handle).not.toBe(first.handle);
    const third = await graphql(gateway, SUBMIT_MFA, {
      input: {
        handle: next?.handle,
        responses: [{ prompt: "Where should we send your one-time code?", answers: ["Text ***-***-1234"] }],
      },
    });
    expect(third.body.data?.submitMfa?.__typename).toBe("Authorized");
    expect(JSON.parse(guard.calls.at(-1)?.body ?? "{}").RequestId).toBe(multipleChoice?.value.RequestId);
  });
});
