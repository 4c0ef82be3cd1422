// Bounded soak of the gateway, loopback only: a fast fake Flinks in this process, the gateway as its own
// process configured like production, and autocannon driving the authorize mutation at 100 concurrent
// connections for SOAK_SECONDS (default 30, at most 300). Prints totals, latency and the gateway's RSS
// after warm-up and at the end, then PASS (exit 0) or FAIL (exit 1) against: 0 errors, RSS growth < 10 %.
//
//   pnpm soak                      # from the repository root
//   SOAK_SECONDS=120 pnpm soak
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { authorized, LOGIN_ID, TOKEN } from "../test/harness.js";

const GATEWAY_DIR = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";
const CONNECTIONS = 100;
const DEFAULT_SECONDS = 30;
const MAX_SECONDS = 300;
const STARTUP_TIMEOUT_MS = 60_000;
/** Beyond server.ts's 10 s shutdown grace. */
const STOP_TIMEOUT_MS = 12_000;
const MAX_RSS_GROWTH = 0.1;
const LOG_TAIL_LINES = 40;

const QUERY = `mutation Soak($input: AuthorizeInput!) {
  authorize(input: $input) {
    __typename
    ... on Authorized { requestId institution login { id } }
    ... on Error { message code }
  }
}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function soakSeconds(raw = process.env.SOAK_SECONDS): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_SECONDS;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 5) {
    throw new Error(`SOAK_SECONDS must be a whole number of seconds, at least 5 (got "${raw}")`);
  }
  return Math.min(Number(raw), MAX_SECONDS);
}

/** The gateway's resident set in KiB: /proc where there is one, ps elsewhere. */
function rssKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (match?.[1] !== undefined) return Number(match[1]);
  } catch {
    // No procfs: try ps.
  }
  try {
    const out = execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8", timeout: 2_000 });
    const value = Number(out.trim());
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

const mib = (kib: number | undefined) => (kib === undefined ? "n/a" : `${(kib / 1024).toFixed(1)} MiB`);

async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, HOST);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

/** A Flinks that always succeeds at once: a token for GenerateAuthorizeToken, Authorized otherwise. */
async function startUpstream(): Promise<{ server: Server; url: string; calls: () => number }> {
  const tokenBody = JSON.stringify({ HttpStatusCode: 200, Token: TOKEN });
  const authorizedBody = JSON.stringify(authorized);
  let calls = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      calls++;
      const body = request.url?.endsWith("/GenerateAuthorizeToken") ? tokenBody : authorizedBody;
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  server.listen(0, HOST);
  await once(server, "listening");
  return { server, url: `http://${HOST}:${(server.address() as AddressInfo).port}`, calls: () => calls };
}

interface GatewayProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
  /** The last lines the gateway wrote (stdout and stderr), for a failure report. */
  tail: string[];
  /** pino lines at warn (40) or above. */
  warnings: number;
}

