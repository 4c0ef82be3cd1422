import type { CallOptions, GenerateAuthorizeTokenOutcome, Secret } from "@flinks-authorize/client";

/** A one-time authorize token and when it was minted (epoch ms): its lifetime counts from then. */
export interface MintedToken {
  kind: "token";
  token: Secret;
  mintedAt: number;
}

export type TokenFailure = Exclude<GenerateAuthorizeTokenOutcome, { kind: "token" }>;
export type TokenOutcome = MintedToken | TokenFailure;

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_TOKEN_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

/**
 * Minting a token has no effect at the bank, so a failure that may be transient (no connection, or a
 * 5xx) is retried with full-jitter exponential backoff, within the caller's deadline. Authorize itself is
 * never retried: a live Authorize may already have reached the institution.
 */
const isTransient = (outcome: GenerateAuthorizeTokenOutcome) =>
  outcome.kind === "networkError" ||
  (outcome.kind === "flinksError" && outcome.status >= 500) ||
  // An oversized answer is a broken upstream, not a passing fault: not worth another megabyte.
  (outcome.kind === "unexpectedResponse" && outcome.status >= 500 && outcome.reason !== "tooLarge");

/**
 * Mints one token per session, as Flinks requires (a token opens one session and is sent again on its
 * later calls). No token is minted ahead of need: against an Authorize that takes seconds, a pool saved
 * a mint of tens of milliseconds and made a session's lifetime start before its request
 * (docs/operators/production.md, "The authorize token").
 */
export async function mintToken(
  mint: (options: CallOptions) => Promise<GenerateAuthorizeTokenOutcome>,
  options: CallOptions & { deadline: number },
  retry: RetryPolicy = DEFAULT_TOKEN_RETRY,
  random: () => number = Math.random,
): Promise<TokenOutcome> {
  for (let attempt = 1; ; attempt++) {
    const mintedAt = Date.now();
    const outcome = await mint(options);
    if (outcome.kind === "token") return { kind: "token", token: outcome.token, mintedAt };
    if (attempt >= retry.attempts || !isTransient(outcome)) return outcome;
    const delay = random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    if (Date.now() + delay >= options.deadline || options.signal?.aborted) return outcome;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
