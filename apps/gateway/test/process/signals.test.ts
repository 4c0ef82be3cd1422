import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { LOGIN_ID } from "@flinks-authorize/kit/fixtures";
import { pnpmCli } from "@flinks-authorize/kit/pnpm";
import { accepts, answers200, freePort, waitFor } from "@flinks-authorize/kit/ports";
import { descendants, isRunning, type NodeProcess, spawnNode } from "@flinks-authorize/kit/processes";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { blocksFor, commandsOf, splitAssignments } from "../readme.js";
import { terminateLikeKubernetes } from "./support.js";

/**
 * Signals as a container runtime sends them: SIGTERM to the main process alone, a grace period, then
 * SIGKILL. For the docs' production command (node itself) and for `pnpm start` (the real pnpm), a
 * request in flight when SIGTERM arrives completes, everything exits within the grace, and no process is
 * left. And `pnpm start` stops as a whole whichever of its processes ends: Prism, the gateway, or pnpm.
 */

const ROOT = fileURLToPath(new URL("../../../..", import.meta.url));
/** Kubernetes' default terminationGracePeriodSeconds is 30; the gateway's own grace is 10 s. */
const GRACE_MS = 15_000;
const SLOW_MS = 1_500;
const READY_TIMEOUT_MS = 90_000;

const AUTHORIZE = "mutation ($loginId: String!) { authorize(input: { loginId: $loginId }) { __typename } }";

let upstream: FakeFlinks;
const started: NodeProcess[] = [];

beforeAll(async () => {
  upstream = await startFakeFlinks();
});
beforeEach(() => upstream.reset());
afterEach(async () => {
  await Promise.all(started.splice(0).map((process) => process.stop(GRACE_MS)));
}, GRACE_MS + 5_000);
afterAll(() => upstream?.close());

/** An authorize, held by the fake Flinks for SLOW_MS. */
async function authorizeInFlight(port: number, headers: Record<string, string> = {}) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: AUTHORIZE, variables: { loginId: LOGIN_ID } }),
    signal: AbortSignal.timeout(GRACE_MS),
  });
  return { status: response.status, body: await response.text() };
}

/**
 * Starts the request, and resolves once the fake Flinks holds its Authorize call, with the answer to
 * come (wrapped: an async function returning the promise itself would wait for it) and when it came.
 */
async function holdARequest(port: number, headers: Record<string, string> = {}) {
  upstream.faults.Authorize = "slow";
  upstream.slowMs = SLOW_MS;
  const before = upstream.count("Authorize");
  const answer = authorizeInFlight(port, headers).then((value) => ({ ...value, at: performance.now() }));
  answer.catch(() => undefined);
  expect(await waitFor(() => upstream.count("Authorize") === before + 1, { timeoutMs: 10_000 })).toBe(true);
  return { answer };
}

const AUTHORIZED = { status: 200, body: '{"data":{"authorize":{"__typename":"Authorized"}}}' };

/** Every process of the tree, gone. */
async function allGone(pids: number[]) {
  const gone = await waitFor(() => pids.every((pid) => !isRunning(pid)), { timeoutMs: 5_000 });
  expect(gone, `still running: ${pids.filter(isRunning).join(", ")}`).toBe(true);
}

describe("the docs' production command (node itself), SIGTERM to it with a request in flight", () => {
  it("answers the request, exits 0 within the grace, leaves nothing", async () => {
    // The docs' offline production block, run as written: its variables and node flags, this run's
    // bundle, this test's upstream and port.
    const [block] = blocksFor("sh production");
    const [command] = commandsOf(block ?? { info: "", text: "" });
    const { env, words } = splitAssignments(command ?? "");
    expect(words[0]).toBe("node");
    const port = await freePort();
    const node = spawnNode({
      entry: inject("gatewayBundle"),
      nodeArgs: words.slice(1, -1),
      // This test's client, not a balancer, holds the idle connections: no delay for one to notice.
      env: {
        ...env,
        FLINKS_BASE_URL: upstream.url,
        PORT: String(port),
        HOST: "127.0.0.1",
        GATEWAY_DRAIN_DELAY_MS: "0",
      },
    });
    started.push(node);
    const healthy = await waitFor(() => answers200(`http://127.0.0.1:${port}/health`), {
      timeoutMs: 30_000,
      abandon: () => (node.running() ? undefined : node.output()),
    });
    expect(healthy).toBe(true);

    const { answer } = await holdARequest(port, { authorization: `Bearer ${env.GATEWAY_API_KEYS}` });
    const signalledAt = performance.now();
    const { exit, killed } = await terminateLikeKubernetes(node, GRACE_MS);
    const { at, ...response } = await answer;
    expect(response).toEqual(AUTHORIZED);
    // In flight when the signal came, answered before the exit.
    expect(at).toBeGreaterThan(signalledAt);
    expect(exit?.at).toBeGreaterThan(at);
    expect(killed, node.output()).toBe(false);
    expect(exit?.code, node.output()).toBe(0);
    await allGone([node.pid]);
  });
});

