import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { accepts, freePort, LOOPBACK, waitFor } from "./ports.js";
import { type NodeProcess, spawnNode } from "./processes.js";

/** What a test or benchmark that needs HAProxy says when the machine has none. */
export const HAPROXY_INSTALL_HINT =
  "haproxy is not installed: run `apt-get install -y haproxy` (Debian; .ci/run installs it)";

/** The haproxy binary on PATH (or Debian's /usr/sbin), or undefined when the machine has none. */
export function haproxyBinary(): string | undefined {
  for (const folder of [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin"]) {
    if (folder === "") continue;
    const candidate = join(folder, "haproxy");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** The response header naming the replica that answered (HAProxy's server name, `%s`). */
export const SERVED_BY_HEADER = "x-served-by";

export interface HaproxyBackend {
  /** The name HAProxy gives it, sent back in SERVED_BY_HEADER. */
  name: string;
  port: number;
}

export interface HaproxyConfigOptions {
  /** Where the balancer listens on loopback. */
  port: number;
  /** Where HAProxy's statistics page listens (`/stats;csv`): retries and redispatches per server. */
  statsPort: number;
  backends: HaproxyBackend[];
  /** Idle time allowed on a server's side of a request (ms); default: the shipped file's. */
  serverTimeoutMs?: number;
  /** Health check cadence on /ready (ms), for tests that cannot wait 6 s; default: the shipped file's. */
  checkIntervalMs?: number;
}

/** The configuration operators deploy; every balancer the tests and benchmarks start runs it. */
export const SHIPPED_HAPROXY_CONFIG = fileURLToPath(
  new URL("../../../apps/gateway/deploy/haproxy/haproxy.cfg", import.meta.url),
);

/** Replaces every line `pattern` matches with `lines` (once, at the first), or throws: the file changed. */
function replaceLines(config: string[], pattern: RegExp, lines: string[]): string[] {
  const first = config.findIndex((line) => pattern.test(line));
  if (first === -1) throw new Error(`${SHIPPED_HAPROXY_CONFIG} has no line matching ${pattern}`);
  return config.flatMap((line, index) => (index === first ? lines : pattern.test(line) ? [] : [line]));
}

/**
 * The shipped HAProxy configuration (apps/gateway/deploy/haproxy/haproxy.cfg) with this machine's
 * loopback addresses in place of its `bind` and `server` lines, and, when a test asks, a shorter check
 * interval or server timeout. Everything else (retries, health, timeouts) is the file's: what the tests
 * and benchmarks measure is what operators deploy.
 */
export function haproxyConfig({
  port,
  statsPort,
  backends,
  serverTimeoutMs,
  checkIntervalMs,
}: HaproxyConfigOptions): string {
  let config = readFileSync(SHIPPED_HAPROXY_CONFIG, "utf8").split("\n");
  config = replaceLines(config, /^ {2}bind :80$/, [`  bind ${LOOPBACK}:${port}`]);
  config = replaceLines(config, /^ {2}bind 127\.0\.0\.1:8404$/, [`  bind ${LOOPBACK}:${statsPort}`]);
  config = replaceLines(
    config,
    /^ {2}server /,
    backends.map(({ name, port: backendPort }) => `  server ${name} ${LOOPBACK}:${backendPort}`),
  );
  if (serverTimeoutMs !== undefined) {
    config = replaceLines(config, /^ {2}timeout server /, [`  timeout server ${serverTimeoutMs}ms`]);
    config = replaceLines(config, /^ {2}timeout client /, [`  timeout client ${serverTimeoutMs}ms`]);
  }
  if (checkIntervalMs !== undefined) {
    config = replaceLines(config, /^ {2}timeout check /, [`  timeout check ${checkIntervalMs}ms`]);
    config = config.map((line) =>
      line.startsWith("  default-server ") ? line.replace(/inter \S+/, `inter ${checkIntervalMs}ms`) : line,
    );
  }
  return config.join("\n");
}

/** One server's counters from HAProxy's CSV statistics. */
export interface HaproxyServerStats {
  name: string;
  /** Status: UP, DOWN, … */
  status: string;
  /** Connection attempts retried, and requests sent to another server after a failure. */
  retries: number;
  redispatches: number;
  /** HTTP responses by class. */
  responses: Record<"1xx" | "2xx" | "3xx" | "4xx" | "5xx", number>;
}

export interface Haproxy extends NodeProcess {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly config: string;
  /** Per-server counters of the `replicas` backend. */
  serverStats(): Promise<HaproxyServerStats[]>;
}

const MAIN = fileURLToPath(new URL("./haproxy-main.mjs", import.meta.url));

/**
 * Starts Debian's haproxy on loopback in front of `backends`, under a node parent that carries the
 * watchdog (haproxy-main.mjs); resolves once it accepts connections and sees every backend up.
 */
export async function startHaproxy(
  options: Omit<HaproxyConfigOptions, "port" | "statsPort"> & { startupTimeoutMs?: number },
): Promise<Haproxy> {
  const binary = haproxyBinary();
  if (!binary) throw new Error(HAPROXY_INSTALL_HINT);
  const { startupTimeoutMs = 15_000, ...rest } = options;
  const port = await freePort();
  const statsPort = await freePort();
  const config = haproxyConfig({ ...rest, port, statsPort });
  const folder = mkdtempSync(join(tmpdir(), "haproxy-"));
  const configFile = join(folder, "haproxy.cfg");
  writeFileSync(configFile, config);
  const started = spawnNode({ entry: MAIN, args: [binary, configFile] });
  void started.exited.then(() => rmSync(folder, { recursive: true, force: true }));

  const serverStats = async (): Promise<HaproxyServerStats[]> => {
    const response = await fetch(`http://${LOOPBACK}:${statsPort}/stats;csv`, {
      signal: AbortSignal.timeout(2_000),
    });
    const [header = "", ...rows] = (await response.text()).split("\n");
    const columns = header.replace(/^# /, "").split(",");
    const at = (row: string[], column: string) => row[columns.indexOf(column)] ?? "";
    return rows
      .map((line) => line.split(","))
      .filter(
        (row) => at(row, "pxname") === "replicas" && !["FRONTEND", "BACKEND"].includes(at(row, "svname")),
      )
      .map((row) => ({
        name: at(row, "svname"),
        status: at(row, "status"),
        retries: Number(at(row, "wretr")),
        redispatches: Number(at(row, "wredis")),
        responses: {
          "1xx": Number(at(row, "hrsp_1xx")),
          "2xx": Number(at(row, "hrsp_2xx")),
          "3xx": Number(at(row, "hrsp_3xx")),
          "4xx": Number(at(row, "hrsp_4xx")),
          "5xx": Number(at(row, "hrsp_5xx")),
        },
      }));
  };

  const ready = await waitFor(
    async () =>
      (await accepts(port)) &&
      (await serverStats().catch(() => [])).filter(({ status }) => status === "UP").length ===
        options.backends.length,
    {
      timeoutMs: startupTimeoutMs,
      intervalMs: 50,
      abandon: () =>
        started.running() ? undefined : `haproxy exited before it was ready:\n${started.output()}`,
    },
  );
  if (!ready) {
    await started.stop();
    throw new Error(
      `haproxy did not see every backend up within ${startupTimeoutMs} ms:\n${started.output()}`,
    );
  }
  return Object.assign(started, { port, url: `http://${LOOPBACK}:${port}`, config, serverStats });
}
