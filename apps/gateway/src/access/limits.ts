import type { AuthorizeRequest, Secret } from "@flinks-authorize/client";
import type { Logger } from "pino";
import {
  type IRateLimiterOptions,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { GatewayConfig } from "../config/index.js";
import { type GatewayBusyError, RateLimitedError, type RateLimitScope } from "../errors.js";
import { type GatewayMetrics, NO_METRICS } from "../observability/metrics.js";
import type { Consumer } from "./consumers.js";
import { createEndUserKeys } from "./end-user-keys.js";
import { refusalOfStore, type SharedStore } from "./shared-store.js";

/**
 * Abuse limits on the session calls, checked before anything is sent to Flinks. Each is a budget of
 * points over a fixed window (rate-limiter-flexible), in this process's memory or, with REDIS_URL, in
 * Redis shared by every replica:
 *
 * - `calls`: every session call of a consumer, per minute, refused ones included: every field registered
 *   as a session call is charged before its resolver runs (schema/session-fields.ts). Bounds what one
 *   consumer makes the gateway and Flinks do.
 * - `keyLive` / `tokenLive`: logins that reach the bank, per consumer per hour; a service's key and a
 *   front end's token subject get different budgets. Bounds credential stuffing through many usernames.
 * - `endUser`: attempts per end user per hour, whichever consumer makes them (end-user-keys.ts); an MFA
 *   answer counts against its session's RequestId, since a handle carries no username. Bounds password
 *   guessing on one login.
 *
 * A login that Flinks refuses as INVALID_PASSWORD or INVALID_USERNAME costs FAILED_LOGIN_EXTRA_POINTS
 * more, after the answer. An attempt for which nothing reached Flinks (busy, or no token) is refunded.
 */
export interface SessionLimits {
  /** One session call of the consumer: undefined when admitted, else the refusal. */
  call(consumer: Consumer): Promise<Refusal | undefined>;
  /** authorize: the consumer's live budget and the end user's, when the login reaches the bank or names a LoginId. */
  login(consumer: Consumer, request: AuthorizeRequest): Promise<Admission>;
  /** submitMfa: the end user's budget, keyed by the MFA session's RequestId. */
  answer(consumer: Consumer, requestId: string): Promise<Admission>;
}

export type Refusal = RateLimitedError | GatewayBusyError;

/** What the limits need to know of the upstream step an admission led to. */
export interface Settlement {
  /** Something reached Flinks. */
  sent: boolean;
  /** Flinks refused the end user's password or username. */
  refusedLogin: boolean;
}

export type Admission =
  | {
      ok: true;
      /** After the upstream step: refunds an attempt nothing was sent for, charges a refused login extra. */
      settle(settlement: Settlement): Promise<void>;
    }
  | { ok: false; refusal: Refusal };

/** What a refused password or username costs on top of the attempt: 3 wrong passwords spend 12 points. */
export const FAILED_LOGIN_EXTRA_POINTS = 3;
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
  config: GatewayConfig["limits"],
  { secretKey, logger, store, metrics = NO_METRICS }: SessionLimitsOptions,
): SessionLimits {
  if (!config.enabled) {
    return { call: async () => undefined, login: async () => ADMITTED, answer: async () => ADMITTED };
  }
  const endUsers = createEndUserKeys(secretKey);

  const budget = (
    name: Budget["name"],
    scope: RateLimitScope,
    points: number,
    duration: number,
    refusal: string,
  ): Budget => {
    const options = { keyPrefix: `${KEY_PREFIX}:${name}`, points, duration };
    const limiter = store
      ? new RateLimiterRedis({
          ...options,
          storeClient: store.client,
          // Not ready: straight to the insurance (fallback) or a refusal, never a queued command.
          rejectIfRedisNotReady: true,
          insuranceLimiter:
            store.outage === "fallback"
              ? new FallbackLimiter(options, () => store.fellBack("a limit", undefined))
              : undefined,
        })
      : new RateLimiterMemory(options);
    return { name, scope, limiter, refusal };
  };
  const live = "This consumer started too many bank logins";
  const calls = budget(
    "calls",
    "consumer",
    config.consumerPerMinute,
    MINUTE,
    "This consumer made too many session calls",
  );
  const keyLive = budget("keyLive", "consumer", config.keyLivePerHour, HOUR, live);
  const tokenLive = budget("tokenLive", "consumer", config.tokenLivePerHour, HOUR, live);
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
  /** Gives back what an unsent call was charged; a failure here only loses the refund. */
  const refund = (charges: Charge[]) =>
    Promise.all(
      charges.map(([{ limiter }, key]) =>
        limiter.reward(key, 1).catch((error) => storeFailed("a refund", error)),
      ),
    );

  /** Charges each budget in turn; on the first refusal, gives back what this call was charged so far. */
  const charge = async (consumer: Consumer, charges: Charge[]): Promise<Refusal | undefined> => {
    if (store) await store.connected;
    const charged: Charge[] = [];
    for (const entry of charges) {
      const [spent, key] = entry;
      try {
        await spent.limiter.consume(key, 1);
        charged.push(entry);
      } catch (rejection) {
        await refund(charged);
        if (!(rejection instanceof RateLimiterRes)) {
          storeFailed("a limit", rejection);
          return refusalOfStore("abuse limits");
        }
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        metrics.rateLimited(spent.name, spent.scope);
        logger.warn(
          { consumer: consumer.id, budget: spent.name, retryAfterSeconds },
          "rate limited: nothing sent to Flinks",
        );
        return new RateLimitedError({
          message: `${spent.refusal}; nothing was sent. Retry in ${retryAfterSeconds} s.`,
          retryAfterSeconds,
          scope: spent.scope,
        });
      }
    }
    return undefined;
  };

  const admit = async (consumer: Consumer, charges: Charge[], penalized: boolean): Promise<Admission> => {
    const refusal = await charge(consumer, charges);
    if (refusal) return { ok: false, refusal };
    return {
      ok: true,
      async settle({ sent, refusedLogin }) {
        if (!sent) {
          await refund(charges);
          return;
        }
        if (penalized && refusedLogin) {
          await Promise.all(
            charges.map(([{ limiter }, key]) =>
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
    call: (consumer) => charge(consumer, [[calls, consumer.id]]),
    login(consumer, request) {
      const reachesBank = "Username" in request || request.MostRecentCached === false;
      const charges: Charge[] = [];
      if (reachesBank) charges.push([consumer.kind === "token" ? tokenLive : keyLive, consumer.id]);
      const user = endUsers.ofLogin(request);
      if (user !== undefined) charges.push([endUser, user]);
      return charges.length === 0 ? Promise.resolve(ADMITTED) : admit(consumer, charges, reachesBank);
    },
    answer: (consumer, requestId) => admit(consumer, [[endUser, endUsers.ofSession(requestId)]], false),
  };
}
