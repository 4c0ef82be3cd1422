import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
  /** Idle time allowed on a server's side of a request: longer than the longest answer (ms). */
  serverTimeoutMs?: number;
  /** Health check cadence on /ready (ms); a check also times out after this long. */
  checkIntervalMs?: number;
}

/**
 * An HAProxy configuration for gateway replicas, the way production would run it:
 * round-robin, no stickiness (handles are sealed, any replica opens them), health from /ready (503
 * while a replica drains), and retries only where nothing was sent.
 */
export function haproxyConfig({
  port,
  statsPort,
  backends,
  serverTimeoutMs = 300_000,
  checkIntervalMs = 2_000,
}: HaproxyConfigOptions): string {
  return [
    "global",
    // Two descriptors per proxied connection: within a default 20,000-descriptor limit.
    "  maxconn 8000",
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    // A live login can be silent for FLINKS_LIVE_TIMEOUT_MS (240 s) before its answer: the server-side
    // idle timeout must outlast it, or the balancer answers 504 for a login still running at the bank.
    `  timeout server ${serverTimeoutMs}ms`,
    `  timeout client ${serverTimeoutMs}ms`,
    // The subscription is a long streamed answer (server-sent events, kept alive by the gateway's pings),
    // governed by the two above; the tunnel timeout covers upgraded connections (WebSocket).
    "  timeout tunnel 1h",
    "  timeout http-keep-alive 60s",
    // Retry only a connection that failed to open (conn-failure): then no byte of the request reached a
    // gateway. Never empty-response, response-timeout or 5xx: those follow a request a gateway received,
    // and resending a POST authorize would start a second bank login.
    "  retries 3",
    "  option redispatch 1",
    "  retry-on conn-failure",
    "frontend gateway",
    `  bind ${LOOPBACK}:${port}`,
    "  default_backend replicas",
    "backend replicas",
    "  balance roundrobin",
    // HTTP/1.1 with a Host: HAProxy's default check (HTTP/1.0, no Host) is a request the gateway refuses.
    "  option httpchk",
    "  http-check send meth GET uri /ready ver HTTP/1.1 hdr host gateway",
    "  http-check expect status 200",
    // A replica saturated by load answers /ready late, not never: three missed checks in a row, each
    // allowed a full interval, before it is taken out (a short check timeout emptied the backend under
    // load in the replicas benchmark, and the balancer answered 503 for all).
    `  timeout check ${checkIntervalMs}ms`,
    `  default-server check inter ${checkIntervalMs}ms fall 3 rise 2`,
    // After-response: also on the balancer's own 502/503, so a failure names the replica it came from.
    `  http-after-response set-header ${SERVED_BY_HEADER} %s`,
    ...backends.map(({ name, port: backendPort }) => `  server ${name} ${LOOPBACK}:${backendPort}`),
    "listen stats",
    `  bind ${LOOPBACK}:${statsPort}`,
    "  stats enable",
    "  stats uri /stats",
    "",
  ].join("\n");
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
