import { type FlinksClient, type GenerateAuthorizeTokenOutcome, Secret } from "@flinks-authorize/client";
import { describe, expect, test, vi } from "vitest";
import { createTokenPool, mintOnDemand } from "../src/authorize-tokens.js";
import { createUpstreamSlots } from "../src/upstream-slots.js";

type Kind = GenerateAuthorizeTokenOutcome["kind"] | "status500";

/** A client whose token calls answer from a script, in order; the last answer repeats. */
function scriptedClient(answers: Kind[], latencyMs = 0) {
  let calls = 0;
  const flinks = {
    baseUrl: "http://flinks.test",
    close: async () => {},
    authorize: () => Promise.reject(new Error("not used")),
    generateAuthorizeToken: async (): Promise<GenerateAuthorizeTokenOutcome> => {
      const kind = answers[Math.min(calls, answers.length - 1)];
      const call = ++calls;
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      switch (kind) {
        case "token":
          return { kind: "token", status: 200, token: new Secret(`token-${call}`) };
        case "networkError":
          return { kind: "networkError", code: "ECONNRESET", message: "reset" };
        case "unexpectedResponse":
          return { kind: "unexpectedResponse", status: 503, reason: "undocumentedStatus", message: "503" };
        default:
          return {
            kind: "flinksError",
            status: kind === "status500" ? 500 : 401,
            flinksCode: "UNAUTHORIZED",
            message: "no",
            requestId: undefined,
            retryable: false,
            body: { HttpStatusCode: 401 },
          };
      }
    },
  } as unknown as FlinksClient;
  return { flinks, calls: () => calls };
}

const secret = new Secret("s");
const noDelay = () => 0;
const soon = () => ({ deadline: Date.now() + 5_000 });

describe("mintOnDemand retries only what may be transient", () => {
  const cases: Array<[string, Kind[], number, GenerateAuthorizeTokenOutcome["kind"]]> = [
    ["network errors, until a token arrives", ["networkError", "networkError", "token"], 3, "token"],
    ["a 5xx without a documented status", ["unexpectedResponse", "token"], 2, "token"],
    ["a documented 5xx", ["status500", "token"], 2, "token"],
    ["not a refusal (4xx)", ["flinksError"], 1, "flinksError"],
    ["at most 3 attempts", ["networkError"], 3, "networkError"],
  ];
  test.each(cases)("%s", async (_, script, calls, kind) => {
    const client = scriptedClient(script);
    const outcome = await mintOnDemand(client.flinks, secret, undefined, noDelay).take(soon());
    expect(outcome.kind).toBe(kind);
    expect(client.calls()).toBe(calls);
  });

  test("no retry starts past the deadline", async () => {
    const { flinks, calls } = scriptedClient(["networkError"]);
    const retry = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 1_000 };
    await mintOnDemand(flinks, secret, retry, () => 1).take({ deadline: Date.now() + 50 });
    expect(calls()).toBe(1);
  });

  test("a token carries the time it was minted", async () => {
    const before = Date.now();
    const outcome = await mintOnDemand(scriptedClient(["token"]).flinks, secret).take(soon());
    expect(outcome.kind === "token" && outcome.mintedAt).toBeGreaterThanOrEqual(before);
  });
});

describe("createTokenPool sizes itself to demand", () => {
  const settle = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

  test("sparse traffic mints nothing ahead: every take mints on demand, no token ages out unused", async () => {
    let clock = 1_700_000_000_000;
    const { flinks, calls } = scriptedClient(["token"]);
    const pool = createTokenPool(flinks, secret, { maxSize: 64, now: () => clock });
    for (let i = 0; i < 5; i++) {
      expect((await pool.take(soon())).kind).toBe("token");
      await settle();
      // One take a minute.
      clock += 60_000;
    }
    expect(calls()).toBe(5);
    expect(pool.ready).toBe(0);
  });

  test("under load it holds about rate × mint latency × 2, and serves takes off the critical path", async () => {
    vi.useFakeTimers();
    try {
      // Mints take 50 ms; one take every millisecond for a second: the target is 1/ms × 50 ms × 2 = 100,
      // capped at maxSize.
      const { flinks } = scriptedClient(["token"], 50);
      const pool = createTokenPool(flinks, secret, { maxSize: 64, demandWindowMs: 1_000 });
      const takes: Array<Promise<Awaited<ReturnType<typeof pool.take>>>> = [];
      for (let i = 0; i < 1_000; i++) {
        takes.push(pool.take(soon()));
        await vi.advanceTimersByTimeAsync(1);
      }
      await vi.advanceTimersByTimeAsync(100);
      const outcomes = await Promise.all(takes);
      expect(pool.target).toBe(64);
      const lastHalf = outcomes.slice(500);
      const pooled = lastHalf.filter((outcome) => outcome.kind === "token" && outcome.pooled).length;
      expect(pooled / lastHalf.length).toBeGreaterThan(0.9);
      const tokens = outcomes.flatMap((outcome) =>
        outcome.kind === "token" ? [outcome.token.reveal()] : [],
      );
      expect(new Set(tokens).size).toBe(1_000);
    } finally {
      vi.useRealTimers();
    }
  });

  test("tokens older than maxAgeMs are discarded, never handed out", async () => {
    vi.useFakeTimers();
    try {
      const { flinks } = scriptedClient(["token"], 10);
      const pool = createTokenPool(flinks, secret, { maxSize: 8, maxAgeMs: 1_000, demandWindowMs: 200 });
      for (let i = 0; i < 200; i++) {
        void pool.take(soon());
        await vi.advanceTimersByTimeAsync(1);
      }
      await vi.advanceTimersByTimeAsync(50);
      expect(pool.ready).toBeGreaterThan(0);
      await vi.advanceTimersByTimeAsync(5_000);
      const taking = pool.take(soon());
      await vi.advanceTimersByTimeAsync(50);
      const outcome = await taking;
      expect(outcome.kind === "token" && outcome.pooled).toBeFalsy();
    } finally {
      vi.useRealTimers();
    }
  });

  test("a failing refill cools down instead of looping", async () => {
    let clock = 1_700_000_000_000;
    const { flinks, calls } = scriptedClient(["token", "flinksError"], 1);
    const pool = createTokenPool(flinks, secret, { maxSize: 8, cooldownMs: 60_000, now: () => clock });
    const first = pool.take(soon());
    clock += 100;
    await first;
    for (let i = 0; i < 100; i++) {
      clock += 1;
      await pool.take(soon());
      await settle(2);
    }
    // One failed background mint, then only the on-demand mints of the takes themselves.
    expect(calls()).toBeLessThanOrEqual(1 + 100 + 1);
  });

  test("background mints take a free upstream slot or none: they never queue for one", async () => {
    let clock = 1_700_000_000_000;
    const { flinks } = scriptedClient(["token"], 1);
    const slots = createUpstreamSlots(1);
    const held = slots.tryAcquire();
    const pool = createTokenPool(flinks, secret, { maxSize: 8, slots, now: () => clock });
    const first = pool.take(soon());
    clock += 100;
    await first;
    for (let i = 0; i < 100; i++) {
      clock += 1;
      await pool.take(soon());
    }
    await settle();
    expect(pool.ready).toBe(0);
    expect(slots.waiting).toBe(0);
    held?.();
  });
});
