import { fileURLToPath } from "node:url";
import { type FakeFlinksStats, STATS_PATH } from "./fake-flinks.js";
import { answers200, freePort, LOOPBACK, waitFor } from "./ports.js";
import { type NodeProcess, spawnNode } from "./processes.js";

const MAIN = fileURLToPath(new URL("./fake-flinks-main.ts", import.meta.url));

/** "GenerateAuthorizeToken=50,Authorize=2000" → `{ GenerateAuthorizeToken: 50, Authorize: 2000 }`. */
export function parseLatency(text: string): Record<string, number> {
  const latency: Record<string, number> = {};
  for (const pair of text.split(",").filter((part) => part.trim() !== "")) {
    const [operation, ms] = pair.split("=").map((part) => part.trim());
    if (!operation || ms === undefined || !/^\d+$/.test(ms)) {
      throw new Error(`FAKE_FLINKS_LATENCY_MS: "${pair}" is not Operation=milliseconds`);
    }
    latency[operation] = Number(ms);
  }
  return latency;
}

export const formatLatency = (latency: Record<string, number>): string =>
  Object.entries(latency)
    .map(([operation, ms]) => `${operation}=${ms}`)
    .join(",");

export interface FakeFlinksProcess {
  readonly url: string;
  readonly process: NodeProcess;
  stats(): Promise<FakeFlinksStats>;
  /** Counters back to zero, peak in flight included: between two measured runs. */
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the fake Flinks in its own process (so it does not share an event loop with what it serves). */
export async function startFakeFlinksProcess(
  latencyMs: Record<string, number> = {},
): Promise<FakeFlinksProcess> {
  const port = await freePort();
  const started = spawnNode({
    entry: MAIN,
    env: { PORT: String(port), FAKE_FLINKS_LATENCY_MS: formatLatency(latencyMs) },
  });
  const url = `http://${LOOPBACK}:${port}`;
  const ready = await waitFor(() => answers200(`${url}${STATS_PATH}`), {
    timeoutMs: 20_000,
    abandon: () => (started.running() ? undefined : `the fake Flinks exited:\n${started.output()}`),
  });
  if (!ready) {
    await started.stop();
    throw new Error(`the fake Flinks did not answer on ${url}:\n${started.output()}`);
  }
  const call = async (method: string) => {
    const response = await fetch(`${url}${STATS_PATH}`, { method });
    return (await response.json()) as FakeFlinksStats;
  };
  return {
    url,
    process: started,
    stats: () => call("GET"),
    resetStats: async () => {
      await call("DELETE");
    },
    stop: async () => {
      await started.stop();
    },
  };
}
