import { LRUCache } from "lru-cache";
import { type SharedStore, SharedStoreUnavailable } from "../access/shared-store.js";
import { type GatewayMetrics, NO_METRICS } from "../observability/metrics.js";

/**
 * Single-use markers of MFA handles. An MFA handle carries answers to a bank: once one has reached
 * Flinks, replaying it (by anyone who saw it) must not reach Flinks again. A marker is per challenge
 * (handles/seal.ts `markerOf`), so every handle of one challenge answers it once in all.
 *
 * Unlike the abuse limits, the markers fail closed: when the store cannot say "never used", the answer
 * is not sent (GATEWAY_REDIS_OUTAGE does not apply to them; docs/operators/security.md has the table).
 */
export interface SpentHandles {
  /**
   * Marks the challenge answered. `fresh`: it was not before, send the answer. `spent`: it was.
   * `unverifiable`: the store lost its markers since the handle was sealed (it restarted empty), so it
   * cannot tell. Rejects with SharedStoreUnavailable when the store does not answer.
   */
  spend(
    marker: string,
    expiresAt: number,
    epoch: string | undefined,
  ): Promise<"fresh" | "spent" | "unverifiable">;
  /** Takes a marker back, for a call refused before anything was sent (busy). */
  restore(marker: string): Promise<void>;
}

/**
 * One process's markers: enough for a single replica (a restart forgets them: run more than one replica,
 * or care about restarts, with REDIS_URL). Bounded by count, so a flood of handles cannot grow memory;
 * past the bound the oldest markers go first (100,000 of them is about 10 MB).
 */
export function createMemorySpentHandles(max = 100_000, now: () => number = Date.now): SpentHandles {
  const spent = new LRUCache<string, true>({ max });
  return {
    async spend(marker, expiresAt) {
      if (spent.has(marker)) return "spent";
      spent.set(marker, true, { ttl: Math.max(1, expiresAt - now()) });
      return "fresh";
    },
    async restore(marker) {
      spent.delete(marker);
    },
  };
}

const SPENT_PREFIX = "flinks-gw:spent:";

/**
 * In one atomic step: the store's epoch must still be the one the handle was sealed under (a store that
 * restarted empty has a new one, shared-store.ts), and `SET marker NX` says whether the challenge was
 * answered before. 1: fresh, 0: spent, -1: unverifiable.
 */
const SPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

/**
 * Markers shared by every replica through Redis, so a challenge is answered once whichever replica the
 * answers reach. Each marker is also kept in this process's memory, which refuses a replay here without
 * asking Redis. When Redis does not answer, the answer is refused (SharedStoreUnavailable: a retryable
 * GatewayBusyError for the consumer), whatever GATEWAY_REDIS_OUTAGE says.
 */
export function createSharedSpentHandles(
  store: SharedStore,
  local: SpentHandles = createMemorySpentHandles(),
  now: () => number = Date.now,
): SpentHandles {
  return {
    async spend(marker, expiresAt, epoch) {
      if ((await local.spend(marker, expiresAt, epoch)) === "spent") return "spent";
      await store.connected;
      const unavailable = (error?: unknown) => {
        store.fellBack("a single-use handle marker", error);
        return local.restore(marker).then(() => {
          throw new SharedStoreUnavailable(error);
        });
      };
      if (store.client.status !== "ready") return unavailable();
      // Sealed while the store's epoch was unknown (it was down): nothing can vouch for the handle.
      if (epoch === undefined) {
        await local.restore(marker);
        return "unverifiable";
      }
      try {
        const ttl = Math.max(1, expiresAt - now());
        const answer = await store.client.eval(
          SPEND,
          2,
          store.epochKey,
          `${SPENT_PREFIX}${marker}`,
          epoch,
          ttl,
        );
        if (answer === 1) return "fresh";
        if (answer === 0) return "spent";
        // Flushed without a restart, the store would keep no epoch until the next connection: set one.
        store.refreshEpoch().catch((error) => store.fellBack("the store's epoch", error));
        return "unverifiable";
      } catch (error) {
        return unavailable(error);
      }
    },
    async restore(marker) {
      await local.restore(marker);
      await store.client
        .del(`${SPENT_PREFIX}${marker}`)
        .catch((error) => store.fellBack("a handle restore", error));
    },
  };
}

/**
 * The markers this gateway uses: shared through the store when there is one, else this process's own;
 * every replay (a spent handle presented again) and every handle the store can no longer vouch for
 * counted.
 */
export function createSingleUse({
  store,
  metrics = NO_METRICS,
}: {
  store?: SharedStore;
  metrics?: GatewayMetrics;
}): SpentHandles {
  const markers = store ? createSharedSpentHandles(store) : createMemorySpentHandles();
  return {
    async spend(marker, expiresAt, epoch) {
      const verdict = await markers.spend(marker, expiresAt, epoch);
      if (verdict === "spent") metrics.sessionHandle("mfa", "replayed");
      if (verdict === "unverifiable") metrics.sessionHandle("mfa", "unverifiable");
      return verdict;
    },
    restore: (marker) => markers.restore(marker),
  };
}