/** `pnpm start` as a person runs it: the real pnpm, in the repository. */
async function pnpmStart(env: Record<string, string>): Promise<NodeProcess> {
  const pnpm = spawnNode({
    entry: pnpmCli(),
    args: ["start"],
    cwd: ROOT,
    env: { ...env, npm_config_update_notifier: "false" },
  });
  started.push(pnpm);
  const ready = await waitFor(() => pnpm.stdout().includes("Ready."), {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 100,
    abandon: () => (pnpm.running() ? undefined : `pnpm start exited:\n${pnpm.output()}`),
  });
  if (!ready) throw new Error(`pnpm start did not print Ready. within 90 s:\n${pnpm.output()}`);
  return pnpm;
}

/** The process of pnpm's tree whose command line matches. */
function processOf(pnpm: NodeProcess, commandLine: RegExp): number {
  const found = descendants(pnpm.pid).find((pid) => {
    try {
      return commandLine.test(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
    } catch {
      return false;
    }
  });
  if (found === undefined) throw new Error(`no process of pnpm start matches ${commandLine}`);
  return found;
}

describe("pnpm start in live mode, SIGTERM to pnpm alone with a request in flight", () => {
  it("answers the request; pnpm, start.ts and the gateway exit within the grace; nothing is left", async () => {
    const port = await freePort();
    const key = "signals-test-caller-key-0123456789";
    const pnpm = await pnpmStart({
      PORT: String(port),
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: "signals-test-secret",
      GATEWAY_API_KEYS: key,
    });
    const tree = descendants(pnpm.pid);
    const { answer } = await holdARequest(port, { authorization: `Bearer ${key}` });

    const signalledAt = performance.now();
    const { exit, killed } = await terminateLikeKubernetes(pnpm, GRACE_MS);
    const { at, ...response } = await answer;
    expect(response).toEqual(AUTHORIZED);
    expect(at).toBeGreaterThan(signalledAt);
    expect(killed, pnpm.output()).toBe(false);
    expect(exit?.code, pnpm.output()).toBe(0);
    // pnpm waits for its script: in a container, where pnpm would be PID 1, its exit would end the rest.
    expect(exit?.at).toBeGreaterThan(at);
    await allGone(tree);
    expect(pnpm.stdout()).toContain('"msg":"stopped"');
  });
});

describe("pnpm start in mock mode stops as a whole whichever of its processes ends", () => {
  const mockEnv = async () => ({
    PORT: String(await freePort()),
    FLINKS_MOCK_URL: `http://127.0.0.1:${await freePort()}`,
  });

  it.each([
    ["SIGTERM to Prism", /prism-cli/, "SIGTERM", "Prism stopped"],
    ["SIGTERM to the gateway", /src\/main\.ts/, "SIGTERM", "Gateway stopped"],
  ] as const)("%s", async (_, commandLine, signal, said) => {
    const env = await mockEnv();
    const pnpm = await pnpmStart(env);
    const tree = descendants(pnpm.pid);
    process.kill(processOf(pnpm, commandLine), signal);
    const exit = await Promise.race([pnpm.exited, new Promise<undefined>((r) => setTimeout(r, GRACE_MS))]);
    expect(exit?.code, pnpm.output()).toBe(1);
    expect(pnpm.stderr()).toContain(said);
    await allGone(tree);
    expect(await accepts(Number(env.PORT))).toBe(false);
    expect(await accepts(Number(new URL(env.FLINKS_MOCK_URL).port))).toBe(false);
  });

  // start.ts's watchdog sees its parent gone and sends itself SIGTERM: the path of a SIGTERM or Ctrl-C
  // sent to start.ts directly.
  it("SIGKILL to pnpm: start.ts stops Prism and the gateway, the gateway gracefully", async () => {
    const env = await mockEnv();
    const pnpm = await pnpmStart(env);
    const tree = descendants(pnpm.pid);
    expect(tree.length).toBeGreaterThanOrEqual(3);
    process.kill(pnpm.pid, "SIGKILL");
    const gone = await waitFor(() => tree.every((pid) => !isRunning(pid)), { timeoutMs: GRACE_MS });
    expect(gone, `still running: ${tree.filter(isRunning).join(", ")}\n${pnpm.output()}`).toBe(true);
    expect(await accepts(Number(env.PORT))).toBe(false);
    expect(pnpm.stdout()).toContain('"msg":"stopped"');
  });
});
