import type { FlinksClient, GenerateAuthorizeTokenOutcome, Secret } from "@flinks-authorize/client";
import type { UpstreamSlots } from "./upstream-slots.js";

/** A one-time authorize token and when it was minted (epoch ms): its lifetime counts from then. */
export interface MintedToken {
  kind: "token";
  token: Secret;
  mintedAt: number;
  /** Minted ahead of need by the pool, rather than for this take. */
  pooled?: boolean;
}

export type TokenFailure = Exclude<GenerateAuthorizeTokenOutcome, { kind: "token" }>;
export type TokenOutcome = MintedToken | TokenFailure;

export interface TakeOptions {
  /** Epoch ms: no mint (retries included) runs past it. */
  deadline: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Where `authorize` gets its one-time token from. */
export interface AuthorizeTokens {
  take(options: TakeOptions): Promise<TokenOutcome>;
  /** Tokens minted ahead of need and not yet handed out. */
  readonly ready: number;
}

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

const minted = (outcome: GenerateAuthorizeTokenOutcome, mintedAt: number): TokenOutcome =>
  outcome.kind === "token" ? { kind: "token", token: outcome.token, mintedAt } : outcome;

/** Mints a fresh token per `authorize`, as Flinks requires one token per session. */
export function mintOnDemand(
  flinks: FlinksClient,
  secretKey: Secret,
  retry: RetryPolicy = DEFAULT_TOKEN_RETRY,
  random: () => number = Math.random,
): AuthorizeTokens {
  return {
    ready: 0,
    async take({ deadline, signal, headers }) {
      for (let attempt = 1; ; attempt++) {
        const startedAt = Date.now();
        const outcome = await flinks.generateAuthorizeToken(secretKey, { deadline, signal, headers });
        if (attempt >= retry.attempts || !isTransient(outcome)) return minted(outcome, startedAt);
        const delay = random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        if (Date.now() + delay >= deadline || signal?.aborted) return minted(outcome, startedAt);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    },
  };
}

export interface TokenPoolOptions {
  /** The most tokens kept ready, however high the demand. */
  maxSize: number;
  /**
   * A ready token older than this is discarded unused. Short, because a session's handles expire with
   * its token (15 minutes from the mint): a token taken from the pool must leave the consumer most of it.
   */
  maxAgeMs?: number;
  /** Background mints take a free upstream slot or wait for the next take; they never queue for one. */
  slots?: UpstreamSlots;
  /** After a failed background mint, no new one starts for this long (a broken key must not loop). */
  cooldownMs?: number;
  /** Demand is the number of takes over this window. Default 10 s. */
  demandWindowMs?: number;
  /** Epoch ms. */
  now?: () => number;
}

export const DEFAULT_POOL_MAX_AGE_MS = 60 * 1000;
/** The pool covers this many mint round trips of demand, so a take rarely finds it empty. */
const COVERED_ROUND_TRIPS = 2;

/**
 * Keeps tokens minted ahead of need, so `authorize` does not wait for a GenerateAuthorizeToken round
 * trip. Sized by Little's law: it holds what the takes of about two mint round trips need (take rate ×
 * measured mint latency × 2, at most `maxSize`). Under load that takes the mint off the critical path;
 * when traffic is sparse the target rounds to zero and every take mints on demand, so no token is minted
 * to age out unused. It holds no timer (an idle gateway makes no calls) and refills after each take.
 * Each token is handed out once.
 */
export function createTokenPool(
  flinks: FlinksClient,
  secretKey: Secret,
  options: TokenPoolOptions,
  onDemand: AuthorizeTokens = mintOnDemand(flinks, secretKey),
): AuthorizeTokens & { readonly target: number } {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_POOL_MAX_AGE_MS;
  const cooldownMs = options.cooldownMs ?? 1_000;
  const ready: MintedToken[] = [];
  const demandWindowMs = options.demandWindowMs ?? 10_000;
  const demand = slidingCount(demandWindowMs, now());
  let minting = 0;
  let failedAt = Number.NEGATIVE_INFINITY;
  /** Exponentially weighted mint latency (ms); unknown until the first mint. */
  let mintLatencyMs: number | undefined;

  const observeLatency = (ms: number) => {
    mintLatencyMs = mintLatencyMs === undefined ? ms : mintLatencyMs * 0.8 + ms * 0.2;
  };
  const target = () => {
    if (mintLatencyMs === undefined) return 0;
    const perMs = demand.count(now()) / demandWindowMs;
    return Math.min(options.maxSize, Math.round(perMs * mintLatencyMs * COVERED_ROUND_TRIPS));
  };

  const refill = () => {
    const wanted = target();
    while (ready.length + minting < wanted && now() - failedAt >= cooldownMs) {
      const release = options.slots ? options.slots.tryAcquire() : () => {};
      if (!release) return;
      minting++;
      const startedAt = now();
      void flinks
        .generateAuthorizeToken(secretKey, { deadline: startedAt + maxAgeMs })
        .then((outcome) => {
          observeLatency(now() - startedAt);
          if (outcome.kind === "token")
            ready.push({ kind: "token", token: outcome.token, mintedAt: startedAt, pooled: true });
          else failedAt = now();
        })
        .finally(() => {
          minting--;
          release();
        });
    }
  };

  return {
    get ready() {
      return ready.length;
    },
    get target() {
      return target();
    },
    async take(takeOptions) {
      const at = now();
      demand.add(at);
      while (ready.length > 0 && at - (ready[0]?.mintedAt ?? 0) > maxAgeMs) ready.shift();
      const entry = ready.shift();
      if (entry) {
        refill();
        return entry;
      }
      const outcome = await onDemand.take(takeOptions);
      if (outcome.kind === "token") observeLatency(now() - at);
      refill();
      return outcome;
    },
  };
}

/**
 * Events over the last `windowMs`, in O(1): the current fixed window plus the previous one weighted by
 * how much of it still overlaps the sliding window (the estimate rate limiters commonly use).
 */
function slidingCount(windowMs: number, start: number) {
  let windowStart = start;
  let current = 0;
  let previous = 0;
  const roll = (at: number) => {
    const elapsed = at - windowStart;
    if (elapsed < windowMs) return;
    previous = elapsed < 2 * windowMs ? current : 0;
    current = 0;
    windowStart += Math.floor(elapsed / windowMs) * windowMs;
  };
  return {
    add(at: number) {
      roll(at);
      current++;
    },
    count(at: number) {
      roll(at);
      return previous * (1 - (at - windowStart) / windowMs) + current;
    },
  };
}
