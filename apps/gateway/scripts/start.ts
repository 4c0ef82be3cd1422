// `pnpm start`: the main job. With no upstream configured (neither FLINKS_BASE_URL nor FLINKS_INSTANCE)
// it starts Prism on spec/openapi.yaml and the gateway's sources against it; otherwise the gateway alone.
//
// Before anything starts, it checks what would stop the gateway later: the configuration (the gateway's
// own loadConfig, on the environment the gateway will get) and the ports. Then it waits until the
// gateway answers, prints the URLs, the mode and the upstream, and "Ready." only once its /status says the
// upstream answers. It stops everything on Ctrl-C or SIGTERM (pnpm forwards its own), when
// either child exits, and when its parent (pnpm) dies: the watchdog then sends it SIGTERM.
import "@flinks-authorize/kit/parent-watchdog";
import { resolveBaseUrl } from "@flinks-authorize/client";
import { GATEWAY_SOURCES } from "@flinks-authorize/kit/gateway";
import { answers200, waitFor } from "@flinks-authorize/kit/ports";
import { startPrism } from "@flinks-authorize/kit/prism";
import { type NodeProcess, spawnNode } from "@flinks-authorize/kit/processes";
import {
  ConfigError,
  DEFAULT_SHUTDOWN_GRACE_MS,
  type GatewayConfig,
  loadConfig,
} from "../src/config/index.js";
import { listenProblem, printableUrl, tryListen } from "../src/http/addresses.js";

const READY_TIMEOUT_MS = 60_000;
/** Longer than the gateway's readiness probe (2 s). */
const READINESS_TIMEOUT_MS = 4_000;
/** Beyond the gateway's own shutdown grace (GATEWAY_SHUTDOWN_GRACE_MS), once the configuration is read. */
let stopGraceMs = DEFAULT_SHUTDOWN_GRACE_MS + 2_000;
/** The gateway's configuration is taken from this shell (config.ts reads these); nothing else is. */
const GATEWAY_SETTING = /^(FLINKS_|GATEWAY_|OTEL_)|^(NODE_ENV|PORT|HOST|LOG_LEVEL|NODE_OPTIONS|REDIS_URL)$/;

const children: NodeProcess[] = [];
let stopping: Promise<never> | undefined;

function stop(exitCode: number): Promise<never> {
  stopping ??= Promise.all(children.map((child) => child.stop(stopGraceMs))).then(() =>
    process.exit(exitCode),
  );
  return stopping;
}

/** Either child ending on its own ends the whole. */
function watch(name: string, child: NodeProcess): void {
  children.push(child);
  void child.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`);
    void stop(1);
  });
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

/** A problem a person must fix before anything can start: printed alone, and nothing is started. */
class StartProblem extends Error {}

/** The gateway's configuration as it will read it, or a StartProblem naming each bad variable once. */
function gatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new StartProblem(`${error.message}\nNothing was started.`);
    throw error;
  }
}

const WILDCARDS = new Set(["0.0.0.0", "::"]);
/** Where this machine reaches a server listening on `host`. */
const localHost = (host: string) => (WILDCARDS.has(host) ? "127.0.0.1" : host);
const inUrl = (host: string) => (host.includes(":") ? `[${host}]` : host);

/** Whether GET url answers 200 within `timeoutMs`. */
/** Whether the gateway sees its upstream answer, by its /status (not /ready: that says nothing of Flinks). */
async function upstreamReachable(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const status = (await response.json()) as { upstream?: { reachable?: unknown } };
    return status.upstream?.reachable === true;
  } catch {
    return false;
  }
}

async function main() {
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => GATEWAY_SETTING.test(name)),
  );
  const config = gatewayConfig(env);
  stopGraceMs = config.shutdownGraceMs + 2_000;
  const mock = config.mode === "mock";
  const upstream = printableUrl(
    resolveBaseUrl({ baseUrl: config.flinks.baseUrl, instance: config.flinks.instance }),
  );
  const mockUrl = mock ? new URL(upstream) : undefined;

  const gatewayProblem = await tryListen(config.port, config.host);
  if (gatewayProblem) {
    const target = { port: config.port, host: config.host, portVariable: "PORT", hostVariable: "HOST" };
    throw new StartProblem(listenProblem(gatewayProblem, target) ?? String(gatewayProblem));
  }
  if (mockUrl) {
    const port = Number(mockUrl.port || 80);
    const host = mockUrl.hostname.replace(/^\[|\]$/g, "");
    if (port === config.port) {
      throw new StartProblem(
        `PORT and FLINKS_MOCK_URL both name port ${port}: set one of them to another port.`,
      );
    }
    const mockProblem = await tryListen(port, host);
    if (mockProblem) {
      const target = { port, host, portVariable: "FLINKS_MOCK_URL", hostVariable: "FLINKS_MOCK_URL" };
      throw new StartProblem(listenProblem(mockProblem, target) ?? String(mockProblem));
    }
    const prism = await startPrism({
      mode: "mock",
      host,
      port,
      output: "inherit",
      startupTimeoutMs: READY_TIMEOUT_MS,
    });
    watch("Prism", prism);
    env.FLINKS_MOCK_URL = mockUrl.origin;
  }

  // No balancer stands in front of `pnpm start`: a stop (Ctrl-C) need not keep idle connections open for
  // one to notice (GATEWAY_DRAIN_DELAY_MS, for replicas behind HAProxy or Kubernetes), unless asked to.
  env.GATEWAY_DRAIN_DELAY_MS ??= "0";
  const gateway = spawnNode({ entry: GATEWAY_SOURCES, env, output: "inherit" });
  watch("Gateway", gateway);
  const local = `http://${inUrl(localHost(config.host))}:${config.port}`;
  const healthy = await waitFor(() => answers200(`${local}/health`), {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 150,
    abandon: () => (gateway.running() ? undefined : "The gateway exited before it answered."),
  });
  if (!healthy) throw new Error(`The gateway did not answer on ${local} within 60 s.`);
  const ready = await upstreamReachable(`${local}/status`, READINESS_TIMEOUT_MS);

  const shown = WILDCARDS.has(config.host) || config.host === "127.0.0.1" ? "localhost" : inUrl(config.host);
  const graphqlUrl = `http://${shown}:${config.port}/graphql`;
  console.log("");
  console.log(`  Flinks Authorize gateway, ${config.mode} mode`);
  console.log(
    `  GraphQL: ${graphqlUrl}${config.introspection ? " (open it in a browser for GraphiQL)" : ""}`,
  );
  console.log(mock ? `  Upstream: Prism mock of the spec at ${upstream}` : `  Upstream: ${upstream}`);
  if (ready) {
    console.log("  Ready. Ctrl-C stops everything.");
  } else {
    console.log(
      `  Not ready: the upstream ${upstream} does not answer (${local}/status says so).` +
        "\n  The gateway runs and answers UpstreamUnavailableError until it does: check" +
        `\n  ${mock ? "FLINKS_MOCK_URL" : "FLINKS_INSTANCE or FLINKS_BASE_URL"} and this machine's network. Ctrl-C stops everything.`,
    );
  }
  console.log("");
}

main().catch((error: Error) => {
  // A child that exited has said why, and watch() is stopping the rest.
  if (stopping) return;
  console.error(error instanceof StartProblem ? error.message : (error.stack ?? error.message));
  void stop(1);
});
