import type {
  CallOptions,
  FlinksClient,
  GenerateAuthorizeTokenOutcome,
  Secret,
} from "@flinks-authorize/client";

/** Where `authorize` gets its one-time token from. */
export interface AuthorizeTokens {
  take(options: CallOptions): Promise<GenerateAuthorizeTokenOutcome>;
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
  ((outcome.kind === "flinksError" || outcome.kind === "unexpectedResponse") && outcome.status >= 500);

/** Mints a fresh token per `authorize`, as Flinks requires one token per session. */
export function mintPerCall(
  flinks: FlinksClient,
  secretKey: Secret,
  retry: RetryPolicy = DEFAULT_TOKEN_RETRY,
  random: () => number = Math.random,
): AuthorizeTokens {
  return {
    async take(options) {
      const deadline = performance.now() + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
      for (let attempt = 1; ; attempt++) {
        const remaining = deadline - performance.now();
        const outcome = await flinks.generateAuthorizeToken(secretKey, {
          ...options,
          timeoutMs: Number.isFinite(remaining) ? Math.max(1, Math.floor(remaining)) : undefined,
        });
        if (attempt >= retry.attempts || !isTransient(outcome)) return outcome;
        const delay = random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        if (performance.now() + delay >= deadline || options.signal?.aborted) return outcome;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    },
  };
}
