import { LRUCache } from "lru-cache";

/**
 * Single-use markers of MFA handles. An MFA handle carries answers to a bank: once one has reached
 * Flinks, replaying it (by anyone who saw it) must not reach Flinks again.
 */
export interface SpentHandles {
  /** Marks the handle spent; false when it already was. The marker lives until the handle expires. */
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