function startGateway(port: number, upstreamUrl: string, apiKey: string): GatewayProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith("FLINKS_") || name.startsWith("GATEWAY_")) delete env[name];
  }
  Object.assign(env, {
    NODE_ENV: "production",
    HOST,
    PORT: String(port),
    LOG_LEVEL: "warn",
    FLINKS_BASE_URL: upstreamUrl,
    FLINKS_SECRET_KEY: `soak-secret-${randomBytes(8).toString("hex")}`,
    GATEWAY_API_KEYS: apiKey,
  });
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: GATEWAY_DIR,
    env,
    // Its own process group: Ctrl-C reaches this script, which stops the gateway itself.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const gateway: GatewayProcess = {
    child,
    port,
    exited: new Promise((resolve) => child.once("exit", () => resolve())),
    tail: [],
    warnings: 0,
  };
  const collect = (chunk: string) => {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      if (/"level":(4|5|6)\d/.test(line)) gateway.warnings++;
      gateway.tail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
      if (gateway.tail.length > LOG_TAIL_LINES) gateway.tail.shift();
    }
  };
  child.stdout?.setEncoding("utf8").on("data", collect);
  child.stderr?.setEncoding("utf8").on("data", collect);
  return gateway;
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function waitHealthy(gateway: GatewayProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!alive(gateway.child)) throw new Error("the gateway exited during startup");
    try {
      const response = await fetch(`http://${HOST}:${gateway.port}/health`, {
        signal: AbortSignal.timeout(1_000),
      });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`the gateway was not healthy within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

function isAuthorized(body: unknown): boolean {
  try {
    const parsed = JSON.parse(String(body)) as {
      data?: { authorize?: { __typename?: string; requestId?: string } };
      errors?: unknown;
    };
    return (
      parsed.errors === undefined &&
      parsed.data?.authorize?.__typename === "Authorized" &&
      parsed.data.authorize.requestId === authorized.RequestId
    );
  } catch {
    return false;
  }
}

/** One request with the key and one without, so the load below measures a correctly set-up gateway. */
async function preflight(url: string, headers: Record<string, string>, body: string): Promise<void> {
  const withKey = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await withKey.text();
  if (withKey.status !== 200 || !isAuthorized(text)) {
    throw new Error(`preflight with the API key: HTTP ${withKey.status} ${text.slice(0, 300)}`);
  }
  const { authorization: _, ...anonymous } = headers;
  const withoutKey = await fetch(url, {
    method: "POST",
    headers: anonymous,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  await withoutKey.arrayBuffer();
  if (withoutKey.status !== 401)
    throw new Error(`preflight without a key: HTTP ${withoutKey.status}, not 401`);
}

async function main(): Promise<number> {
  let seconds: number;
  try {
    seconds = soakSeconds();
  } catch (error) {
    console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  // V8 grows its heap for the first ~10 s under this load before RSS levels off (measured: live heap
  // after GC flat at 32–38 MiB while RSS rose from 209 to 287 MiB); growth is measured after that.
  const warmUpMs = Math.max(12_000, Math.round(seconds * 400));
  const apiKey = randomBytes(16).toString("hex");

  let gateway: GatewayProcess | undefined;
  let upstream: Server | undefined;
  let load: autocannon.Instance | undefined;
  let stopping: Promise<void> | undefined;
  let interruptedBy: NodeJS.Signals | undefined;

  const stopAll = () => {
    stopping ??= (async () => {
      load?.stop();
      if (gateway?.child.pid !== undefined) {
        const { child } = gateway;
        if (alive(child)) {
          child.kill("SIGTERM");
          await Promise.race([gateway.exited, sleep(STOP_TIMEOUT_MS)]);
        }
        try {
          // Last resort, the whole group: tsx's esbuild service too.
          process.kill(-(child.pid as number), "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      if (upstream) {
        upstream.closeAllConnections();
        const server = upstream;
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    })();
    return stopping;
  };
  const interrupted = (signal: NodeJS.Signals) => {
    interruptedBy = signal;
    console.error(`\nsoak: ${signal}, stopping the gateway and the fake upstream`);
    void stopAll().then(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  process.once("SIGHUP", interrupted);
  process.once("exit", () => {
    const pid = gateway?.child.pid;
    if (pid !== undefined && gateway && alive(gateway.child)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  });
  // Every step below is bounded; this is the net under them.
  const watchdog = setTimeout(
    () => {
      console.error("soak: watchdog fired: the run took far longer than its duration");
      void stopAll().then(() => process.exit(1));
    },
    STARTUP_TIMEOUT_MS + seconds * 1000 + 60_000,
  );
  watchdog.unref();

  try {
    const fake = await startUpstream();
    upstream = fake.server;
    gateway = startGateway(await freePort(), fake.url, apiKey);
    await waitHealthy(gateway);
    const pid = gateway.child.pid as number;

    const url = `http://${HOST}:${gateway.port}/graphql`;
    const headers = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };
    const body = JSON.stringify({
      query: QUERY,
      operationName: "Soak",
      variables: { input: { loginId: LOGIN_ID } },
    });
    await preflight(url, headers, body);

    console.log(
      `soak: ${seconds} s, ${CONNECTIONS} connections, no pipelining → ${url} (gateway pid ${pid}, NODE_ENV=production)`,
    );
    let warmRss: number | undefined;
    // Once a second for the peak; every tenth of the run kept, so a plateau tells itself from a leak.
    let peakRss = 0;
    const series: string[] = [];
    const seriesEvery = Math.max(1, Math.round(seconds / 10));
    let tick = 0;
    const sampler = setInterval(() => {
      tick++;
      const rss = rssKiB(pid);
      peakRss = Math.max(peakRss, rss ?? 0);
      if (tick % seriesEvery === 0)
        series.push(`${tick}s ${rss === undefined ? "n/a" : (rss / 1024).toFixed(0)}`);
    }, 1_000);
    const warmUp = setTimeout(() => {
      warmRss = rssKiB(pid);
      console.log(`soak: RSS after ${warmUpMs / 1000} s warm-up: ${mib(warmRss)}`);
    }, warmUpMs);

    let result: autocannon.Result;
    try {
      result = await new Promise<autocannon.Result>((resolve, reject) => {
        load = autocannon(
          {
            url,
            method: "POST",
            headers,
            body,
            connections: CONNECTIONS,
            pipelining: 1,
            duration: seconds,
            timeout: 10,
            verifyBody: isAuthorized,
          },
          (error: unknown, value) => (error ? reject(error) : resolve(value)),
        );
      });
    } finally {
      clearInterval(sampler);
      clearTimeout(warmUp);
    }
    if (interruptedBy !== undefined) {
      console.log(
        `soak: interrupted by ${interruptedBy} after ${result.requests.total} requests: no verdict`,
      );
      return 130;
    }
    const endRss = rssKiB(pid);
    peakRss = Math.max(peakRss, endRss ?? 0);
    const gatewayAlive = alive(gateway.child);

    // Every non-2xx body is also "not Authorized", so errors = socket errors + not-Authorized bodies.
    const errors = result.errors + result.mismatches;
    const growth =
      warmRss !== undefined && endRss !== undefined && warmRss > 0 ? (endRss - warmRss) / warmRss : undefined;
    const errorsPass = errors === 0 && result.non2xx === 0 && result.requests.total > 0 && gatewayAlive;
    const rssPass = growth !== undefined && growth < MAX_RSS_GROWTH;

    console.log(`total requests:      ${result.requests.total} (sent ${result.requests.sent})`);
    console.log(
      `errors:              ${errors} (socket errors ${result.errors} incl. timeouts ${result.timeouts}, non-2xx ${result.non2xx}, not Authorized ${result.mismatches})`,
    );
    console.log(
      `throughput:          ${result.requests.average.toFixed(1)} req/s (${(result.throughput.average / 1024 / 1024).toFixed(2)} MiB/s)`,
    );
    console.log(
      `latency:             p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (max ${result.latency.max} ms)`,
    );
    console.log(`upstream calls:      ${fake.calls()}`);
    console.log(`RSS after warm-up:   ${mib(warmRss)}`);
    console.log(`RSS at end:          ${mib(endRss)} (peak ${mib(peakRss || undefined)})`);
    console.log(`RSS over time (MiB): ${series.join(", ")}`);
    console.log(`RSS growth:          ${growth === undefined ? "n/a" : `${(growth * 100).toFixed(1)} %`}`);
    console.log(`gateway warn/error log lines: ${gateway.warnings}${gatewayAlive ? "" : " (gateway DIED)"}`);
    console.log(`goal 0 errors:       ${errorsPass ? "PASS" : "FAIL"}`);
    console.log(`goal RSS growth < ${MAX_RSS_GROWTH * 100} %: ${rssPass ? "PASS" : "FAIL"}`);
    const pass = errorsPass && rssPass;
    console.log(`soak: ${pass ? "PASS" : "FAIL"}`);
    if (!pass && gateway.tail.length > 0) {
      console.log(`last gateway output:\n${gateway.tail.join("\n")}`);
    }
    return pass ? 0 : 1;
  } catch (error) {
    console.error(`soak: FAIL: ${error instanceof Error ? error.message : String(error)}`);
    if (gateway && gateway.tail.length > 0) console.error(`last gateway output:\n${gateway.tail.join("\n")}`);
    return 1;
  } finally {
    await stopAll();
    clearTimeout(watchdog);
  }
}

process.exitCode = await main();
