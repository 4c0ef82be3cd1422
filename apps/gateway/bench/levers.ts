import { startFakeFlinksProcess } from "@flinks-authorize/kit/fake-flinks-process";
import { GATEWAY_SOURCES, PRODUCTION_NODE_FLAGS } from "@flinks-authorize/kit/gateway";
import { buildServer } from "../scripts/build.js";
import { median } from "./load.js";
import { delta, mb, num, type Scenario, table } from "./results.js";
import { alternate, coldStarts, measureRound, type RoundResult, roundsAndSeconds } from "./rounds.js";
import { type Metric, medianOf, metrics, pairedRatio } from "./summaries.js";
import { GATEWAY_VARIANT, shippedGateway, type Target } from "./targets.js";

/**
 * `pnpm bench levers`: the shipped gateway with one thing changed at a time, measured in the same rounds
 * as the shipped one and compared with it round by round. The figures only: what was decided from them
 * is docs/contributors/performance.md's business.
 */
interface Lever {
  lever: string;
  variant: string;
  /** The row it is compared with (default: the shipped gateway). */
  against?: string;
  target(shipped: Target, variantBundle: string): Target;
  paced?: boolean;
  uniqueDocuments?: boolean;
  logBytes?: boolean;
}

const withEnv = (target: Target, env: Record<string, string>): Target => ({
  ...target,
  run: { ...target.run, env: { ...target.run.env, ...env } },
});
const withNodeArgs = (target: Target, nodeArgs: string[]): Target => ({
  ...target,
  run: { ...target.run, nodeArgs },
});

const LEVERS: Record<string, Lever> = {
  shipped: {
    lever: "—",
    variant: `shipped: bundle, ${PRODUCTION_NODE_FLAGS.join(" ")}, LOG_LEVEL=warn`,
    target: (shipped) => shipped,
    paced: true,
    logBytes: true,
  },
  nativeFetch: {
    lever: "HTTP client",
    variant: "Node's built-in fetch under openapi-fetch (bench/servers/gateway-variant.ts)",
    target: (shipped, variantBundle) =>
      withEnv({ ...shipped, run: { ...shipped.run, entry: variantBundle } }, { VARIANT: "native-fetch" }),
  },
  info: {
    lever: "logging",
    variant: "LOG_LEVEL=info",
    target: (shipped) => withEnv(shipped, { LOG_LEVEL: "info" }),
    logBytes: true,
  },
  uncached: {
    lever: "graphql-armor and parsing",
    variant: "every document new (Yoga's parse and validation caches miss)",
    target: (shipped) => shipped,
    uniqueDocuments: true,
  },
  sources: {
    lever: "runtime",
    variant: "node --import tsx src/main.ts",
    target: (shipped) => ({ ...shipped, run: { ...shipped.run, entry: GATEWAY_SOURCES } }),
  },
  noHeapCap: {
    lever: "heap cap",
    variant: "without the production flags (V8's own heap sizing)",
    target: (shipped) => withNodeArgs(shipped, []),
  },
  sourceMaps: {
    lever: "source maps",
    variant: "production flags + --enable-source-maps",
    target: (shipped) => withNodeArgs(shipped, [...PRODUCTION_NODE_FLAGS, "--enable-source-maps"]),
  },
};
const KEYS = Object.keys(LEVERS);

export interface LeversData {
  settings: { rounds: number; seconds: number; connections: number };
  rounds: Record<string, RoundResult[]>;
  /** Spawn to the first 200 on /health (ms), five runs each. */
  coldStartMs: { bundle: number[]; sources: number[] };
}

export const levers: Scenario<LeversData> = {
  title: "Levers: one change at a time against the shipped gateway",
  async run({ bundle, scratch }) {
    const settings = { ...roundsAndSeconds(4), connections: 50 };
    const variantBundle = await buildServer(`${scratch}/gateway-variant.mjs`, GATEWAY_VARIANT);
    const shipped = shippedGateway(bundle);
    const fastUpstream = await startFakeFlinksProcess();
    try {
      const rounds = await alternate(KEYS, settings.rounds, (key, round) => {
        const lever = LEVERS[key] as Lever;
        return measureRound(
          lever.target(shipped, variantBundle),
          fastUpstream.url,
          round,
          {
            connections: [settings.connections],
            seconds: settings.seconds,
            warmupSeconds: 2,
            probe: { warmup: 300, count: 1_000, maxSeconds: 4 },
            ...(lever.paced && { paced: { warmup: 20, count: 100, maxSeconds: 6, intervalMs: 25 } }),
            uniqueDocuments: lever.uniqueDocuments,
            logBytes: lever.logBytes,
          },
          scratch,
        );
      });
      return {
        settings,
        rounds,
        coldStartMs: {
          bundle: await coldStarts(bundle, fastUpstream.url),
          sources: await coldStarts(GATEWAY_SOURCES, fastUpstream.url),
        },
      };
    } finally {
      await fastUpstream.stop();
    }
  },
  render({ settings, rounds, coldStartMs }) {
    const rows = KEYS.map((key) => {
      const lever = LEVERS[key] as Lever;
      const own = rounds[key] ?? [];
      const base = key === "shipped" ? undefined : rounds[lever.against ?? "shipped"];
      const paired = (metric: Metric) => (base ? delta(pairedRatio(own, base, metric)) : "");
      return [
        lever.lever,
        lever.variant,
        `${num(medianOf(own, metrics.rpsAt(settings.connections)))}${paired(metrics.rpsAt(settings.connections))}`,
        `${num(medianOf(own, metrics.p50Us))}${paired(metrics.p50Us)}`,
        lever.paced ? `${num(medianOf(own, metrics.pacedP50Us))}${paired(metrics.pacedP50Us)}` : "",
        num(mb(medianOf(own, metrics.rssPeak)), 1),
        num(mb(medianOf(own, metrics.rssIdle)), 1),
        lever.logBytes ? num(medianOf(own, metrics.logBytesPerRequest)) : "",
      ];
    });
    return [
      `${settings.rounds} alternating rounds; ${settings.seconds} s at ${settings.connections} connections (autocannon), then 1,000 sequential requests for p50, and, where marked, 100 paced ones (one per 25 ms). Medians; in brackets, the median of the per-round ratios to the shipped gateway (or the row above it), so drift of the machine cancels.`,
      "",
      table(
        [
          "Lever",
          "Variant",
          `req/s @${settings.connections}`,
          "p50 µs",
          "paced p50 µs",
          `RSS peak MB @${settings.connections}`,
          "RSS idle MB",
          "log B/request",
        ],
        rows,
        2,
      ),
      "",
      `Cold start, spawn to the first 200 on /health (median of 5): bundle ${num(median(coldStartMs.bundle))} ms, tsx sources ${num(median(coldStartMs.sources))} ms.`,
    ].join("\n");
  },
};
