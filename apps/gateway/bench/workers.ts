import { startFakeFlinksProcess } from "@flinks-authorize/kit/fake-flinks-process";
import { descendants } from "@flinks-authorize/kit/processes";
import type { Scenario } from "./results.js";
import {
  measureScaling,
  renderScaling,
  type ScalingRound,
  type ScalingSettings,
  scalingSettings,
} from "./scaling.js";
import { shippedGateway, startTarget } from "./targets.js";

/**
 * `pnpm bench workers`: the production bundle with GATEWAY_WORKERS=1 and =2 (node:cluster), on a fake
 * Flinks that answers at once, so the gateway's CPU is the limit and a second core is what a second
 * worker can add. On a machine where the fake Flinks and the load generator share those cores, expect
 * well under 2×.
 */
const KEYS = ["one", "two"] as const;
type Key = (typeof KEYS)[number];
const LABELS: Record<Key, string> = { one: "GATEWAY_WORKERS=1", two: "GATEWAY_WORKERS=2" };

export interface WorkersData {
  settings: ScalingSettings;
  results: Record<Key, ScalingRound[]>;
}

export const workers: Scenario<WorkersData> = {
  title: "Workers: one process, or a node:cluster of two",
  async run({ bundle }) {
    const settings = scalingSettings();
    const upstream = await startFakeFlinksProcess();
    try {
      const results = await measureScaling(KEYS, settings, async (key) => {
        const count = key === "one" ? 1 : 2;
        const target = shippedGateway(bundle);
        const gateway = await startTarget(
          { ...target, run: { ...target.run, env: { GATEWAY_WORKERS: String(count) } } },
          upstream.url,
        );
        // /health answers once the first worker listens: measure only with all of them serving.
        const deadline = performance.now() + 10_000;
        while (count > 1 && descendants(gateway.pid).length < count && performance.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await new Promise((resolve) => setTimeout(resolve, count > 1 ? 500 : 0));
        return { url: gateway.url, pids: [gateway.pid], stop: async () => void (await gateway.stop()) };
      });
      return { settings, results };
    } finally {
      await upstream.stop();
    }
  },
  render: ({ settings, results }) =>
    [
      `${settings.rounds} alternating rounds of ${settings.seconds} s per connection count (autocannon, no pipelining), on a fake Flinks that answers at once; medians, ratios paired by round.`,
      "",
      renderScaling(KEYS, LABELS, settings, results),
    ].join("\n"),
};
