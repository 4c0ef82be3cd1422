import { LRUCache } from "lru-cache";
import { type SharedStore, SharedStoreUnavailable } from "../access/shared-store.js";
import { type GatewayMetrics, NO_METRICS } from "../observability/metrics.js";

/**
 * Single-use markers of MFA handles. An MFA handle carries answers to a bank: once one has reached
 * Flinks, replaying it (by anyone who saw it) must not reach Flinks again.
 */
export interface SpentHandles {
  /**
   * Marks the handle spent; false when it already was. The marker lives until the handle expires.
   * Rejects with SharedStoreUnavailable when a shared store must answer and cannot.
   */
  spend(id: string, expiresAt: number): Promise<boolean>;
  /** Takes a marker back, for a call refused before anything was sent (busy). */
  restore(id: string): Promise<void>;
}

/**
 * One process's markers: enough for a single replica. Bounded by count, so a flood of handles cannot
 * grow memory; past the bound the oldest markers go first (a marker is 16 bytes of id and a timer-free
 * TTL, so 100,000 of them is about 10 MB).
 */
export function createMemorySpentHandles(max = 100_000, now: () => number = Date.now): SpentHandles {
  const spent = new LRUCache<string, true>({ max });
  return {
    async spend(id, expiresAt) {
      if (spent.has(id)) return false;
      spent.set(id, true, { ttl: Math.max(1, expiresAt - now()) });
      return true;
    },
    async restore(id) {
      spent.delete(id);
    },
  };
}

const SPENT_PREFIX = "flinks-gw:spent:";

/**
 * Markers shared by every replica through Redis: `SET <id> 1 NX PX <ttl>` marks a handle and says
 * whether it was fresh in one atomic step, so a handle answers once whichever replica it reaches. Each
 * marker is also kept in this process's memory, which answers a replay here without Redis and carries on
 * alone while Redis is unreachable (GATEWAY_REDIS_OUTAGE=fallback). With GATEWAY_REDIS_OUTAGE=refuse,
 * `spend` rejects with SharedStoreUnavailable instead.
 */
export function createSharedSpentHandles(
  store: SharedStore,
  local: SpentHandles = createMemorySpentHandles(),
  now: () => number = Date.now,
): SpentHandles {
  return {
    async spend(id, expiresAt) {
      if (!(await local.spend(id, expiresAt))) return false;
      await store.connected;
      try {
        const set = await store.client.set(
          `${SPENT_PREFIX}${id}`,
          "1",
          "PX",
          Math.max(1, expiresAt - now()),
          "NX",
        );
        return set === "OK";
      } catch (error) {
        store.fellBack("a single-use handle marker", error);
        if (store.outage === "fallback") return true;
        await local.restore(id);
        throw new SharedStoreUnavailable(error);
      }
    },
    async restore(id) {
      await local.restore(id);
      await store.client
        .del(`${SPENT_PREFIX}${id}`)
        .catch((error) => store.fellBack("a handle restore", error));
    },
  };
}

/**
 * The markers this gateway uses: shared through the store when there is one, else this process's own;
 * every replay (a spent handle presented again) counted.
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
    async spend(id, expiresAt) {
      const fresh = await markers.spend(id, expiresAt);
      if (!fresh) metrics.sessionHandle("mfa", "replayed");
      return fresh;
    },
    restore: (id) => markers.restore(id),
  };
}
