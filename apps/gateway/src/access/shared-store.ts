import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/index.js";
import { GatewayBusyError } from "../errors.js";

type RedisConfig = NonNullable<GatewayConfig["redis"]>;

/**
 * The Redis that replicas share their abuse limits and single-use handle markers through (REDIS_URL).
 * The client never queues a command while disconnected (`enableOfflineQueue: false`) and bounds every
 * command (`commandTimeout`), so a Redis that is down or hangs costs a request milliseconds, not its
 * deadline: the caller then falls back to this process's memory, or refuses the call, as
 * GATEWAY_REDIS_OUTAGE says. Outages and recoveries are logged once each; the URL (which may hold a
 * password) never is.
 */
export interface SharedStore {
  readonly client: Redis;
  readonly outage: RedisConfig["outage"];
  /**
   * Settles once the first connection attempt has (ready, failed, or FIRST_CONNECT_WAIT_MS passed), so
   * the first requests after a start count in Redis rather than in a fallback.
   */
  readonly connected: Promise<void>;
  /** A command failed on a connection that looked fine, and the call used this process's memory. */
  fellBack(what: string, error: unknown): void;
  /** Where the store's epoch lives: a random id set by the first replica to see the store empty. */
  readonly epochKey: string;
  /**
   * The store's epoch as last read (undefined until it has been): it changes when the store restarts
   * empty, which is how single-use markers learn that they may have been lost.
   */
  epoch(): string | undefined;
  /** Reads the epoch again (setting a new one if the store has none), e.g. after it was flushed. */
  refreshEpoch(): Promise<void>;
  close(): Promise<void>;
}

/** GATEWAY_REDIS_OUTAGE=refuse and Redis did not answer: the call must not go on. */
export class SharedStoreUnavailable extends Error {
  constructor(cause?: unknown) {
    super("the shared store (Redis) is unreachable", { cause });
  }
}

/** What a caller is told to wait when, with GATEWAY_REDIS_OUTAGE=refuse, Redis does not answer. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The consumer's answer when the store must answer and cannot: refused before anything was sent. */
export function refusalOfStore(what: "abuse limits" | "single-use handle markers"): GatewayBusyError {
  return new GatewayBusyError({
    message: `The gateway cannot reach the store its ${what} share, so nothing was sent. Retry shortly.`,
    retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
  });
}

export interface SharedStoreOptions {
  /**
   * Longest a command may take before it counts as failed (ms).
   * @default 500
   */
  commandTimeoutMs?: number;
  /**
   * Longest the first requests wait for the first connection (ms).
   * @default 2000
   */
  firstConnectWaitMs?: number;
}

/** At most one line a minute about failed commands while the connection itself looks fine. */
const FALLBACK_LOG_INTERVAL_MS = 60_000;

const EPOCH_KEY = "flinks-gw:epoch";

const codeOf = (error: unknown) =>
  (error as { code?: string } | undefined)?.code ?? (error as Error | undefined)?.message;

export function connectSharedStore(
  { url, outage }: RedisConfig,
  logger: Logger,
  { commandTimeoutMs = 500, firstConnectWaitMs = 2_000 }: SharedStoreOptions = {},
): SharedStore {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    // A command caught by a dropped connection fails at once (and falls back) rather than being resent.
    maxRetriesPerRequest: 0,
    connectTimeout: 5_000,
    connectionName: "flinks-authorize-gateway",
  });
  const log = logger.child({ component: "redis" });
  const consequence =
    outage === "fallback"
      ? "limits fall back to this process's memory until it answers (GATEWAY_REDIS_OUTAGE=fallback); MFA answers are refused busy meanwhile (single-use markers never fall back)"
      : "session calls are refused until it answers (GATEWAY_REDIS_OUTAGE=refuse)";
  let down = false;
  let closing = false;
  let epoch: string | undefined;
  const refreshEpoch = async () => {
    // The first replica to find the store without an epoch sets one; everyone reads the same.
    await client.set(EPOCH_KEY, randomUUID(), "NX");
    epoch = (await client.get(EPOCH_KEY)) ?? undefined;
  };
  let lastFallbackLog = Number.NEGATIVE_INFINITY;
  let firstAttemptDone: () => void = () => {};
  const connected = new Promise<void>((resolve) => {
    firstAttemptDone = resolve;
    setTimeout(resolve, firstConnectWaitMs).unref();
  });

  const lost = (error?: unknown) => {
    firstAttemptDone();
    if (down || closing) return;
    down = true;
    log.error({ code: codeOf(error) }, `Redis unreachable: ${consequence}`);
  };
  client.on("ready", () => {
    // Until it is read again, a restarted store's epoch is unknown: handles sealed meanwhile cannot be
    // vouched for, which refuses them rather than trusting a store that may have lost its markers.
    epoch = undefined;
    refreshEpoch()
      .catch((error) => log.warn({ code: codeOf(error) }, "could not read the store's epoch"))
      .finally(firstAttemptDone);
    if (down) log.warn("Redis reachable again: limits and single-use handle markers are shared again");
    else log.info("Redis ready: limits and single-use handle markers are shared across replicas");
    down = false;
  });
  // Without a listener, ioredis's reconnection errors would crash the process.
  client.on("error", lost);
  client.on("close", () => lost());

  return {
    client,
    outage,
    connected,
    epochKey: EPOCH_KEY,
    epoch: () => epoch,
    refreshEpoch,
    fellBack(what, error) {
      if (down || closing) return;
      const now = Date.now();
      if (now - lastFallbackLog < FALLBACK_LOG_INTERVAL_MS) return;
      lastFallbackLog = now;
      log.warn(
        { code: codeOf(error) },
        outage === "fallback"
          ? `a Redis command failed: ${what} used this process's memory`
          : `a Redis command failed: ${what} refused the call`,
      );
    },
    async close() {
      closing = true;
      if (client.status === "ready") await client.quit().catch(() => {});
      client.disconnect();
    },
  };
}
