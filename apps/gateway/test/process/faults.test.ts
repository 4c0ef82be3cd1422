import { randomUUID } from "node:crypto";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import {
  HAPROXY_INSTALL_HINT,
  type Haproxy,
  haproxyBinary,
  SERVED_BY_HEADER,
  startHaproxy,
} from "@flinks-authorize/kit/haproxy";
import { freePort, sleep, waitFor } from "@flinks-authorize/kit/ports";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AUTHORIZE, CALLER_KEY } from "../harness.js";

/**
 * Fault runs as operators deploy the gateway: three replicas of the production bundle behind HAProxy
 * running the shipped configuration (deploy/haproxy/haproxy.cfg, with a faster health check so the run
 * stays short, and a drain delay kept above the time that check takes to mark a replica down), a fake
 * Flinks that answers Authorize in 1.5 s and records every call, and callers in closed loops, each request
 * with a LoginId and request id of its own. Every answer is matched with what Flinks received, and what
 * was lost is counted: a caller with no typed answer, an Authorize no caller received, a login sent twice.
 * Bounded versions of the runs in issue 20 (30 callers instead of 300); FAULT_CALLERS raises them.
 */

const CALLERS = Number(process.env.FAULT_CALLERS ?? 30);
const AUTHORIZE_MS = 1_500;
const CHECK_INTERVAL_MS = 300;
/** Above the balancer's fall (3 checks × CHECK_INTERVAL_MS): it marks the replica down first. */
const DRAIN_DELAY_MS = Number(process.env.FAULT_DRAIN_DELAY_MS ?? 2_000);
const SECRET_KEY = `faults-secret-${randomUUID()}`;
const NAMES = ["r1", "r2", "r3"] as const;

let upstream: FakeFlinks;
let balancer: Haproxy;
const ports = new Map<string, number>();
const replicas = new Map<string, GatewayProcess>();

const replicaEnv = {
  NODE_ENV: "production",
  FLINKS_SECRET_KEY: SECRET_KEY,
  GATEWAY_API_KEYS: CALLER_KEY,
  GATEWAY_RATE_LIMITS: "off",
  GATEWAY_DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
  GATEWAY_SHUTDOWN_GRACE_MS: process.env.FAULT_GRACE_MS ?? "10000",
  // A hung Flinks is answered UpstreamTimeoutError within this (a cached Authorize's budget).
  FLINKS_TIMEOUT_MS: "2000",
};

const startReplica = (name: string) =>
  startGateway({
    entry: inject("gatewayBundle"),
    port: ports.get(name),
    env: { ...replicaEnv, FLINKS_BASE_URL: upstream.url },
  });

interface Outcome {
  loginId: string;
  requestId: string;
  /** HTTP status, or 0 when the connection ended with no answer. */
  status: number;
  /** The result's __typename, when the answer was a GraphQL result. */
  typename?: string;
  retryable?: boolean;
  servedBy: string;
  /** performance.now() when the request was sent. */
  sentAt: number;
}

/** One authorize through the balancer, with a LoginId and request id of its own. */
async function call(): Promise<Outcome> {
  const loginId = randomUUID();
  const requestId = `fault-${randomUUID()}`;
  const sentAt = performance.now();
  try {
    const response = await fetch(`${balancer.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${CALLER_KEY}`,
        "x-request-id": requestId,
      },
      body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId } } }),
      signal: AbortSignal.timeout(30_000),
    });
    const servedBy = response.headers.get(SERVED_BY_HEADER) ?? "";
    const text = await response.text();
    let result: { __typename?: string; retryable?: boolean } | undefined;
    try {
      result = (JSON.parse(text) as { data?: { authorize?: typeof result } }).data?.authorize;
    } catch {
      // Not JSON: the balancer's own page.
    }
    return {
      loginId,
      requestId,
      status: response.status,
      typename: result?.__typename,
      retryable: result?.retryable,
      servedBy,
      sentAt,
    };
  } catch {
    return { loginId, requestId, status: 0, servedBy: "", sentAt };
  }
}

