import { Agent, request as httpRequest } from "node:http";
import autocannon from "autocannon";
import { rssBytes, sleep } from "./processes.js";

export const LOGIN_ID = "5e115eac-1209-4f19-641c-08d6d484e2fe";
export const MUTATION = `mutation { authorize(input: {loginId: "${LOGIN_ID}"}) { __typename ... on Authorized { requestId } } }`;
export const BODY = JSON.stringify({ query: MUTATION });

export interface Target {
  url: string;
  headers: Record<string, string>;
  /** A unique comment per request defeats Yoga's parse/validate cache (every document is new). */
  uniqueDocuments?: boolean;
}

let sequence = 0;
const bodyFor = (target: Target) =>
  target.uniqueDocuments ? JSON.stringify({ query: `# ${++sequence}\n${MUTATION}` }) : BODY;

const requestHeaders = (target: Target) => ({ "content-type": "application/json", ...target.headers });

/** One POST of the authorize mutation; resolves with status and body text. */
export function post(target: Target, agent?: Agent): Promise<{ status: number; text: string }> {
  const body = bodyFor(target);
  return new Promise((resolve, reject) => {
    const url = new URL("/graphql", target.url);
    const call = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { ...requestHeaders(target), "content-length": Buffer.byteLength(body) },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () =>
          resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        answer.on("error", reject);
      },
    );
    call.setTimeout(30_000, () => call.destroy(new Error("request timed out")));
    call.on("error", reject);
    call.end(body);
  });
}

/** Throws unless the target answers the mutation with an `Authorized` result. */
export async function verifyAuthorized(target: Target, label: string): Promise<void> {
  const { status, text } = await post(target);
  let typename: unknown;
  try {
    typename = (JSON.parse(text) as { data?: { authorize?: { __typename?: unknown } } }).data?.authorize
      ?.__typename;
  } catch {
    typename = undefined;
  }
  if (status !== 200 || typename !== "Authorized") {
    throw new Error(`${label}: expected an Authorized answer, got HTTP ${status}: ${text.slice(0, 300)}`);
  }
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  reqPerSec: number;
  non2xx: number;
  errors: number;
  /** autocannon's own latency (ms), for reference: includes queueing at the load generator. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Peak and median VmRSS of the server during the run (bytes), when sampled. */
  rssPeak?: number;
  rssMedian?: number;
}

/** Closed-loop load with autocannon, no pipelining, for a fixed duration. */
export async function runLoad(
  target: Target,
  connections: number,
  seconds: number,
  sampleRssOf?: number,
): Promise<LoadResult> {
  const samples: number[] = [];
  const sampler =
    sampleRssOf === undefined
      ? undefined
      : setInterval(() => {
          const rss = rssBytes(sampleRssOf);
          if (rss !== undefined) samples.push(rss);
        }, 200);
  try {
    const result = await autocannon({
      url: new URL("/graphql", target.url).href,
      method: "POST",
      headers: requestHeaders(target),
      ...(target.uniqueDocuments
        ? { body: JSON.stringify({ query: `# [<id>]\n${MUTATION}` }), idReplacement: true }
        : { body: BODY }),
      connections,
      pipelining: 1,
      duration: seconds,
      timeout: 30,
    });
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      connections,
      seconds: result.duration,
      requests: result.requests.total,
      reqPerSec: Math.round(result.requests.total / result.duration),
      non2xx: result.non2xx,
      errors: result.errors,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      ...(sorted.length > 0 && { rssPeak: sorted[sorted.length - 1], rssMedian: median(sorted) }),
    };
  } finally {
    if (sampler) clearInterval(sampler);
  }
}

export interface ProbeResult {
  count: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  failures: number;
}

/**
 * Sequential requests over one keep-alive connection, each timed with hrtime (µs). Bounded by both a
 * count and a time budget. `intervalMs` paces the requests (an open-ish loop for the token pool); 0
 * sends the next as soon as the previous one is answered.
 */
export async function latencyProbe(
  target: Target,
  options: { warmup: number; count: number; maxSeconds: number; intervalMs?: number },
): Promise<ProbeResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const timings: number[] = [];
  let failures = 0;
  try {
    const warmupDeadline = performance.now() + Math.min(3_000, options.maxSeconds * 500);
    for (let i = 0; i < options.warmup && performance.now() < warmupDeadline; i++) await post(target, agent);
    const deadline = performance.now() + options.maxSeconds * 1_000;
    for (let i = 0; i < options.count && performance.now() < deadline; i++) {
      const started = process.hrtime.bigint();
      const { status } = await post(target, agent);
      const elapsed = Number(process.hrtime.bigint() - started) / 1_000;
      if (status === 200) timings.push(elapsed);
      else failures++;
      if (options.intervalMs) await sleep(Math.max(0, options.intervalMs - elapsed / 1_000));
    }
  } finally {
    agent.destroy();
  }
  const sorted = timings.sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Us: Math.round(percentile(sorted, 50)),
    p99Us: Math.round(percentile(sorted, 99)),
    meanUs: Math.round(sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length)),
    failures,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
