import { closeSync, openSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { startGateway } from "@flinks-authorize/kit/gateway";
import { rssBytes } from "@flinks-authorize/kit/rss";
import { type LoadResult, latencyProbe, type ProbeResult, runLoad } from "./load.js";
import { intEnv } from "./settings.js";
import { productionEnv, startTarget, type Target } from "./targets.js";

/**
 * One round of the fast-path measurements on one target, and the alternation of rounds across targets,
 * shared by `fast` and `levers`.
 */
/** BENCH_ROUNDS (3) and BENCH_SECONDS, the seconds of each load. */
export const roundsAndSeconds = (defaultSeconds: number) => ({
  rounds: intEnv("BENCH_ROUNDS", 3, 1, 20),
  seconds: intEnv("BENCH_SECONDS", defaultSeconds, 1, 60),
});

/** Spawn to the first 200 on /health (ms), five times, without the watchdog's preload. */
export async function coldStarts(entry: string, upstream: string): Promise<number[]> {
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = await startGateway({ entry, env: productionEnv(upstream), watchdog: false });
    runs.push(Math.round(started.readyMs));
    await started.stop();
  }
  return runs;
}

export interface RoundSettings {
  connections: number[];
  seconds: number;
  warmupSeconds: number;
  probe: { warmup: number; count: number; maxSeconds: number };
  /** One request per 25 ms: the pace at which a token pool refills between requests. */
  paced?: { warmup: number; count: number; maxSeconds: number; intervalMs: number };
  uniqueDocuments?: boolean;
  /** Write the target's stdout (its log) to a file and report its size per request. */
  logBytes?: boolean;
}

export interface RoundResult {
  round: number;
  /** Spawn to the first 200 on /health (ms). */
  readyMs: number;
  /** VmRSS after start and one verified request, before load (bytes). */
  rssIdle?: number;
  loads: LoadResult[];
  probe: ProbeResult;
  paced?: ProbeResult;
  logBytesPerRequest?: number;
}

export async function measureRound(
  target: Target,
  upstream: string,
  round: number,
  settings: RoundSettings,
  scratch: string,
): Promise<RoundResult> {
  const logPath = join(scratch, `round-${round}.log`);
  const logFd = settings.logBytes ? openSync(logPath, "w") : undefined;
  const server = await startTarget(target, upstream, { output: logFd ?? "capture" });
  try {
    const rssIdle = rssBytes(server.pid);
    const warm = await runLoad(server.url, { connections: 10, seconds: settings.warmupSeconds });
    const top = Math.max(...settings.connections);
    const loads: LoadResult[] = [];
    for (const connections of settings.connections) {
      loads.push(
        await runLoad(server.url, {
          connections,
          seconds: settings.seconds,
          uniqueDocuments: settings.uniqueDocuments,
          ...(connections === top && { sampleRssOf: server.pid }),
        }),
      );
    }
    const probe = await latencyProbe(server.url, settings.probe);
    const paced = settings.paced && (await latencyProbe(server.url, settings.paced));
    const served =
      1 +
      warm.requests +
      loads.reduce((sum, load) => sum + load.requests, 0) +
      settings.probe.warmup +
      probe.count +
      (paced && settings.paced ? settings.paced.warmup + paced.count : 0);
    return {
      round,
      readyMs: Math.round(server.readyMs),
      ...(rssIdle !== undefined && { rssIdle }),
      loads,
      probe,
      ...(paced && { paced }),
      ...(logFd !== undefined && { logBytesPerRequest: Math.round(statSync(logPath).size / served) }),
    };
  } finally {
    await server.stop();
    if (logFd !== undefined) closeSync(logFd);
    rmSync(logPath, { force: true });
  }
}

/**
 * Every target once per round, alternating the order (A B C, then C B A): a slow drift of the machine
 * then hits every target alike instead of favouring whichever ran first.
 */
export async function alternate<Key extends string>(
  keys: readonly Key[],
  rounds: number,
  measure: (key: Key, round: number) => Promise<RoundResult>,
): Promise<Record<Key, RoundResult[]>> {
  const results = Object.fromEntries(keys.map((key) => [key, [] as RoundResult[]])) as Record<
    Key,
    RoundResult[]
  >;
  for (let round = 1; round <= rounds; round++) {
    for (const key of round % 2 === 1 ? keys : [...keys].reverse()) {
      const result = await measure(key, round);
      results[key].push(result);
      const loads = result.loads.map((load) => `c=${load.connections} ${load.reqPerSec} r/s`).join(", ");
      console.log(`  [round ${round}/${rounds}] ${key}: ${loads}; p50 ${result.probe.p50Us} µs`);
    }
  }
  return results;
}
