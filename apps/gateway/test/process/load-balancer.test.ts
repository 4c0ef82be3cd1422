import { randomUUID } from "node:crypto";
import { type FakeFlinks, type FlinksCall, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { mfaRequired, specExample, tokenAnswer } from "@flinks-authorize/kit/fixtures";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import {
  HAPROXY_INSTALL_HINT,
  type Haproxy,
  haproxyBinary,
  SERVED_BY_HEADER,
  startHaproxy,
} from "@flinks-authorize/kit/haproxy";
import { sleep, waitFor } from "@flinks-authorize/kit/ports";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AUTHORIZE, CALLER_KEY, CONTINUE, FOLLOW, LOGIN_ID, SUBMIT_MFA } from "../harness.js";

/**
 * Three gateway replicas (the production bundle) behind Debian's HAProxy, round-robin with no sticky
 * sessions, against the kit's fake Flinks. The balancer names the replica that answered in
 * `x-served-by` (its server name); each replica's access log corroborates it by request id. What a
 * handle carries on the wire, and a replica with another secret key refusing it, are proven without a
 * balancer in two-instances.test.ts.
 */

const SECRET_KEY = `replicas-secret-${randomUUID()}`;
const REPLICAS = ["r1", "r2", "r3"] as const;
const MFA_LOGIN = randomUUID();
const PENDING_LOGIN = randomUUID();
const PROMPT = mfaRequired.SecurityChallenges[0]?.Prompt ?? "";
const pendingAnswer = specExample("authorize", "OPERATION_PENDING");
const PENDING_REQUEST_ID = (pendingAnswer.value as { RequestId: string }).RequestId;

let upstream: FakeFlinks;
let balancer: Haproxy;
const replicas = new Map<string, GatewayProcess>();
let asyncPolls = 0;

/**
 * A token of its own per mint; MFA_LOGIN answers 203 until its answers arrive; PENDING_LOGIN answers
 * 202, and its polls (AuthorizeAsync) 202 once more, then 200. Every other login is Authorized.
 */
const script = (call: FlinksCall) => {
  if (call.operation === "GenerateAuthorizeToken") {
    return { status: 200, body: { ...tokenAnswer, Token: `token-${randomUUID()}` } };
  }
  if (call.operation === "AuthorizeAsync") {
    asyncPolls++;
    return asyncPolls === 1 ? { status: 202, body: pendingAnswer.value } : undefined;
  }
  if (call.body?.LoginId === MFA_LOGIN) return { status: 203, body: mfaRequired };
  if (call.body?.LoginId === PENDING_LOGIN) return { status: 202, body: pendingAnswer.value };
  return undefined;
};

interface Answer {
  status: number;
  servedBy: string;
  requestId: string;
  text: string;
}

/** One GraphQL POST through the balancer, with a request id of our own to find in the replicas' logs. */
async function viaBalancer(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const requestId = `lb-${randomUUID()}`;
  const response = await fetch(`${balancer.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${CALLER_KEY}`,
      "x-request-id": requestId,
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000),
  });
  return {
    status: response.status,
    servedBy: response.headers.get(SERVED_BY_HEADER) ?? "",
    requestId,
    text: await response.text(),
  };
}

const resultOf = (answer: Answer, field: string) => {
  expect(answer.status, answer.text).toBe(200);
  const body = JSON.parse(answer.text) as {
    data?: Record<string, Record<string, unknown>>;
    errors?: unknown;
  };
  expect(body.errors, answer.text).toBeUndefined();
  return body.data?.[field] ?? {};
};

/** The replicas whose access log holds this request id: exactly the one the balancer named. */
async function loggedBy(requestId: string): Promise<string[]> {
  await waitFor(() => [...replicas.values()].some((replica) => replica.stdout().includes(requestId)), {
    timeoutMs: 2_000,
  });
  return [...replicas].filter(([, replica]) => replica.stdout().includes(requestId)).map(([name]) => name);
}

