/**
 * The explicit bound on concurrent calls to Flinks. Against an upstream that answers in seconds, a
 * gateway's capacity is how many calls it holds open at once; past that, a queue that nobody sees (the
 * HTTP pool's) turns every extra request into a timeout after its whole deadline, and in live mode into
 * an abandoned bank login. Here the wait for a slot is short and bounded, and a request that gets none
 * is told so at once (GatewayBusyError), before anything reaches Flinks.
 *
 * Hand-written rather than a semaphore library: a waiter that gives up must leave the queue at once
 * (async-mutex's `withTimeout` keeps it queued until it is granted a slot, then releases it, so under
 * overload the live waiters queue behind abandoned ones), and the counts feed logs and metrics.
 */
export interface UpstreamSlots {
  /** Calls holding a slot now. */
  readonly inFlight: number;
  /** Requests waiting for a slot now. */
  readonly waiting: number;
  readonly max: number;
  /**
   * A slot within `waitMs`, or undefined when none freed in time (or the signal aborted). Call the
   * returned release exactly once when the upstream call has settled.
   */
  acquire(options: { waitMs: number; signal?: AbortSignal }): Promise<Release | undefined>;
  /** A slot only if one is free now: for background work that must never queue (token prefetch). */
  tryAcquire(): Release | undefined;
}

export type Release = () => void;

interface Waiter {
  grant(release: Release): void;
}

export function createUpstreamSlots(max: number): UpstreamSlots {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
  let inFlight = 0;
  const waiters = new Set<Waiter>();

  const release = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the oldest waiter (Set iterates in insertion order).
      const next = waiters.values().next();
      if (!next.done) {
        waiters.delete(next.value);
        next.value.grant(release());
        return;
      }
      inFlight--;
    };
  };

  const tryAcquire = (): Release | undefined => {
    if (inFlight >= max) return undefined;
    inFlight++;
    return release();
  };

  return {
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return waiters.size;
    },
    max,
    tryAcquire,
    acquire({ waitMs, signal }) {
      const now = waiters.size === 0 ? tryAcquire() : undefined;
      if (now) return Promise.resolve(now);
      if (waitMs <= 0 || signal?.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const giveUp = () => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          signal?.removeEventListener("abort", giveUp);
          resolve(undefined);
        };
        const waiter: Waiter = {
          grant(granted) {
            clearTimeout(timer);
            signal?.removeEventListener("abort", giveUp);
            resolve(granted);
          },
        };
        const timer = setTimeout(giveUp, waitMs);
        signal?.addEventListener("abort", giveUp, { once: true });
        waiters.add(waiter);
      });
    },
  };
}
