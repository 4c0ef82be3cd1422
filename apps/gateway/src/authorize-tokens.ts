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

export interface TokenPoolOptions {
  /** Tokens kept ready. */
  size: number;
  /** A ready token older than this is discarded unused: well inside Flinks' 15-to-30-minute lifetime. */
  maxAgeMs: number;
  /** After a failed background mint, no new one starts for this long (a broken key must not loop). */
  cooldownMs?: number;
  now?: () => number;
}

export const DEFAULT_POOL_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * Keeps a few tokens minted ahead of need, so `authorize` does not wait for a GenerateAuthorizeToken
 * round trip (tens to hundreds of milliseconds against Flinks). Each token is handed out once. The pool
 * refills in the background after each take; it holds no timer, so an idle gateway makes no calls, and
 * tokens that aged out are dropped at the next take. When it is empty, a token is minted on demand, with
 * the same retries as without a pool.
 */
export function createTokenPool(
  flinks: FlinksClient,
  secretKey: Secret,
  options: TokenPoolOptions,
  onDemand: AuthorizeTokens = mintPerCall(flinks, secretKey),
): AuthorizeTokens & { readonly ready: number } {
  const now = options.now ?? (() => performance.now());
  const cooldownMs = options.cooldownMs ?? 1_000;
  const ready: Array<{ token: Secret; mintedAt: number }> = [];
  let inFlight = 0;
  let failedAt = Number.NEGATIVE_INFINITY;

  const refill = () => {
    while (ready.length + inFlight < options.size && now() - failedAt >= cooldownMs) {
      inFlight++;
      void flinks
        .generateAuthorizeToken(secretKey)
        .then((outcome) => {
          if (outcome.kind === "token") ready.push({ token: outcome.token, mintedAt: now() });
          else failedAt = now();
        })
        .finally(() => {
          inFlight--;
        });
    }
  };

  return {
    get ready() {
      return ready.length;
    },
    take(callOptions) {
      while (ready.length > 0 && now() - (ready[0]?.mintedAt ?? 0) > options.maxAgeMs) ready.shift();
      const entry = ready.shift();
      refill();
      if (entry) return Promise.resolve({ kind: "token", status: 200, token: entry.token });
      return onDemand.take(callOptions);
    },
  };
}
