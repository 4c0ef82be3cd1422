import { randomUUID } from "node:crypto";
import { type FakeFlinks, type FlinksCall, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { LOGIN_ID, mfaRequired, specExample } from "@flinks-authorize/kit/fixtures";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import { waitFor } from "@flinks-authorize/kit/ports";
import {
  REDIS_INSTALL_HINT,
  type RedisServer,
  redisServerBinary,
  startRedis,
} from "@flinks-authorize/kit/redis";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { postGraphQL } from "./support.js";

/**
 * Limits and single-use MFA handles shared by two gateway processes (the production bundle) through a
 * real redis-server on loopback, against a fake Flinks that counts what reaches it: a scripted
 * credential-stuffing run, a handle replayed on the other replica, and Redis killed mid-run with one
 * replica falling back to its own memory and another refusing (GATEWAY_REDIS_OUTAGE).
 */

const STUFFER_KEY = "stuffer-key-0123456789abcdef";
const APP_KEY = "app-key-0123456789abcdefgh";
const KEYS = `stuffer:${STUFFER_KEY},app:${APP_KEY}`;
const invalidPassword = specExample("authorize", "INVALID_PASSWORD").value;
const PROMPT = mfaRequired.SecurityChallenges[0]?.Prompt ?? "";

const RESULT = `
  __typename
  ... on MfaRequired { handle }
  ... on Error { message retryable }
  ... on RateLimitedError { retryAfterSeconds scope }
  ... on GatewayBusyError { retryAfterSeconds }
`;
const AUTHORIZE = `mutation ($input: AuthorizeInput!) { authorize(input: $input) { ${RESULT} } }`;
const SUBMIT_MFA = `mutation ($input: SubmitMfaInput!) { submitMfa(input: $input) { ${RESULT} } }`;

let redis: RedisServer | undefined;
let upstream: FakeFlinks;
let a: GatewayProcess;
let b: GatewayProcess;
let refusing: GatewayProcess;
const started: GatewayProcess[] = [];

/** Usernames starting with "wrong-" get INVALID_PASSWORD; a LoginId gets a 203 until it is answered. */
const script = (call: FlinksCall) => {
  if (call.operation !== "Authorize") return undefined;
  if (String(call.body?.Username ?? "").startsWith("wrong-")) return { status: 401, body: invalidPassword };
  if (call.body?.LoginId !== undefined) return { status: 203, body: mfaRequired };
  return undefined;
};

const authorize = async (gateway: GatewayProcess, input: Record<string, unknown>, key = APP_KEY) =>
  (await postGraphQL(gateway.port, AUTHORIZE, { input }, { authorization: `Bearer ${key}` })).authorize;
const login = (username: string) => ({ institution: "FlinksCapital", username, password: "guess" });
const reachedFlinks = (username: string) =>
  upstream.calls.filter((call) => call.operation === "Authorize" && call.body?.Username === username).length;

describe.skipIf(!redisServerBinary())(
  `limits shared through Redis (${REDIS_INSTALL_HINT} to run these)`,
  () => {
    beforeAll(async () => {
      [redis, upstream] = await Promise.all([startRedis(), startFakeFlinks()]);
      upstream.script = script;
      const env = (extra: Record<string, string> = {}) => ({
        NODE_ENV: "test",
        LOG_LEVEL: "info",
        FLINKS_BASE_URL: upstream.url,
        FLINKS_SECRET_KEY: `shared-secret-${randomUUID()}`,
        GATEWAY_API_KEYS: KEYS,
        REDIS_URL: redis?.url ?? "",
        // Failed logins cost 4 points: a consumer's stuffing run stops after 5.
        GATEWAY_LIMIT_KEY_LIVE_PER_HOUR: "20",
        ...extra,
      });
      const shared = env();
      const gateway = (extra: Record<string, string> = {}) =>
        startGateway({ entry: inject("gatewayBundle"), env: { ...shared, ...extra } });
      [a, b, refusing] = await Promise.all([
        gateway(),
        gateway(),
        gateway({ GATEWAY_REDIS_OUTAGE: "refuse" }),
      ]);
      started.push(a, b, refusing);
    }, 90_000);

    afterAll(async () => {
      await Promise.all(started.map((gateway) => gateway.stop()));
      await redis?.stop();
      await upstream?.close();
    }, 30_000);

    test("one username, many attempts across both replicas: 3 reach Flinks, every other is a typed refusal", async () => {
      const results = [];
      for (let attempt = 0; attempt < 10; attempt++) {
        results.push(await authorize(attempt % 2 === 0 ? a : b, login("wrong-victim")));
      }
      expect(results.slice(0, 3).map((result) => result?.__typename)).toEqual(
        Array(3).fill("InvalidCredentialsError"),
      );
      for (const refused of results.slice(3)) {
        expect(refused).toMatchObject({ __typename: "RateLimitedError", scope: "END_USER", retryable: true });
      }
      expect(reachedFlinks("wrong-victim")).toBe(3);
    });

    test("many usernames from one consumer across both replicas: cut off after 5 failed logins", async () => {
      const before = upstream.count("GenerateAuthorizeToken");
      const results = [];
      for (let user = 0; user < 12; user++) {
        results.push(await authorize(user % 2 === 0 ? a : b, login(`wrong-user-${user}`), STUFFER_KEY));
      }
      expect(results.filter((result) => result?.__typename === "InvalidCredentialsError")).toHaveLength(5);
      for (const refused of results.slice(5)) {
        expect(refused).toMatchObject({ __typename: "RateLimitedError", scope: "CONSUMER", retryable: true });
      }
      // Nothing at all reached Flinks for a refused call: no token either.
      expect(upstream.count("GenerateAuthorizeToken") - before).toBe(5);
      // Another consumer is not held back by the stuffer's budget.
      expect((await authorize(b, login("greatday")))?.__typename).toBe("Authorized");
    });

    test("an MFA handle spent on one replica is refused on the other, before Flinks", async () => {
      const challenge = await authorize(a, { loginId: LOGIN_ID });
      expect(challenge?.__typename).toBe("MfaRequired");
      const input = { handle: challenge?.handle, responses: [{ prompt: PROMPT, answers: ["Triangle"] }] };
      const answers = () =>
        upstream.calls.filter((call) => call.body?.SecurityResponses !== undefined).length;
      const answered = await postGraphQL(
        a.port,
        SUBMIT_MFA,
        { input },
        { authorization: `Bearer ${APP_KEY}` },
      );
      expect(answered.submitMfa?.__typename).toBe("Authorized");
      const replayed = await postGraphQL(
        b.port,
        SUBMIT_MFA,
        { input },
        { authorization: `Bearer ${APP_KEY}` },
      );
      expect(replayed.submitMfa).toMatchObject({ __typename: "SessionError", retryable: false });
      expect(String(replayed.submitMfa?.message)).toMatch(/already used/);
      expect(answers()).toBe(1);
    });

    test("Redis killed mid-run: fallback replicas keep serving on their own memory, the refusing one refuses; both recover", async () => {
      const server = redis;
      if (!server) throw new Error("no Redis");
      server.signal("SIGKILL");
      await server.exited;
      const saysUnreachable = (gateway: GatewayProcess) => /Redis unreachable/.test(gateway.stdout());
      expect(await waitFor(() => started.every(saysUnreachable), { timeoutMs: 10_000, intervalMs: 50 })).toBe(
        true,
      );
      expect(a.stdout()).toMatch(
        /Redis unreachable: limits fall back to this process's memory .*; MFA answers are refused busy meanwhile/,
      );
      expect(refusing.stdout()).toMatch(/Redis unreachable: session calls are refused until it answers/);

      // Fallback (the default): served, and limits still hold, per process.
      expect((await authorize(a, login("greatday")))?.__typename).toBe("Authorized");
      const onA = [];
      for (let attempt = 0; attempt < 4; attempt++)
        onA.push((await authorize(a, login("wrong-during-outage")))?.__typename);
      expect(onA).toEqual([
        "InvalidCredentialsError",
        "InvalidCredentialsError",
        "InvalidCredentialsError",
        "RateLimitedError",
      ]);
      // Refuse: a typed, retryable refusal, and nothing sent.
      const before = upstream.calls.length;
      expect(await authorize(refusing, login("greatday"))).toMatchObject({
        __typename: "GatewayBusyError",
        retryable: true,
        retryAfterSeconds: 5,
      });
      expect(upstream.calls.length).toBe(before);

      // Redis back on the same port: the refusing replica serves again once its client reconnects.
      redis = await startRedis({ port: server.port });
      const serves = async () => (await authorize(refusing, login("greatday")))?.__typename === "Authorized";
      expect(await waitFor(serves, { timeoutMs: 20_000, intervalMs: 250 })).toBe(true);
      expect(
        await waitFor(() => /Redis reachable again/.test(a.stdout()), { timeoutMs: 20_000, intervalMs: 100 }),
      ).toBe(true);
    }, 60_000);

    test("Redis stalled, then restarted empty: no MFA answer reaches Flinks twice, and none is sent unvouched", async () => {
      const server = redis;
      if (!server) throw new Error("no Redis");
      const auth = { authorization: `Bearer ${APP_KEY}` };
      const answer = (gateway: GatewayProcess, handle: unknown) =>
        postGraphQL(
          gateway.port,
          SUBMIT_MFA,
          { input: { handle, responses: [{ prompt: PROMPT, answers: ["Triangle"] }] } },
          auth,
        ).then((result) => result.submitMfa);
      const challenge = async () => {
        const result = await authorize(a, { loginId: randomUUID() });
        expect(result?.__typename).toBe("MfaRequired");
        return result?.handle;
      };
      const answersSent = () =>
        upstream.calls.filter((call) => call.body?.SecurityResponses !== undefined).length;
      // In fallback, authorize serves whether Redis answers or not: B's log says when it is back.
      expect(
        await waitFor(() => /Redis reachable again/.test(b.stdout()), { timeoutMs: 20_000, intervalMs: 100 }),
      ).toBe(true);
      const used = await challenge();
      const unused = await challenge();
      expect((await answer(a, used))?.__typename).toBe("Authorized");
      const sentBefore = answersSent();

      // Stalled: every command times out. A replay and a first answer alike are refused busy, unsent.
      server.signal("SIGSTOP");
      try {
        expect(await answer(b, used)).toMatchObject({ __typename: "GatewayBusyError", retryable: true });
        expect(await answer(b, unused)).toMatchObject({ __typename: "GatewayBusyError", retryable: true });
        expect(answersSent()).toBe(sentBefore);
      } finally {
        server.signal("SIGCONT");
      }

      // Restarted empty: the markers are gone, so handles sealed before cannot be vouched for.
      server.signal("SIGKILL");
      await server.exited;
      redis = await startRedis({ port: server.port });
      // Once both replicas read the new store's epoch, a handle issued now answers as usual (until then it
      // is refused unsent, like the old ones): the one answer that reaches Flinks after the restart.
      const freshAnswered = async () => (await answer(b, await challenge()))?.__typename === "Authorized";
      expect(await waitFor(freshAnswered, { timeoutMs: 20_000, intervalMs: 250 })).toBe(true);
      expect((await answer(b, used))?.__typename).toBe("SessionError");
      expect((await answer(b, unused))?.__typename).toBe("SessionError");
      expect(answersSent()).toBe(sentBefore + 1);
    }, 90_000);
  },
);
