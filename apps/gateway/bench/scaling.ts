import { descendants } from "@flinks-authorize/kit/processes";
import { rssBytes } from "@flinks-authorize/kit/rss";
import { median, runLoad } from "./load.js";
import { num, table } from "./results.js";
import { intEnv, listEnv } from "./settings.js";

/**
 * What `workers` and `replicas` share: the same load on a few ways of running the gateway, in alternating
 * rounds, with req/s per connection count and the RSS of every process of each way (a cluster's primary
 * and workers, all replicas), summed.
 */

export interface ScalingSettings {
  rounds: number;
  seconds: number;
  connections: number[];
}

/** BENCH_ROUNDS (3), BENCH_SECONDS (5) and SCALING_CONNECTIONS (50,200). */
export const scalingSettings = (): ScalingSettings => ({
  rounds: intEnv("BENCH_ROUNDS", 3, 1, 20),
  seconds: intEnv("BENCH_SECONDS", 5, 1, 60),
  connections: listEnv("SCALING_CONNECTIONS", ["50", "200"]).map(Number),
});

export interface ScalingRound {
  round: number;
  /** req/s, errors and non-2xx per connection count. */
  loads: Array<{ connections: number; reqPerSec: number; errors: number; non2xx: number }>;
  /** Peak of the summed RSS of the setup's processes under the heaviest load (bytes). */
  rssPeak: number | undefined;
}

/** A way of running the gateway: started once per round, measured at `url`, stopped after. */
export interface Setup {
  url: string;
  /** The processes whose RSS counts (each with its descendants). */
  pids: number[];
  stop(): Promise<void>;
}

function groupRss(pids: number[]): number | undefined {
  const all = pids.flatMap((pid) => [pid, ...descendants(pid)]);
  const sizes = all.map(rssBytes).filter((size): size is number => size !== undefined);
  return sizes.length === 0 ? undefined : sizes.reduce((sum, size) => sum + size, 0);
}

export async function measureScaling<Key extends string>(
  keys: readonly Key[],
  settings: ScalingSettings,
  start: (key: Key) => Promise<Setup>,
): Promise<Record<Key, ScalingRound[]>> {
  const results = Object.fromEntries(keys.map((key) => [key, [] as ScalingRound[]])) as Record<
    Key,
    ScalingRound[]
  >;
  for (let round = 1; round <= settings.rounds; round++) {
    for (const key of round % 2 === 1 ? keys : [...keys].reverse()) {
      const setup = await start(key);
      try {
        await runLoad(setup.url, { connections: 10, seconds: 2 });
        const loads: ScalingRound["loads"] = [];
        let rssPeak: number | undefined;
        for (const connections of settings.connections) {
          const sampler = setInterval(() => {
            const rss = groupRss(setup.pids);
            if (rss !== undefined) rssPeak = Math.max(rssPeak ?? 0, rss);
          }, 250);
          try {
            const load = await runLoad(setup.url, { connections, seconds: settings.seconds });
            loads.push({ connections, reqPerSec: load.reqPerSec, errors: load.errors, non2xx: load.non2xx });
          } finally {
            clearInterval(sampler);
          }
        }
        results[key].push({ round, loads, rssPeak });
        console.log(
          `  [round ${round}/${settings.rounds}] ${key}: ${loads.map((load) => `c=${load.connections} ${load.reqPerSec} r/s`).join(", ")}`,
        );
      } finally {
        await setup.stop();
      }
    }
  }
  return results;
}

const rpsAt = (round: ScalingRound, connections: number) =>
  round.loads.find((load) => load.connections === connections)?.reqPerSec;

/** Candidate ÷ baseline per round, then the median: drift of a shared machine cancels. */
export function pairedScalingRatio(candidate: ScalingRound[], baseline: ScalingRound[], connections: number) {
  return median(
    candidate.flatMap((round) => {
      const base = baseline.find((other) => other.round === round.round);
      const [c, b] = [rpsAt(round, connections), base && rpsAt(base, connections)];
      return c !== undefined && b ? [c / b] : [];
    }),
  );
}

/** One row per way: median req/s per connection count, errors, RSS; then each way's ratio to the first. */
export function renderScaling<Key extends string>(
  keys: readonly Key[],
  labels: Record<Key, string>,
  settings: ScalingSettings,
  results: Record<Key, ScalingRound[]>,
): string {
  const [baseline] = keys;
  const rows = keys.map((key) => [
    labels[key],
    ...settings.connections.map((c) =>
      num(median(results[key].map((round) => rpsAt(round, c) ?? Number.NaN))),
    ),
    num(
      results[key].reduce(
        (sum, round) => sum + round.loads.reduce((s, load) => s + load.errors + load.non2xx, 0),
        0,
      ),
    ),
    num(median(results[key].map((round) => (round.rssPeak ?? Number.NaN) / 2 ** 20)), 1),
  ]);
  const ratios = keys
    .slice(1)
    .map(
      (key) =>
        `${labels[key]} ÷ ${baseline === undefined ? "" : labels[baseline]}: ${settings.connections
          .map(
            (c) =>
              `c=${c} ${num(pairedScalingRatio(results[key], baseline ? results[baseline] : [], c), 2)}×`,
          )
          .join(", ")}`,
    );
  return [
    table(
      [
        "Setup",
        ...settings.connections.map((c) => `req/s c=${c}`),
        "Errors + non-2xx",
        "RSS peak MB (all processes)",
      ],
      rows,
    ),
    "",
    "```",
    ...ratios,
    "```",
  ].join("\n");
}
