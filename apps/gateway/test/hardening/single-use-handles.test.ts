import { describe, expect, test } from "vitest";
import {
  AUTHORIZE,
  authorized,
  fakeUpstream,
  graphql,
  LOGIN_ID,
  mfaRequired,
  SUBMIT_MFA,
  testGateway,
  type UpstreamAnswer,
  type UpstreamCall,
} from "../harness.js";

// An MFA handle carries answers to a bank. A red team replayed one handle three times within its
// 15 minutes and all three calls reached Flinks; and an ACCESS_DENIED on an answer call raised the
// operators' alarm (GatewayAccessDeniedError) for what is the consumer's stale session.

const answerCalls = (calls: UpstreamCall[]) => calls.filter((call) => call.body?.SecurityResponses);

async function mfaStarted(answer: (call: UpstreamCall) => UpstreamAnswer, env: Record<string, string> = {}) {
  const upstream = fakeUpstream({
    authorize: (call) => (call.body?.SecurityResponses ? answer(call) : { status: 203, body: mfaRequired() }),
  });
  const gateway = testGateway(upstream, env);
  const started = await graphql(gateway, AUTHORIZE, {
    input: { loginId: LOGIN_ID, mostRecentCached: false },
  });
  const handle = String(started.body.data?.authorize?.handle);
  const input = { handle, responses: [{ prompt: "What shape do people like most?", answers: ["Triangle"] }] };
  return { upstream, gateway, input };
}

describe("an MFA handle answers once", () => {
  test("a replayed handle is refused before it reaches Flinks", async () => {
    const { upstream, gateway, input } = await mfaStarted(() => ({ status: 200, body: authorized }));
    const first = await graphql(gateway, SUBMIT_MFA, { input });
    expect(first.body.data?.submitMfa?.__typename).toBe("Authorized");
    for (let replay = 0; replay < 2; replay++) {
      const again = await graphql(gateway, SUBMIT_MFA, { input });
      expect(again.body.data?.submitMfa).toMatchObject({
        __typename: "SessionError",
        code: "SESSION_EXPIRED",
        retryable: false,
      });
      expect(String(again.body.data?.submitMfa?.message)).toMatch(/already used/);
    }
    expect(answerCalls(upstream.calls)).toHaveLength(1);
    await gateway.close();
  });

  test("a wrong answer spends the handle too; the next try uses the new MfaRequired's handle", async () => {
    let attempt = 0;
    const { upstream, gateway, input } = await mfaStarted(() =>
      ++attempt === 1 ? { status: 203, body: mfaRequired() } : { status: 200, body: authorized },
    );
    const first = await graphql(gateway, SUBMIT_MFA, { input });
    expect(first.body.data?.submitMfa?.__typename).toBe("MfaRequired");
    const replay = await graphql(gateway, SUBMIT_MFA, { input });
    expect(replay.body.data?.submitMfa?.__typename).toBe("SessionError");
    const next = await graphql(gateway, SUBMIT_MFA, {
      input: { ...input, handle: String(first.body.data?.submitMfa?.handle) },
    });
    expect(next.body.data?.submitMfa?.__typename).toBe("Authorized");
    expect(answerCalls(upstream.calls)).toHaveLength(2);
    await gateway.close();
  });

  test("ACCESS_DENIED on an answer call is the consumer's SessionError, not an operator alarm", async () => {
    const { gateway, input } = await mfaStarted(() => ({
      status: 401,
      body: {
        HttpStatusCode: 401,
        FlinksCode: "ACCESS_DENIED",
        Message: "You must provide a valid authorize token",
      },
    }));
    const response = await graphql(gateway, SUBMIT_MFA, { input });
    expect(response.body.data?.submitMfa).toMatchObject({
      __typename: "SessionError",
      code: "ACCESS_DENIED",
      retryable: false,
    });
    await gateway.close();
  });
});