/** CALLERS closed loops until `until` resolves; every outcome. */
async function load(until: Promise<unknown>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let done = false;
  void until.finally(() => {
    done = true;
  });
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, index) => {
      await sleep((index * AUTHORIZE_MS) / CALLERS);
      while (!done) outcomes.push(await call());
    }),
  );
  return outcomes;
}

/** What Flinks received for these callers' logins: Authorize calls per LoginId. */
function authorizesByLogin(outcomes: Outcome[]): Map<string, number> {
  const ours = new Set(outcomes.map((outcome) => outcome.loginId));
  const seen = new Map<string, number>();
  for (const received of upstream.calls) {
    const loginId = received.body?.LoginId;
    if (received.operation !== "Authorize" || typeof loginId !== "string" || !ours.has(loginId)) continue;
    seen.set(loginId, (seen.get(loginId) ?? 0) + 1);
  }
  return seen;
}

const allUp = async () =>
  (await balancer.serverStats()).filter((server) => server.status === "UP").length === NAMES.length;

describe.skipIf(!haproxyBinary())(`fault runs behind HAProxy (${HAPROXY_INSTALL_HINT} to run these)`, () => {
  beforeAll(async () => {
    upstream = await startFakeFlinks({ latencyMs: { GenerateAuthorizeToken: 50, Authorize: AUTHORIZE_MS } });
    for (const name of NAMES) ports.set(name, await freePort());
    const started = await Promise.all(NAMES.map(startReplica));
    for (const [index, name] of NAMES.entries()) replicas.set(name, started[index] as GatewayProcess);
    balancer = await startHaproxy({
      backends: NAMES.map((name) => ({ name, port: ports.get(name) as number })),
      checkIntervalMs: CHECK_INTERVAL_MS,
    });
  }, 60_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all([...replicas.values()].map((replica) => replica.stop()));
    await upstream?.close();
  });

  it("a rolling restart loses no caller and sends no login twice", async () => {
    upstream.reset();
    const rollout = (async () => {
      await sleep(AUTHORIZE_MS * 2);
      for (const name of NAMES) {
        const replica = replicas.get(name) as GatewayProcess;
        replica.signal("SIGTERM");
        const exit = await replica.exited;
        expect(exit.code, replica.output()).toBe(0);
        replicas.set(name, await startReplica(name));
        expect(await waitFor(allUp, { timeoutMs: 10_000, intervalMs: 100 })).toBe(true);
      }
      await sleep(AUTHORIZE_MS * 2);
    })();
    const outcomes = await load(rollout);
    await rollout;

    const lost = outcomes.filter((outcome) => outcome.typename !== "Authorized");
    const sent = authorizesByLogin(outcomes);
    const twice = [...sent.values()].filter((count) => count > 1).length;
    const unreceived = [...sent.keys()].filter(
      (loginId) => !outcomes.some((outcome) => outcome.loginId === loginId && outcome.status === 200),
    );
    console.log(
      `rolling restart: ${outcomes.length} callers, ${lost.length} without an Authorized answer, ` +
        `${sent.size} logins at Flinks, ${twice} sent twice, ${unreceived.length} answered at Flinks but not received`,
    );
    expect(outcomes.length).toBeGreaterThan(CALLERS * 3);
    expect(lost).toEqual([]);
    expect(twice).toBe(0);
    expect(unreceived).toEqual([]);
    expect(sent.size).toBe(outcomes.length);
  }, 120_000);

  it("a starved replica starts no Authorize for callers who left while it could not run", async () => {
    upstream.reset();
    // Starvation at its extreme: the process gets no CPU at all (SIGSTOP) while callers arrive, wait 1.5 s
    // and leave; then it runs again with their requests in its socket buffers.
    const starved = await startGateway({
      entry: inject("gatewayBundle"),
      env: { ...replicaEnv, FLINKS_BASE_URL: upstream.url },
    });
    try {
      starved.signal("SIGSTOP");
      const gone = Array.from({ length: CALLERS }, async () => {
        const loginId = randomUUID();
        const answered = await fetch(`${starved.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}` },
          body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId } } }),
          signal: AbortSignal.timeout(1_500),
        }).then(
          () => true,
          () => false,
        );
        return { loginId, answered };
      });
      const callers = await Promise.all(gone);
      await sleep(1_000);
      starved.signal("SIGCONT");
      // Long enough for anything it would still send to reach Flinks.
      await sleep(AUTHORIZE_MS * 2);
      const left = new Set<string>(callers.filter((one) => !one.answered).map((one) => one.loginId));
      const authorizes = upstream.calls.filter(
        (received) => received.operation === "Authorize" && left.has(String(received.body?.LoginId)),
      ).length;
      const mints = upstream.calls.filter(
        (received) => received.operation === "GenerateAuthorizeToken",
      ).length;
      console.log(
        `starved replica: ${left.size} of ${callers.length} callers left unanswered; afterwards ${authorizes} ` +
          `Authorize and ${mints} token mints reached Flinks`,
      );
      expect(left.size).toBe(CALLERS);
      expect(authorizes).toBe(0);
      // And it serves again.
      const after = await fetch(`${starved.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}` },
        body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: randomUUID() } } }),
      });
      expect(await after.text()).toContain("Authorized");
    } finally {
      starved.signal("SIGCONT");
      await starved.stop();
    }
  }, 60_000);

  it("a Flinks outage (edge 502 pages, then a hang) is a typed, retryable answer from a replica, never the balancer's page", async () => {
    upstream.reset();
    let recoveredAt = Number.POSITIVE_INFINITY;
    const outage = (async () => {
      await sleep(AUTHORIZE_MS);
      upstream.faults.Authorize = "notJson";
      await sleep(2_000);
      upstream.faults.Authorize = "hang";
      await sleep(3_000);
      upstream.faults.Authorize = "ok";
      recoveredAt = performance.now();
      await sleep(AUTHORIZE_MS * 3);
    })();
    const outcomes = await load(outage);
    await outage;

    const byType = new Map<string, number>();
    for (const outcome of outcomes) {
      const key = outcome.status === 200 ? (outcome.typename ?? "no result") : `HTTP ${outcome.status}`;
      byType.set(key, (byType.get(key) ?? 0) + 1);
    }
    // Back as soon as Flinks is: no replica left the balancer, so every request sent after recovery
    // (whichever replica it reached) is Authorized.
    const afterRecovery = outcomes.filter((one) => one.sentAt > recoveredAt);
    console.log(
      `Flinks outage: ${outcomes.length} callers: ${JSON.stringify(Object.fromEntries(byType))}; ` +
        `${afterRecovery.filter((one) => one.typename === "Authorized").length} of the ${afterRecovery.length} ` +
        "sent after recovery Authorized",
    );
    expect(afterRecovery.length).toBeGreaterThan(CALLERS);
    expect(afterRecovery.filter((one) => one.typename !== "Authorized")).toEqual([]);
    const untyped = outcomes.filter((outcome) => outcome.status !== 200 || !outcome.typename);
    expect(untyped).toEqual([]);
    for (const outcome of outcomes.filter((one) => one.typename !== "Authorized")) {
      expect(["UpstreamUnavailableError", "UpstreamTimeoutError"]).toContain(outcome.typename);
      expect(outcome.retryable).toBe(true);
    }
    expect(byType.get("UpstreamUnavailableError")).toBeGreaterThan(0);
    expect(byType.get("UpstreamTimeoutError")).toBeGreaterThan(0);
    // Readiness never followed Flinks: every replica stayed in the balancer.
    expect(await allUp()).toBe(true);
    const downs = (await balancer.serverStats()).map((server) => server.status);
    expect(downs).toEqual(["UP", "UP", "UP"]);
  }, 120_000);
});
