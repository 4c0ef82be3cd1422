import { type FlinksClient, type GenerateAuthorizeTokenOutcome, Secret } from "@flinks-authorize/client";
import { describe, expect, test } from "vitest";
import { createTokenPool, mintPerCall } from "../src/authorize-tokens.js";

/** A client whose token calls answer from a script, in order; the last answer repeats. */
function scriptedClient(answers: Array<GenerateAuthorizeTokenOutcome["kind"]>) {
  let calls = 0;
  const flinks = {
    baseUrl: "http://flinks.test",
    close: async () => {},
    authorize: () => Promise.reject(new Error("not used")),
    generateAuthorizeToken: async (): Promise<GenerateAuthorizeTokenOutcome> => {
      const kind = answers[Math.min(calls, answers.length - 1)];
      calls++;
      switch (kind) {
        case "token":
          return { kind: "token", status: 200, token: new Secret(`token-${calls}`) };
        case "networkError":
          return { kind: "networkError", code: "ECONNRESET", message: "reset" };
        case "unexpectedResponse":
          return { kind: "unexpectedResponse", status: 503, reason: "undocumentedStatus", message: "503" };
        default:
          return {
            kind: "flinksError",
            status: kind === "flinksError" ? 401 : 500,
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

describe("mintPerCall retries only what may be transient", () => {
  test("network errors are retried until a token arrives", async () => {
    const { flinks, calls } = scriptedClient(["networkError", "networkError", "token"]);
    const outcome = await mintPerCall(flinks, secret, undefined, noDelay).take({});
    expect(outcome.kind).toBe("token");
    expect(calls()).toBe(3);
  });

  test("a 5xx without a documented status is retried", async () => {
    const { flinks, calls } = scriptedClient(["unexpectedResponse", "token"]);
    expect((await mintPerCall(flinks, secret, undefined, noDelay).take({})).kind).toBe("token");
    expect(calls()).toBe(2);
  });

  test("a refusal (4xx) is not retried", async () => {
    const { flinks, calls } = scriptedClient(["flinksError"]);
    expect((await mintPerCall(flinks, secret, undefined, noDelay).take({})).kind).toBe("flinksError");
    expect(calls()).toBe(1);
  });

  test("attempts are capped", async () => {
    const { flinks, calls } = scriptedClient(["networkError"]);
    const retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 };
    expect((await mintPerCall(flinks, secret, retry, noDelay).take({})).kind).toBe("networkError");
    expect(calls()).toBe(3);
  });

  test("no retry starts past the deadline", async () => {
    const { flinks, calls } = scriptedClient(["networkError"]);
    const retry = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 1_000 };
    await mintPerCall(flinks, secret, retry, () => 1).take({ timeoutMs: 50 });
    expect(calls()).toBe(1);
  });
});

describe("createTokenPool", () => {
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

  test("the first take mints on demand and fills the pool; later takes use pooled tokens once each", async () => {
    const { flinks, calls } = scriptedClient(["token"]);
    const pool = createTokenPool(flinks, secret, { size: 3, maxAgeMs: 60_000 });
    const first = await pool.take({});
    await settle();
    expect(pool.ready).toBe(3);
    expect(calls()).toBe(4);
    const handed = [first];
    for (let i = 0; i < 3; i++) handed.push(await pool.take({}));
    const tokens = handed.map((outcome) =>
      outcome.kind === "token" ? outcome.token.reveal() : outcome.kind,
    );
    expect(new Set(tokens).size).toBe(4);
  });

  test("tokens older than maxAgeMs are discarded, never handed out", async () => {
    let clock = 0;
    const { flinks } = scriptedClient(["token"]);
    const pool = createTokenPool(flinks, secret, { size: 2, maxAgeMs: 1_000, now: () => clock });
    await pool.take({});
    await settle();
    expect(pool.ready).toBe(2);
    clock = 5_000;
    const outcome = await pool.take({});
    // token-2 and token-3 waited in the pool and went stale: the one handed out is newer.
    const token = outcome.kind === "token" ? outcome.token.reveal() : outcome.kind;
    expect(["token-2", "token-3"]).not.toContain(token);
    expect(token).toMatch(/^token-\d+$/);
  });

  test("a failing refill cools down instead of looping", async () => {
    const { flinks, calls } = scriptedClient(["flinksError"]);
    const pool = createTokenPool(flinks, secret, { size: 4, maxAgeMs: 60_000, cooldownMs: 60_000 });
    await pool.take({});
    await settle();
    const afterFirst = calls();
    await pool.take({});
    await settle();
    // The second take mints on demand once; no new background mints during the cooldown.
    expect(calls()).toBe(afterFirst + 1);
  });
});
