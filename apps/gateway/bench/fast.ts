import { startFakeFlinksProcess } from "@flinks-authorize/kit/fake-flinks-process";
import { median } from "./load.js";
import { type Goal, goalLines, mb, num, type Scenario, table } from "./results.js";
import { alternate, coldStarts, measureRound, type RoundResult, roundsAndSeconds } from "./rounds.js";
import { intEnv } from "./settings.js";
import { medianOf, metrics, pairedRatio } from "./summaries.js";
import { directClient, rawForwarder, shippedGateway, type Target } from "./targets.js";

/**
 * `pnpm bench fast`: the gateway as shipped against two baselines that make the same two upstream calls
 * per request (a raw node:http forwarder, and the typed client with no GraphQL), on a fake Flinks that
 * answers at once, each in its own process. What the GraphQL layer and the client cost per request.
 */
const KEYS = ["gateway", "raw", "direct"] as const;
type Key = (typeof KEYS)[number];

export interface FastData {
  settings: { rounds: number; seconds: number; connections: number[]; probeCount: number };
  targets: Record<Key, { label: string; rounds: RoundResult[] }>;
  /** Spawn to the first 200 on /health of the production bundle (ms), five runs. */
  coldStartMs: number[];
}

const CONNECTIONS = [1, 10, 50];

export const fast: Scenario<FastData> = {
  title: "Fast path: gateway, raw forwarder, direct client",
  async run({ bundle, scratch }) {
    const settings = {
      ...roundsAndSeconds(5),
      connections: CONNECTIONS,
      probeCount: intEnv("BENCH_PROBE_COUNT", 2_000, 10, 100_000),
    };
    const targets: Record<Key, Target> = {
      gateway: shippedGateway(bundle),
      raw: rawForwarder,
      direct: directClient,
    };
    const upstream = await startFakeFlinksProcess();
    try {
      const rounds = await alternate(KEYS, settings.rounds, (key, round) =>
        measureRound(
          targets[key],
          upstream.url,
          round,
          {
            connections: settings.connections,
            seconds: settings.seconds,
            warmupSeconds: 2,
            probe: { warmup: 300, count: settings.probeCount, maxSeconds: 10 },
          },
          scratch,
        ),
      );
      const coldStartMs = await coldStarts(bundle, upstream.url);
      return {
        settings,
        targets: Object.fromEntries(
          KEYS.map((key) => [key, { label: targets[key].label, rounds: rounds[key] }]),
        ) as FastData["targets"],
        coldStartMs,
      };
    } finally {
      await upstream.stop();
    }
  },
  render({ settings, targets, coldStartMs }) {
    const { gateway, raw, direct } = targets;
    const rows = KEYS.map((key) => {
      const { label, rounds } = targets[key];
      return [
        label,
        ...settings.connections.map((c) => num(medianOf(rounds, metrics.rpsAt(c)))),
        num(medianOf(rounds, metrics.p50Us)),
        num(medianOf(rounds, metrics.p99Us)),
        num(mb(medianOf(rounds, metrics.rssPeak)), 1),
        num(mb(medianOf(rounds, metrics.rssIdle)), 1),
      ];
    });
    const ratio = (a: RoundResult[], b: RoundResult[]) =>
      settings.connections.map((c) => `c=${c} ${num(pairedRatio(a, b, metrics.rpsAt(c)), 2)}×`).join(", ");
    const addedP50 = medianOf(gateway.rounds, metrics.p50Us) - medianOf(raw.rounds, metrics.p50Us);
    const goals: Goal[] = [
      ...settings.connections.map((c) => ({
        name: `throughput c=${c}, gateway ÷ raw forwarder`,
        measured: pairedRatio(gateway.rounds, raw.rounds, metrics.rpsAt(c)),
        unit: "×",
        atLeast: 0.5,
      })),
      { name: "added p50, gateway − raw forwarder", measured: addedP50, unit: " µs", atMost: 500, digits: 0 },
      {
        name: `gateway RSS peak at ${Math.max(...settings.connections)} connections`,
        measured: mb(medianOf(gateway.rounds, metrics.rssPeak)) ?? Number.NaN,
        unit: " MB",
        atMost: 150,
        digits: 1,
      },
    ];
    return [
      `${settings.rounds} alternating rounds of ${settings.seconds} s per connection count (autocannon, no pipelining); medians. p50/p99: ${settings.probeCount} sequential requests on one connection. Ratios are paired by round.`,
      "",
      table(
        [
          "Target",
          ...settings.connections.map((c) => `req/s c=${c}`),
          "p50 µs",
          "p99 µs",
          `RSS peak MB @${Math.max(...settings.connections)}`,
          "RSS idle MB",
        ],
        rows,
      ),
      "",
      "```",
      `gateway ÷ raw forwarder:       ${ratio(gateway.rounds, raw.rounds)}`,
      `direct client ÷ raw forwarder: ${ratio(direct.rounds, raw.rounds)}`,
      `gateway ÷ direct client:       ${ratio(gateway.rounds, direct.rounds)}`,
      "",
      goalLines(goals),
      "```",
      "",
      `Cold start of the production bundle, spawn to the first 200 on /health: median ${num(median(coldStartMs))} ms (${coldStartMs.join(", ")}).`,
    ].join("\n");
  },
};
