import { createHmac, hkdfSync } from "node:crypto";
import type { AuthorizeRequest, Secret } from "@flinks-authorize/client";
import type { Logger } from "pino";
import {
  type IRateLimiterOptions,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { LimitsConfig } from "./config-access.js";
import type { Consumer } from "./consumers.js";
import { type GatewayBusyError, RateLimitedError, type RateLimitScope } from "./errors.js";
import { type GatewayMetrics, NO_METRICS } from "./metrics.js";
import { refusalOfStore } from "./results.js";
import type { SharedStore } from "./shared-store.js";
import type { UpstreamStep } from "./upstream.js";

/**
 * Abuse limits on the session calls, checked before anything is sent to Flinks. Each is a budget of
 * points over a fixed window (rate-limiter-flexible), in this process's memory or, with REDIS_URL, in
 * Redis shared by every replica:
 *
 * - `calls`: every session call of a consumer (authorize, submitMfa, continueAuthorization, the
 *   authorization subscription), per minute. Bounds what one consumer makes Flinks do.
 * - `keyLive` / `tokenLive`: logins that reach the bank, per consumer per hour; a service's key and a
 *   front end's token subject get different budgets. Bounds credential stuffing through many usernames.
 * - `endUser`: attempts per end user per hour, whichever consumer makes them. The end user is a keyed
 *   hash (HMAC under a key derived from FLINKS_SECRET_KEY, so every replica agrees and no store holds a
 *   raw value) of the institution and username (live mode) or of the LoginId (cached mode); an MFA
 *   answer counts against its session's RequestId, since a handle carries no username. Bounds password
 *   guessing on one login.
 *
 * A login that Flinks refuses as INVALID_PASSWORD or INVALID_USERNAME costs FAILED_LOGIN_EXTRA_POINTS
 * more, after the answer. A call for which nothing reached Flinks (busy, or no token) is refunded.
 */
export interface SessionLimits {
  /** The consumer's calls; its live budget and the end user's when the login reaches the bank or names a LoginId. */
  authorize(consumer: Consumer, request: AuthorizeRequest): Promise<Admission>;
  /** submitMfa: the consumer's calls, and the end user's budget keyed by the MFA session's RequestId. */
  answer(consumer: Consumer, requestId: string): Promise<Admission>;
  /** continueAuthorization and the authorization subscription: the consumer's calls only (a poll carries no credential). */
  poll(consumer: Consumer): Promise<Admission>;
}

export type Admission =
  | {
      ok: true;
      /** After the upstream step: refunds a call nothing was sent for, charges a refused login extra. */
      settle(step: UpstreamStep): Promise<void>;
    }
  | { ok: false; refusal: RateLimitedError | GatewayBusyError };

/** What a refused password or username costs on top of the attempt: 3 wrong passwords spend 12 points. */
export const FAILED_LOGIN_EXTRA_POINTS = 3;
const FAILED_LOGIN_CODES = new Set(["INVALID_PASSWORD", "INVALID_USERNAME"]);
const KEY_PREFIX = "flinks-gw:limit";

const MINUTE = 60;
const HOUR = 60 * 60;

interface Budget {
  name: "calls" | "keyLive" | "tokenLive" | "endUser";
  scope: RateLimitScope;
  limiter: RateLimiterAbstract;
  refusal: string;
}

type Charge = [Budget, string];

const ADMITTED: Admission = { ok: true, settle: async () => {} };

/**
 * Keyed hashes naming an end user in limiter keys: the same end user gives the same hash on every
 * replica sharing FLINKS_SECRET_KEY; no raw username or LoginId is kept. Usernames and institutions are
 * compared case-insensitively (NFKC), so case variants of one login share its budget.
 */
export function createEndUserKeys(secretKey: Secret) {
  const key = Buffer.from(
    hkdfSync("sha256", secretKey.reveal(), "flinks-authorize-gateway", "end-user-limits-v1", 32),
  );
  const fold = (value: string) => value.normalize("NFKC").trim().toLowerCase();
  // Inputs never hold NUL (input-rules.ts), so the separator keeps the parts apart.
  const hash = (...parts: string[]) =>
    createHmac("sha256", key).update(parts.join("\u0000")).digest("base64url").slice(0, 22);
  return {
    ofLogin: (request: AuthorizeRequest): string | undefined =>
      "Username" in request
        ? hash("credentials", fold(request.Institution), fold(request.Username))
        : "LoginId" in request
          ? hash("login", request.LoginId.toLowerCase())
          : undefined,
    ofSession: (requestId: string) => hash("session", requestId),
  };
}

/** This process's budget standing in for Redis's: notes each use, so outages show in the logs. */
class FallbackLimiter extends RateLimiterMemory {
  constructor(
    options: IRateLimiterOptions,
    private readonly noteUse: () => void,
  ) {
    super(options);
  }
  override consume(...args: Parameters<RateLimiterMemory["consume"]>) {
    this.noteUse();
    return super.consume(...args);
  }
  override penalty(...args: Parameters<RateLimiterMemory["penalty"]>) {
    this.noteUse();
    return super.penalty(...args);
  }
  override reward(...args: Parameters<RateLimiterMemory["reward"]>) {
    this.noteUse();
    return super.reward(...args);
  }
}

export interface SessionLimitsOptions {
  secretKey: Secret;
  logger: Logger;
  /** Redis shared with the other replicas; none: this process's memory. */
  store?: SharedStore;
  /** Counts refusals by budget. */
  metrics?: GatewayMetrics;
}

export function createSessionLimits(
  config: LimitsConfig,
  { secretKey, logger, store, metrics = NO_METRICS }: SessionLimitsOptions,
): SessionLimits {
  if (!config.enabled)
    return { authorize: async () => ADMITTED, answer: async () => ADMITTED, poll: async () => ADMITTED };
  const endUsers = createEndUserKeys(secretKey);

  const limiter = (name: Budget["name"], points: number, duration: number): RateLimiterAbstract => {
    const options = { keyPrefix: `${KEY_PREFIX}:${name}`, points, duration };
    if (!store) return new RateLimiterMemory(options);
    return new RateLimiterRedis({
      ...options,
      storeClient: store.client,
      // Not ready: straight to the insurance (fallback) or a refusal, never a queued command.
      rejectIfRedisNotReady: true,
      insuranceLimiter:
        store.outage === "fallback"
          ? new FallbackLimiter(options, () => store.fellBack("a limit", undefined))
          : undefined,
    });
  };
  const budget = (
    name: Budget["name"],
    scope: RateLimitScope,
    points: number,
    duration: number,
    refusal: string,
  ): Budget => ({
    name,
    scope,
    limiter: limiter(name, points, duration),
    refusal,
  });
  const calls = budget(
    "calls",
    "consumer",
    config.consumerPerMinute,
    MINUTE,
    "This consumer made too many session calls",
  );
  const keyLive = budget(
    "keyLive",
    "consumer",
    config.keyLivePerHour,
    HOUR,
    "This consumer started too many bank logins",
  );
  const tokenLive = budget(
    "tokenLive",
    "consumer",
    config.tokenLivePerHour,
    HOUR,
    "This consumer started too many bank logins",
  );
  const endUser = budget(
    "endUser",
    "endUser",
    config.endUserPerHour,
    HOUR,
    "Too many attempts for this end user's login",
  );

  const storeFailed = (what: string, error: unknown) => {
    if (store) store.fellBack(what, error);
    else logger.error({ err: error }, `${what} failed`);
  };
  /** Gives back what a refused or unsent call was charged; a failure here only loses the refund. */
  const refund = (charges: Charge[]) =>
    Promise.all(
      charges.map(([{ limiter }, key]) =>
        limiter.reward(key, 1).catch((error) => storeFailed("a refund", error)),
      ),
    );

  const admit = async (consumer: Consumer, charges: Charge[], live: boolean): Promise<Admission> => {
    if (store) await store.connected;
    const charged: Charge[] = [];
    for (const charge of charges) {
      const [spent, key] = charge;
      try {
        await spent.limiter.consume(key, 1);
        charged.push(charge);
      } catch (rejection) {
        // The calls budget counts every call, refused ones included; the others count attempts made.
        await refund(charged.filter(([{ name }]) => name !== "calls"));
        if (!(rejection instanceof RateLimiterRes)) {
          storeFailed("a limit", rejection);
          return { ok: false, refusal: refusalOfStore("abuse limits") };
        }
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        metrics.rateLimited(spent.name, spent.scope);
        logger.warn(
          { consumer: consumer.id, budget: spent.name, retryAfterSeconds },
          "rate limited: nothing sent to Flinks",
        );
        return {
          ok: false,
          refusal: new RateLimitedError({
            message: `${spent.refusal}; nothing was sent. Retry in ${retryAfterSeconds} s.`,
            retryAfterSeconds,
            scope: spent.scope,
          }),
        };
      }
    }
    return {
      ok: true,
      async settle(step) {
        const attempts = charged.filter(([{ name }]) => name !== "calls");
        if (step.kind === "busy" || step.kind === "tokenFailure") {
          await refund(attempts);
          return;
        }
        const { outcome } = step.kind === "answered" ? step : { outcome: undefined };
        if (live && outcome?.kind === "flinksError" && FAILED_LOGIN_CODES.has(outcome.flinksCode ?? "")) {
          await Promise.all(
            attempts.map(([{ limiter }, key]) =>
              limiter
                .penalty(key, FAILED_LOGIN_EXTRA_POINTS)
                .catch((error) => storeFailed("a penalty", error)),
            ),
          );
        }
      },
    };
  };

  return {
    authorize(consumer, request) {
      const reachesBank = "Username" in request || request.MostRecentCached === false;
      const charges: Charge[] = [[calls, consumer.id]];
      if (reachesBank) charges.push([consumer.kind === "token" ? tokenLive : keyLive, consumer.id]);
      const user = endUsers.ofLogin(request);
      if (user !== undefined) charges.push([endUser, user]);
      return admit(consumer, charges, reachesBank);
    },
    answer: (consumer, requestId) =>
      admit(
        consumer,
        [
          [calls, consumer.id],
          [endUser, endUsers.ofSession(requestId)],
        ],
        false,
      ),
    poll: (consumer) => admit(consumer, [[calls, consumer.id]], false),
  };
}
