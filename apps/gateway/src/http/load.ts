/**
 * How late this process's event loop runs: the one queue a request waits in that no counter sees. When
 * the CPU cannot keep up (a burst, a noisy neighbour, a starved container), requests pile up as unread
 * sockets and unprocessed callbacks; every one of them is older than it looks by the time it runs, its
 * timers fire late, and its caller may have gone. The lag is the symptom all of that shares, measured the
 * cheapest way: a timer that should fire every SAMPLE_MS, and how late it does.
 *
 * http/server.ts answers new GraphQL requests busy at once while the lag is over the limit (so the
 * backlog drains instead of growing), and /ready fails while it stays far over it (so a balancer sends
 * this replica's share to the others). Neither depends on Flinks: a slow Flinks costs no CPU.
 */
export interface LoadMonitor {
  /** The event loop's recent lag, in ms (smoothed over the last few samples). */
  lagMs(): number;
  /** Over the limit: new GraphQL requests are refused busy, with nothing sent to Flinks. */
  shedding(): boolean;
  /** Far over the limit for a while: this replica should not be sent new work (/ready fails). */
  overloaded(): boolean;
  stop(): void;
}

const SAMPLE_MS = 100;
/** /ready fails when the lag has been this many times the limit for OVERLOAD_SAMPLES samples in a row. */
const OVERLOAD_FACTOR = 4;
const OVERLOAD_SAMPLES = 5;

export function monitorLoad(maxLagMs: number): LoadMonitor {
  let lag = 0;
  let overSamples = 0;
  let expected = performance.now() + SAMPLE_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    const sample = Math.max(0, now - expected);
    expected = now + SAMPLE_MS;
    // Rise at once, fall gently: a single late tick is news, a single punctual one is not.
    lag = sample > lag ? sample : lag * 0.7 + sample * 0.3;
    overSamples = lag > maxLagMs * OVERLOAD_FACTOR ? overSamples + 1 : 0;
  }, SAMPLE_MS);
  timer.unref();
  return {
    lagMs: () => lag,
    shedding: () => lag > maxLagMs,
    overloaded: () => overSamples >= OVERLOAD_SAMPLES,
    stop: () => clearInterval(timer),
  };
}
