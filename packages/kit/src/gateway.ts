import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { answers200, freePort, LOOPBACK, waitFor } from "./ports.js";
import { type NodeProcess, type NodeProcessOptions, spawnNode } from "./processes.js";

const GATEWAY_DIR = fileURLToPath(new URL("../../../apps/gateway/", import.meta.url));
/** The TypeScript entry, run through tsx: `pnpm start`, development. */
export const GATEWAY_SOURCES = `${GATEWAY_DIR}src/main.ts`;
/** What `pnpm build` writes and production runs. */
export const GATEWAY_BUNDLE = `${GATEWAY_DIR}dist/server.mjs`;

/**
 * The node flags production runs the bundle with,
 * `node --max-old-space-size=256 --max-semi-space-size=16 dist/server.mjs`: the benchmark, the soak and
 * the process tests take them from here, and a test keeps the docs' production command and the Dockerfile's CMD
 * equal to them.
 * Tuned on both benchmark scenarios (`pnpm bench slow` with GATEWAY_NODE_FLAGS, 2,000 consumers on a
 * 2 s Flinks, quiet machine): a 96 MB old space (the fast stub's choice) thrashed the collector once
 * 2,000 requests were alive (0.51 of the Little's-law limit, 3.3 CPU ms per authorization); 256 MB gave
 * 0.93 (1.2 ms) and, with a 16 MB semi-space (fewer scavenges of a young generation full of live
 * requests), 0.96 (1.1 ms) at 247 MB RSS. A 32 MB semi-space gave 0.98 but 283 MB, too near the 300 MB
 * goal. Single 30 s runs each: differences of a few hundredths are within noise.
 * No `--enable-source-maps`: the map costs about 35 MB of heap.
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = [
  "--max-old-space-size=256",
  "--max-semi-space-size=16",
];

export interface GatewayProcessOptions extends Omit<NodeProcessOptions, "entry" | "env"> {
  /** Default: the production bundle, run with PRODUCTION_NODE_FLAGS unless `nodeArgs` says otherwise. */
  entry?: string;
  /** The gateway's configuration; PORT and HOST (loopback) are set here. */
  env: Record<string, string | undefined>;
  /** Default: a free one. */
  port?: number;
  /** How long to wait for the first 200 on /health (ms). Default 30 s. */
  readyTimeoutMs?: number;
}

export interface GatewayProcess extends NodeProcess {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Spawn to the first 200 on /health (ms). */
  readonly readyMs: number;
}

/** Starts a gateway process on loopback and resolves once /health answers 200. */
export async function startGateway(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const { entry = GATEWAY_BUNDLE, port = await freePort(), readyTimeoutMs = 30_000, env, ...rest } = options;
  if (!existsSync(entry)) {
    throw new Error(`${entry} does not exist${entry === GATEWAY_BUNDLE ? ": run pnpm build first" : ""}.`);
  }
  const nodeArgs = rest.nodeArgs ?? (entry.endsWith(".ts") ? [] : [...PRODUCTION_NODE_FLAGS]);
  const started = spawnNode({
    ...rest,
    entry,
    nodeArgs,
    env: { ...env, PORT: String(port), HOST: LOOPBACK },
  });
  const url = `http://${LOOPBACK}:${port}`;
  const healthy = await waitFor(() => answers200(`${url}/health`), {
    timeoutMs: readyTimeoutMs,
    intervalMs: 10,
    abandon: () =>
      started.running() ? undefined : `the gateway exited before it was healthy:\n${started.output()}`,
  });
  if (!healthy) {
    await started.stop();
    throw new Error(
      `the gateway was not healthy on ${url} within ${readyTimeoutMs} ms:\n${started.output()}`,
    );
  }
  return Object.assign(started, { port, url, readyMs: performance.now() - started.spawnedAt });
}
