import { setMaxListeners } from "node:events";
import { Agent } from "node:http";
import { sleep } from "@flinks-authorize/kit/ports";
import { sampleRss } from "@flinks-authorize/kit/rss";
import autocannon from "autocannon";
import { Pool } from "undici";
import { isAuthorized, MUTATION, postAuthorize, REQUEST_HEADERS } from "./targets.js";

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export interface LoadResult {
  connections: number;
  requests: number;
  reqPerSec: number;
  non2xx: number;
  /** Socket errors and timeouts, and 2xx answers that are not Authorized. */
  errors: number;
  /** Peak VmRSS of the server during the run (bytes), when sampled. */
  rssPeak?: number;
}

/**
 * Closed-loop load with autocannon, no pipelining, for a fixed duration; `uniqueDocuments` gives every
 * request a new document (Yoga's parse and validation caches miss).
 */
export async function runLoad(
  url: string,
  options: { connections: number; seconds: number; sampleRssOf?: number; uniqueDocuments?: boolean },
): Promise<LoadResult> {
  const sampler = options.sampleRssOf === undefined ? undefined : sampleRss(options.sampleRssOf);
  try {
    const result = await autocannon({
      url: new URL("/graphql", url).href,
      method: "POST",
      headers: REQUEST_HEADERS,
      ...(options.uniqueDocuments
        ? { body: JSON.stringify({ query: `# [<id>]\n${MUTATION}` }), idReplacement: true }
        : { body: JSON.stringify({ query: MUTATION }) }),
      connections: options.connections,
      pipelining: 1,
      duration: options.seconds,
      timeout: 30,
      verifyBody: (body) => isAuthorized(String(body)),
    });
    const rssPeak = sampler?.stop().peak;
    return {
      connections: options.connections,
      requests: result.requests.total,
      reqPerSec: Math.round(result.requests.total / result.duration),
      non2xx: result.non2xx,
      errors: result.errors + result.mismatches - result.non2xx,
      ...(rssPeak !== undefined && { rssPeak }),
    };
  } finally {
    sampler?.stop();
  }
}

export interface ProbeResult {
  count: number;
  p50Us: number;
  p99Us: number;
  failures: number;
}

/**
 * Sequential requests over one keep-alive connection, each timed in µs, bounded by a count and a time
 * budget. `intervalMs` paces them (one request per interval, so a token pool can refill in between).
 */
export async function latencyProbe(
  url: string,
  options: { warmup: number; count: number; maxSeconds: number; intervalMs?: number },
): Promise<ProbeResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const timings: number[] = [];
  let failures = 0;
  try {
    for (let i = 0; i < options.warmup; i++) await postAuthorize(url, { agent });
    const deadline = performance.now() + options.maxSeconds * 1_000;
    for (let i = 0; i < options.count && performance.now() < deadline; i++) {
      const started = performance.now();
      const { status, text } = await postAuthorize(url, { agent });
      const elapsedMs = performance.now() - started;
      if (status === 200 && isAuthorized(text)) timings.push(elapsedMs * 1_000);
      else failures++;
      if (options.intervalMs) await sleep(Math.max(0, options.intervalMs - elapsedMs));
    }
  } finally {
    agent.destroy();
  }
  const sorted = timings.sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Us: Math.round(percentile(sorted, 50)),
    p99Us: Math.round(percentile(sorted, 99)),
    failures,
  };
}

/** What a closed-loop run saw, for the caller to cut a window out of. Times in ms from the start. */
export interface ClosedLoopRun {
  consumers: number;
  durationMs: number;
  /** Each answered request: when it was answered, how long it took, and how it ended. */
  answered: Array<{ at: number; latencyMs: number; outcome: "authorized" | "error" | "non2xx" }>;
  /** Requests that failed without an HTTP answer (refused, reset, timed out). */
  transportErrors: number;
  /** Requests still waiting when the run ended (abandoned, counted nowhere else). */
  unanswered: number;
}

/**
 * `consumers` closed-loop callers, each sending the authorize mutation as soon as its previous answer
 * arrives, on one keep-alive connection each (undici Pool, no pipelining). They start evenly spread over
 * `rampMs`, so that the upstream sees a steady stream rather than waves of `consumers` calls at once.
 * After `seconds`, no new request starts and those still waiting are abandoned.
 */
export async function closedLoop(
  url: string,
  options: { consumers: number; seconds: number; rampMs: number },
): Promise<ClosedLoopRun> {
  const { consumers, seconds, rampMs } = options;
  const pool = new Pool(url, {
    connections: consumers,
    pipelining: 1,
    keepAliveTimeout: 120_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const body = JSON.stringify({ query: MUTATION });
  const run: ClosedLoopRun = {
    consumers,
    durationMs: seconds * 1_000,
    answered: [],
    transportErrors: 0,
    unanswered: 0,
  };
  const stop = new AbortController();
  // Every request in flight listens to it.
  setMaxListeners(0, stop.signal);
  const started = performance.now();
  const consumer = async (index: number) => {
    await sleep((index * rampMs) / consumers);
    while (!stop.signal.aborted) {
      const sent = performance.now();
      try {
        const answer = await pool.request({
          path: "/graphql",
          method: "POST",
          headers: REQUEST_HEADERS,
          body,
          signal: stop.signal,
        });
        const text = await answer.body.text();
        const at = performance.now();
        const outcome =
          answer.statusCode < 200 || answer.statusCode > 299
            ? "non2xx"
            : isAuthorized(text)
              ? "authorized"
              : "error";
        run.answered.push({ at: at - started, latencyMs: at - sent, outcome });
      } catch {
        if (stop.signal.aborted) {
          run.unanswered++;
        } else {
          run.transportErrors++;
          // A dead target refuses at once: do not spin.
          await sleep(100);
        }
      }
    }
  };
  const running = Array.from({ length: consumers }, (_, index) => consumer(index));
  await sleep(seconds * 1_000);
  stop.abort();
  await Promise.all(running);
  await pool.destroy();
  return run;
}
