import { accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { accepts, freePort, LOOPBACK, waitFor } from "./ports.js";
import { type NodeProcess, spawnNode } from "./processes.js";

/** What a test that needs Redis says when the machine has none. */
export const REDIS_INSTALL_HINT =
  "redis-server is not installed: run `apt-get install -y redis-server` (Debian; .ci/run installs it)";

/** The redis-server binary on PATH, or undefined when the machine has none. */
export function redisServerBinary(): string | undefined {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(folder, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

export interface RedisServer extends NodeProcess {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
}

export interface RedisOptions {
  /** Default: a free one. Pass the port of a Redis that was stopped to start it again "in the same place". */
  port?: number;
  /** How long to wait for the port to accept connections (ms). Default 10 s. */
  startupTimeoutMs?: number;
}

const MAIN = fileURLToPath(new URL("./redis-main.mjs", import.meta.url));

/**
 * Starts Debian's redis-server on loopback, persisting nothing, under a node parent that carries the
 * watchdog (redis-main.mjs); resolves once it accepts connections. `stop()` ends both; `signal("SIGKILL")`
 * kills both at once, as a crash would.
 */
export async function startRedis({
  port,
  startupTimeoutMs = 10_000,
}: RedisOptions = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (!binary) throw new Error(REDIS_INSTALL_HINT);
  const chosen = port ?? (await freePort());
  const started = spawnNode({ entry: MAIN, args: [binary, String(chosen), tmpdir()] });
  const ready = await waitFor(() => accepts(chosen), {
    timeoutMs: startupTimeoutMs,
    intervalMs: 20,
    abandon: () =>
      started.running() ? undefined : `redis-server exited before it was ready:\n${started.output()}`,
  });
  if (!ready) {
    await started.stop();
    throw new Error(`redis-server did not accept connections on ${chosen} within ${startupTimeoutMs} ms.`);
  }
  return Object.assign(started, { port: chosen, url: `redis://${LOOPBACK}:${chosen}` });
}
