// `pnpm start`: the main job. With no upstream configured (neither FLINKS_BASE_URL nor FLINKS_INSTANCE)
// it starts Prism on spec/openapi.yaml and the gateway's sources against it; otherwise the gateway alone.
// It waits until both answer, prints the URLs, and stops both on Ctrl-C or SIGTERM, when either exits,
// and when its own parent (pnpm) dies: the watchdog then sends it SIGTERM.
import "@flinks-authorize/kit/parent-watchdog";
import { GATEWAY_SOURCES } from "@flinks-authorize/kit/gateway";
import { accepts, answers200, waitFor } from "@flinks-authorize/kit/ports";
import { startPrism } from "@flinks-authorize/kit/prism";
import { type NodeProcess, spawnNode } from "@flinks-authorize/kit/processes";
import { DEFAULT_MOCK_URL } from "../src/config.js";

const READY_TIMEOUT_MS = 60_000;
/** Beyond the gateway's own 10 s shutdown grace. */
const STOP_GRACE_MS = 12_000;
/** The gateway's configuration is taken from this shell (config.ts reads these); nothing else is. */
const GATEWAY_SETTING = /^(FLINKS_|GATEWAY_)|^(NODE_ENV|HOST|LOG_LEVEL|NODE_OPTIONS|REDIS_URL)$/;

const live = Boolean(process.env.FLINKS_BASE_URL?.trim() || process.env.FLINKS_INSTANCE?.trim());
const gatewayPort = Number(process.env.PORT?.trim() || 4000);
const mockUrl = new URL(process.env.FLINKS_MOCK_URL?.trim() || DEFAULT_MOCK_URL);

const children: NodeProcess[] = [];
let stopping: Promise<never> | undefined;

function stop(exitCode: number): Promise<never> {
  stopping ??= Promise.all(children.map((child) => child.stop(STOP_GRACE_MS))).then(() =>
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

async function main() {
  if (await accepts(gatewayPort)) {
    throw new Error(`Port ${gatewayPort} is already in use: stop what runs there or set PORT.`);
  }
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => GATEWAY_SETTING.test(name)),
  );
  env.PORT = String(gatewayPort);
  if (!live) {
    const mockPort = Number(mockUrl.port || 80);
    if (await accepts(mockPort, mockUrl.hostname)) {
      throw new Error(`Port ${mockPort} is already in use: stop what runs there or set FLINKS_MOCK_URL.`);
    }
    const prism = await startPrism({
      mode: "mock",
      host: mockUrl.hostname,
      port: mockPort,
      output: "inherit",
      startupTimeoutMs: READY_TIMEOUT_MS,
    });
    watch("Prism", prism);
    env.FLINKS_MOCK_URL = mockUrl.origin;
  }
  const gateway = spawnNode({ entry: GATEWAY_SOURCES, env, output: "inherit" });
  watch("Gateway", gateway);
  const ready = await waitFor(() => answers200(`http://127.0.0.1:${gatewayPort}/health`), {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 150,
    abandon: () => (gateway.running() ? undefined : "The gateway exited before it was ready."),
  });
  if (!ready) throw new Error(`The gateway did not answer on port ${gatewayPort} within 60 s.`);

  console.log("");
  console.log(`  GraphQL (GraphiQL in a browser): http://localhost:${gatewayPort}/graphql`);
  console.log(
    live
      ? "  Upstream: your Flinks (FLINKS_BASE_URL or FLINKS_INSTANCE)"
      : `  Prism mock of the spec: ${mockUrl.origin}`,
  );
  console.log("  Ready. Ctrl-C stops everything.");
  console.log("");
}

main().catch((error: Error) => {
  console.error(error.message);
  void stop(1);
});
