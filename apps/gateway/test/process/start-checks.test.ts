import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { PRODUCTION_NODE_FLAGS } from "@flinks-authorize/kit/gateway";
import { freePort, waitFor } from "@flinks-authorize/kit/ports";
import { type NodeProcess, spawnNode } from "@flinks-authorize/kit/processes";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { CALLER_KEY } from "../harness.js";

/**
 * What `pnpm start` (apps/gateway/scripts/start.ts, run as pnpm runs it: node --import tsx) checks before
 * it starts anything, and what it says once the gateway answers. None of these start Prism, so they are
 * quick; the full mock-mode start is test/process/start.test.ts.
 */

const START_SCRIPT = fileURLToPath(new URL("../../scripts/start.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

const running: NodeProcess[] = [];
const held: Server[] = [];

function start(env: Record<string, string>): NodeProcess {
  const started = spawnNode({ entry: START_SCRIPT, cwd: ROOT, env });
  running.push(started);
  return started;
}

/** Runs start.ts until it exits on its own, within 30 s. */
async function refused(env: Record<string, string>) {
  const started = start(env);
  const exit = await Promise.race([started.exited, new Promise<undefined>((r) => setTimeout(r, 30_000))]);
  return { exit, stdout: started.stdout(), stderr: started.stderr() };
}

function hold(port: number, host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      held.push(server);
      resolve(server);
    });
  });
}

let upstream: FakeFlinks;
beforeAll(async () => {
  upstream = await startFakeFlinks();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((started) => started.stop(15_000)));
  await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
}, 20_000);
afterAll(() => upstream?.close());

describe("pnpm start refuses, before it starts anything, with one line per problem naming the variable", () => {
  it("PORT=abc", async () => {
    const { exit, stdout, stderr } = await refused({ PORT: "abc" });
    expect(exit?.code).toBe(1);
    expect(stderr).toBe(
      "Invalid gateway configuration:\n  - PORT: must be a whole number\nNothing was started.\n",
    );
    // Prism never started: it prints "Starting Prism" when it does.
    expect(stdout).toBe("");
  });

  it("production in mock mode: every variable to set, each once", async () => {
    const { exit, stderr } = await refused({ NODE_ENV: "production" });
    expect(exit?.code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines.slice(1, -1).map((line) => line.split(":")[0])).toEqual([
      "  - FLINKS_INSTANCE",
      "  - GATEWAY_API_KEYS",
      "  - FLINKS_SECRET_KEY",
    ]);
    expect(lines[1]).toContain("(or FLINKS_BASE_URL)");
  });

  it("never prints a bad value", async () => {
    const { exit, stderr } = await refused({
      FLINKS_INSTANCE: "evil.example/CANARY-7f3a",
      FLINKS_SECRET_KEY: "CANARY-9b1c",
    });
    expect(exit?.code).toBe(1);
    expect(stderr).toContain("FLINKS_INSTANCE: must be an instance name");
    expect(stderr).not.toContain("CANARY");
  });

  // Connecting to 127.0.0.1 saw nothing there; the gateway, binding 0.0.0.0, died with EADDRINUSE.
  it("the gateway's port held on another address", async () => {
    const port = await freePort();
    const holder = await hold(port, "127.0.0.2");
    if (!holder) return; // No 127.0.0.2 on this machine's loopback: nothing to hold it on.
    const { exit, stdout, stderr } = await refused({ PORT: String(port), HOST: "0.0.0.0" });
    expect(exit?.code).toBe(1);
    expect(stderr).toBe(
      `Port ${port} is already in use (listening on 0.0.0.0:${port} failed: EADDRINUSE). Stop what holds it (another pnpm start?), or set PORT to a free port.\n`,
    );
    expect(stdout).toBe("");
  });

  it("Prism's port held", async () => {
    const [port, mockPort] = [await freePort(), await freePort()];
    await hold(mockPort, "127.0.0.1");
    const { exit, stderr } = await refused({
      PORT: String(port),
      FLINKS_MOCK_URL: `http://127.0.0.1:${mockPort}`,
    });
    expect(exit?.code).toBe(1);
    expect(stderr).toContain(`Port ${mockPort} is already in use`);
    expect(stderr).toContain("set FLINKS_MOCK_URL to a free port");
  });
});

describe("pnpm start in live mode says Ready. only when the upstream answers", () => {
  const live = (port: number, baseUrl: string) => ({
    PORT: String(port),
    FLINKS_BASE_URL: baseUrl,
    FLINKS_SECRET_KEY: "start-checks-secret",
    GATEWAY_API_KEYS: CALLER_KEY,
  });

  it("reachable: the mode, the upstream and Ready.; no GraphiQL (it is off in live mode)", async () => {
    const port = await freePort();
    const started = start(live(port, upstream.url));
    expect(
      await waitFor(() => started.stdout().includes("Ready."), { timeoutMs: 30_000, intervalMs: 100 }),
    ).toBe(true);
    expect(started.stdout()).toContain("Flinks Authorize gateway, live mode");
    expect(started.stdout()).toContain(`GraphQL: http://localhost:${port}/graphql\n`);
    expect(started.stdout()).toContain(`Upstream: ${upstream.url}\n`);
  });

  it("unreachable: Not ready, naming the upstream (without its credentials), and it keeps running", async () => {
    const [port, closed] = [await freePort(), await freePort()];
    const started = start(live(port, `http://flinks-user:CANARY-pw@127.0.0.1:${closed}/base`));
    expect(
      await waitFor(() => started.stdout().includes("Not ready"), { timeoutMs: 30_000, intervalMs: 100 }),
      started.output(),
    ).toBe(true);
    expect(started.stdout()).toContain(
      `Not ready: the upstream http://127.0.0.1:${closed}/base does not answer`,
    );
    expect(started.stdout()).toContain("FLINKS_INSTANCE or FLINKS_BASE_URL");
    expect(started.stdout()).not.toContain("Ready.");
    expect(started.output()).not.toContain("CANARY");
    expect(started.running()).toBe(true);
  });
});

describe("the gateway alone (the production bundle) on a port in use", () => {
  it("exits 1 with one line naming PORT, no stack", async () => {
    const port = await freePort();
    await hold(port, "127.0.0.1");
    const gateway = spawnNode({
      entry: inject("gatewayBundle"),
      nodeArgs: [...PRODUCTION_NODE_FLAGS],
      env: { PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "test" },
    });
    running.push(gateway);
    const exit = await gateway.exited;
    expect(exit.code).toBe(1);
    expect(gateway.stderr()).toBe(
      `Port ${port} is already in use (listening on 127.0.0.1:${port} failed: EADDRINUSE). Stop what holds it (another pnpm start?), or set PORT to a free port.\n`,
    );
  });
});
