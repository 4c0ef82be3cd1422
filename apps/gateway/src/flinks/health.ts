import { connect } from "node:net";

/** How long a probe's answer is reused: scrapes and status checks must not become a load on Flinks. */
const CACHE_MS = 5_000;
const PROBE_TIMEOUT_MS = 2_000;

export interface UpstreamProbeOptions {
  baseUrl: string;
  /**
   * `http`: the upstream answers HTTP at all (any status: reachable is what matters, and no call with an
   * effect at Flinks is made). `tcp`: it accepts a connection, for the mock, since Prism logs an error
   * line for every request to a path the spec does not have.
   */
  probe: "http" | "tcp";
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * Whether Flinks answers at all, for /status and the metrics. It is not readiness: Flinks is every
 * replica's, and a balancer that took every replica out for it would answer its own error page instead of
 * the gateway's typed, retryable one.
 */
export function createUpstreamProbe(options: UpstreamProbeOptions): () => Promise<boolean> {
  const probe =
    options.probe === "tcp" ? () => acceptsConnection(options.baseUrl) : () => answersHttp(options);
  let cached: { at: number; ready: boolean } | undefined;
  return async () => {
    if (cached && performance.now() - cached.at < CACHE_MS) return cached.ready;
    const ready = await probe();
    cached = { at: performance.now(), ready };
    return ready;
  };
}

async function answersHttp({
  baseUrl,
  fetch: fetchImpl = (request) => fetch(request),
}: UpstreamProbeOptions) {
  try {
    const response = await fetchImpl(
      new Request(`${baseUrl}/`, { method: "GET", signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }),
    );
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

function acceptsConnection(baseUrl: string): Promise<boolean> {
  const url = new URL(baseUrl);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port, timeout: PROBE_TIMEOUT_MS });
    const done = (ready: boolean) => {
      socket.destroy();
      resolve(ready);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}
