import { startFakeFlinksProcess } from "@flinks-authorize/kit/fake-flinks-process";
import { startHaproxy } from "@flinks-authorize/kit/haproxy";
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
 * `pnpm bench replicas`: one and three gateway processes (the production bundle), each behind Debian's
 * HAProxy round-robin as in the replicas test, on a fake Flinks that answers at once. On a 2-core machine
 * three replicas share two cores with HAProxy, the fake Flinks and the load generator: the figure shows
 * what the balancer costs and that nothing serializes across replicas, not what three machines would do.
 */
const KEYS = ["one", "three"] as const;
type Key = (typeof KEYS)[number];
const LABELS: Record<Key, string> = { one: "1 replica behind HAProxy", three: "3 replicas behind HAProxy" };

export interface ReplicasData {
  settings: ScalingSettings;
  results: Record<Key, ScalingRound[]>;
}

export const replicas: Scenario<ReplicasData> = {
  title: "Replicas: one and three behind HAProxy",
  async run({ bundle }) {
    const settings = scalingSettings();
    const upstream = await startFakeFlinksProcess();
    try {
      const results = await measureScaling(KEYS, settings, async (key) => {
        const count = key === "one" ? 1 : 3;
        const gateways = await Promise.all(
          Array.from({ length: count }, () => startTarget(shippedGateway(bundle), upstream.url)),
        );
        try {
          const balancer = await startHaproxy({
            backends: gateways.map((gateway, index) => ({ name: `r${index + 1}`, port: gateway.port })),
          });
          return {
            url: balancer.url,
            pids: [balancer.pid, ...gateways.map((gateway) => gateway.pid)],
            stop: async () => {
              await balancer.stop();
              await Promise.all(gateways.map((gateway) => gateway.stop()));
            },
          };
        } catch (error) {
          await Promise.all(gateways.map((gateway) => gateway.stop()));
          throw error;
        }
      });
      return { settings, results };
    } finally {
      await upstream.stop();
    }
  },
  render: ({ settings, results }) =>
    [
      `${settings.rounds} alternating rounds of ${settings.seconds} s per connection count (autocannon through HAProxy, no pipelining), on a fake Flinks that answers at once; medians, ratios paired by round. RSS: HAProxy and every replica.`,
      "",
      renderScaling(KEYS, LABELS, settings, results),
    ].join("\n"),
};
