/** How long a readiness answer is reused: probes every second must not become a load on Flinks. */
const CACHE_MS = 5_000;
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Ready when the upstream answers HTTP at all (any status: reachable is what matters, and no call with
 * an effect at Flinks is made). Failures answer 503 with Yoga's generic body, naming nothing.
 */
export function createReadinessCheck(options: {
  baseUrl: string;
  fetch?: (request: Request) => Promise<Response>;
}): () => Promise<boolean> {
  const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));
  let cached: { at: number; ready: boolean } | undefined;
  return async () => {
    if (cached && performance.now() - cached.at < CACHE_MS) return cached.ready;
    let ready: boolean;
    try {
      const response = await fetchImpl(
        new Request(`${options.baseUrl}/`, { method: "GET", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }),
      );
      await response.body?.cancel();
      ready = true;
    } catch {
      ready = false;
    }
    cached = { at: performance.now(), ready };
    return ready;
  };
}