describe.skipIf(!haproxyBinary())(
  `three replicas behind HAProxy (${HAPROXY_INSTALL_HINT} to run these)`,
  () => {
    beforeAll(async () => {
      upstream = await startFakeFlinks();
      upstream.script = script;
      const started = await Promise.all(
        REPLICAS.map(() =>
          startGateway({
            entry: inject("gatewayBundle"),
            env: {
              NODE_ENV: "production",
              FLINKS_BASE_URL: upstream.url,
              FLINKS_SECRET_KEY: SECRET_KEY,
              GATEWAY_API_KEYS: CALLER_KEY,
              // Each upstream call is counted: no background minting.
              FLINKS_POLL_INTERVAL_MS: "200",
              // Per-process limits would refuse the load below; shared limits are shared-limits.test.ts's.
              GATEWAY_RATE_LIMITS: "off",
              // The access log: which replica saw which request id.
              LOG_LEVEL: "info",
            },
          }),
        ),
      );
      for (const [index, name] of REPLICAS.entries()) replicas.set(name, started[index] as GatewayProcess);
      balancer = await startHaproxy({
        backends: REPLICAS.map((name) => ({ name, port: replicas.get(name)?.port ?? 0 })),
        serverTimeoutMs: 30_000,
        checkIntervalMs: 300,
      });
    }, 60_000);

    afterAll(async () => {
      await balancer?.stop();
      await Promise.all([...replicas.values()].map((replica) => replica.stop()));
      await upstream?.close();
    }, 20_000);

    it("an MFA round trip: authorize and submitMfa land on different replicas, one token", async () => {
      upstream.calls.length = 0;
      const first = await viaBalancer(AUTHORIZE, { input: { loginId: MFA_LOGIN, mostRecentCached: false } });
      const challenge = resultOf(first, "authorize");
      expect(challenge).toMatchObject({ __typename: "MfaRequired" });

      const second = await viaBalancer(SUBMIT_MFA, {
        input: { handle: challenge.handle, responses: [{ prompt: PROMPT, answers: ["Triangle"] }] },
      });
      expect(resultOf(second, "submitMfa")).toMatchObject({ __typename: "Authorized" });

      expect(REPLICAS).toContain(first.servedBy);
      expect(REPLICAS).toContain(second.servedBy);
      expect(second.servedBy).not.toBe(first.servedBy);
      expect(await loggedBy(first.requestId)).toEqual([first.servedBy]);
      expect(await loggedBy(second.requestId)).toEqual([second.servedBy]);
      // The second replica answered with the first one's token: one mint, two Authorize calls.
      const operations = upstream.calls.map(({ operation }) => operation);
      expect(operations).toEqual(["GenerateAuthorizeToken", "Authorize", "Authorize"]);
      expect(upstream.calls[2]?.headers["flinks-auth-key"]).toBe(
        upstream.calls[1]?.headers["flinks-auth-key"],
      );
    });

    it("a Pending continues on another replica by continueAuthorization, and on a third by the subscription", async () => {
      upstream.calls.length = 0;
      asyncPolls = 0;
      const started = await viaBalancer(AUTHORIZE, { input: { loginId: PENDING_LOGIN } });
      const pending = resultOf(started, "authorize");
      expect(pending).toMatchObject({ __typename: "Pending", requestId: PENDING_REQUEST_ID });

      const polled = await viaBalancer(CONTINUE, { input: { handle: pending.handle } });
      const stillPending = resultOf(polled, "continueAuthorization");
      expect(stillPending).toMatchObject({ __typename: "Pending", requestId: PENDING_REQUEST_ID });

      // Server-sent events through the balancer: the stream stays open across polls until Authorized.
      const followed = await viaBalancer(
        FOLLOW,
        { handle: stillPending.handle },
        { accept: "text/event-stream" },
      );
      expect(followed.status, followed.text).toBe(200);
      const results = followed.text
        .split("\n\n")
        .filter((event) => event.startsWith("event: next"))
        .map((event) => JSON.parse(event.slice(event.indexOf("data: ") + 6)).data.authorization);
      expect(results.at(-1)).toMatchObject({ __typename: "Authorized" });
      expect(followed.text).toContain("event: complete");

      expect(new Set([started.servedBy, polled.servedBy, followed.servedBy]).size).toBe(3);
      for (const answer of [started, polled, followed]) {
        expect(await loggedBy(answer.requestId)).toEqual([answer.servedBy]);
      }
      // Started on Authorize, continued on AuthorizeAsync with the first token throughout.
      const [mint, ...session] = upstream.calls;
      expect(mint?.operation).toBe("GenerateAuthorizeToken");
      expect(session.map(({ operation }) => operation)).toEqual([
        "Authorize",
        "AuthorizeAsync",
        "AuthorizeAsync",
      ]);
      expect(new Set(session.map((call) => call.headers["flinks-auth-key"])).size).toBe(1);
    });

    it("a replica killed mid-run: only its requests in flight fail, none is sent to Flinks twice", async () => {
      const TOTAL = 240;
      const CONCURRENCY = 12;
      upstream.calls.length = 0;
      upstream.latencyMs.Authorize = 100;
      const victim = "r2";
      let killedAt = Number.POSITIVE_INFINITY;
      interface Outcome {
        loginId: string;
        startedAt: number;
        status: number | "no answer";
        servedBy: string;
        typename?: string;
      }
      const outcomes: Outcome[] = [];
      let next = 0;
      const client = async () => {
        while (next < TOTAL) {
          const index = next++;
          if (index === TOTAL / 3) {
            replicas.get(victim)?.signal("SIGKILL");
            killedAt = performance.now();
          }
          const loginId = randomUUID();
          const startedAt = performance.now();
          try {
            const answer = await viaBalancer(AUTHORIZE, { input: { loginId } });
            const typename =
              answer.status === 200 ? JSON.parse(answer.text).data?.authorize?.__typename : undefined;
            outcomes.push({ loginId, startedAt, status: answer.status, servedBy: answer.servedBy, typename });
          } catch {
            outcomes.push({ loginId, startedAt, status: "no answer", servedBy: "" });
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: CONCURRENCY }, client));
      } finally {
        upstream.latencyMs.Authorize = 0;
      }

      const succeeded = outcomes.filter(
        ({ status, typename }) => status === 200 && typename === "Authorized",
      );
      const failed = outcomes.filter((outcome) => !succeeded.includes(outcome));
      // The kill is sent at killedAt and takes effect a moment later: the boundary is the exit itself.
      const diedAt = (await replicas.get(victim)?.exited)?.at ?? killedAt;
      const stats = await balancer.serverStats();
      console.log(
        `killed ${victim} after ${TOTAL / 3} of ${TOTAL} authorizes at concurrency ${CONCURRENCY}: ` +
          `${succeeded.length} Authorized, ${failed.length} failed (${failed.map(({ status, startedAt }) => `${status} at ${Math.round(startedAt - diedAt)} ms`).join(", ")}); ` +
          `HAProxy: ${stats.map(({ name, status, retries, redispatches }) => `${name} ${status} retries ${retries} redispatches ${redispatches}`).join("; ")}`,
      );

      // Every request has an outcome; the only failures are requests already in flight at the kill. The
      // balancer answers one the victim dropped 502, or, when it went over a reused server connection,
      // closes the client's connection with no answer (HAProxy's way of letting a client retry what it
      // knows to be safe): either way it resends nothing itself.
      expect(outcomes).toHaveLength(TOTAL);
      expect(failed.length).toBeLessThanOrEqual(CONCURRENCY);
      for (const outcome of failed) {
        expect(outcome.startedAt).toBeLessThan(diedAt);
        if (outcome.status === "no answer") continue;
        expect(outcome).toMatchObject({ status: 502, servedBy: victim });
      }
      // After the kill the balancer routed around the dead replica: its health check took it out.
      expect(stats.find(({ name }) => name === victim)?.status).toMatch(/^DOWN/);
      // Before the check noticed, connections to it were refused and those requests sent elsewhere.
      expect(stats.find(({ name }) => name === victim)?.redispatches).toBeGreaterThan(0);
      const afterKill = outcomes.filter(({ startedAt }) => startedAt > diedAt);
      expect(afterKill.length).toBeGreaterThan(TOTAL / 2);
      expect(afterKill.every(({ servedBy }) => servedBy !== victim)).toBe(true);

      // At most once at Flinks: no login reached Authorize twice, and every Authorized one exactly once.
      const seen = new Map<string, number>();
      for (const call of upstream.calls) {
        if (call.operation !== "Authorize") continue;
        const loginId = String(call.body?.LoginId);
        seen.set(loginId, (seen.get(loginId) ?? 0) + 1);
      }
      expect([...seen.values()].filter((count) => count > 1)).toEqual([]);
      for (const { loginId } of succeeded) expect(seen.get(loginId)).toBe(1);
    }, 60_000);

    it("the killed replica's slot stays down; the survivors keep answering", async () => {
      await sleep(100);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => viaBalancer(AUTHORIZE, { input: { loginId: LOGIN_ID } })),
      );
      for (const answer of answers) {
        expect(resultOf(answer, "authorize")).toMatchObject({ __typename: "Authorized" });
        expect(["r1", "r3"]).toContain(answer.servedBy);
      }
    });
  },
);
