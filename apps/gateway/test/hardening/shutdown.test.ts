import { type ChildProcess, spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { AUTHORIZE, authorized, CALLER_KEY, LOGIN_ID } from "../harness.js";
import { freePort, sleep, within } from "../support/processes.js";
import { type FaultUpstream, startFaultUpstream } from "./fault-upstream.js";

// Graceful shutdown of the real entry point (`node --import tsx src/server.ts`): on SIGTERM the gateway
// stops accepting connections, finishes the requests in flight, and exits 0; a request still running
// after the 10 s grace period is abandoned and the process exits 1.

const GATEWAY_DIR = fileURLToPath(new URL("../..", import.meta.url));
const STARTUP_TIMEOUT_MS = 60_000;
/** server.ts's SHUTDOWN_GRACE_MS. */
const GRACE_MS = 10_000;
const SLOW_MS = 1_500;

interface Instance {
  port: number;
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const instances: Instance[] = [];
let upstream: FaultUpstream;

async function startGateway(env: Record<string, string> = {}): Promise<Instance> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  // Nothing of the caller's gateway configuration leaks in (keys, pool size, timeouts…).
  for (const name of Object.keys(childEnv)) {
    if (name.startsWith("FLINKS_") || name.startsWith("GATEWAY_")) delete childEnv[name];
  }
  Object.assign(childEnv, {
    FLINKS_BASE_URL: upstream.url,
    FLINKS_SECRET_KEY: "shutdown-secret",
    GATEWAY_API_KEYS: CALLER_KEY,
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    ...env,
  });
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: GATEWAY_DIR,
    env: childEnv,
    // Its own process group, so cleanup can reach tsx's helpers too.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const instance: Instance = {
    port,
    child,
    stdout: "",
    stderr: "",
    exit: new Promise((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() })),
    ),
  };
  instances.push(instance);
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    instance.stdout += chunk;
  });
  child.stderr?.on("data", (chunk: string) => {
    instance.stderr += chunk;
  });

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`gateway exited before it was healthy:\n${instance.stdout}${instance.stderr}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return instance;
    } catch {
      // Not listening yet.
    }
    await sleep(150);
  }
  throw new Error(`gateway was not healthy within 60 s:\n${instance.stdout}${instance.stderr}`);
}

/** The pino lines on stdout, parsed; anything else is kept as `{ raw }`. */
function logLines(instance: Instance): Array<Record<string, unknown>> {
  return instance.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { raw: line };
      }
    });
}

const messages = (instance: Instance) => logLines(instance).map(({ msg }) => String(msg ?? ""));

interface Answer {
  status: number;
  connection: string | undefined;
  body: { data?: { authorize?: Record<string, unknown> }; errors?: unknown[] };
}

/**
 * POSTs the authorize mutation on a connection of its own. `keepAlive: false` sends `Connection: close`
 * (a one-shot client); `true` keeps the socket open in a pool afterwards, like a load balancer or fetch.
 */
function authorize(instance: Instance, keepAlive: boolean) {
  const agent = keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : undefined;
  const payload = JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } });
  const request = httpRequest({
    host: "127.0.0.1",
    port: instance.port,
    path: "/graphql",
    method: "POST",
    agent: agent ?? false,
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${CALLER_KEY}`,
      "content-length": Buffer.byteLength(payload),
    },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on("error", reject);
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("error", reject);
      response.on("end", () => {
        try {
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            body: JSON.parse(text) as Answer["body"],
          });
        } catch (error) {
          reject(error);
        }
      });
    });
  });
  // Observed by the test or not at all: never an unhandled rejection.
  answer.catch(() => undefined);
  request.end(payload);
  return { request, answer, close: () => agent?.destroy() };
}

/** Resolves with the connection error code, or "connected" if a new connection was accepted. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const authorizeCalls = () => upstream.received.filter(({ operation }) => operation === "Authorize").length;

/** Starts an authorize request and waits until its Authorize call is held by the fake Flinks. */
async function inFlight(instance: Instance, keepAlive: boolean) {
  const before = authorizeCalls();
  const call = authorize(instance, keepAlive);
  expect(await within(5_000, () => authorizeCalls() === before + 1)).toBe(true);
  return call;
}

/** SIGTERM, then wait for the "stopping" line so that server.close() has run before we go on. */
async function terminate(instance: Instance): Promise<number> {
  const at = performance.now();
  instance.child.kill("SIGTERM");
  expect(await within(2_000, () => instance.stdout.includes('"msg":"stopping'))).toBe(true);
  return at;
}

async function killAll(): Promise<void> {
  await Promise.all(
    instances.splice(0).map(async (instance) => {
      const { child } = instance;
      if (child.pid === undefined) return;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await Promise.race([instance.exit, sleep(2_000)]);
      }
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }),
  );
}

beforeAll(async () => {
  upstream = await startFaultUpstream();
});
beforeEach(() => {
  upstream.faults = { token: "ok", authorize: "ok" };
  upstream.slowMs = 0;
  upstream.received.length = 0;
});
afterEach(killAll, 20_000);
afterAll(async () => {
  await killAll();
  await upstream?.close();
}, 20_000);

describe("SIGTERM", () => {
  test("finishes the request in flight, refuses new connections and exits 0", async () => {
    upstream.faults.authorize = "slow";
    upstream.slowMs = SLOW_MS;
    const gateway = await startGateway();
    const call = await inFlight(gateway, false);
    const signalled = await terminate(gateway);

    // The listening socket is closed: a new connection is refused while the old request still runs.
    await sleep(100);
    expect(await tryConnect(gateway.port)).toBe("ECONNREFUSED");

    const answer = await call.answer;
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.authorize).toMatchObject({
      __typename: "Authorized",
      requestId: authorized.RequestId,
    });

    const exit = await Promise.race([gateway.exit, sleep(GRACE_MS + 1_000).then(() => undefined)]);
    expect(exit, `${gateway.stdout}${gateway.stderr}`).toMatchObject({ code: 0, signal: null });
    expect((exit?.at ?? Number.POSITIVE_INFINITY) - signalled).toBeLessThan(GRACE_MS);

    const lines = messages(gateway);
    const stopping = lines.findIndex((msg) => msg.startsWith("stopping"));
    expect(stopping).toBeGreaterThanOrEqual(0);
    expect(logLines(gateway)[stopping]).toMatchObject({ level: 30, signal: "SIGTERM" });
    // The in-flight request is logged after "stopping", and "stopped" comes last.
    expect(lines.slice(stopping)).toContain("request");
    expect(lines.at(-1)).toBe("stopped");
    expect(lines).not.toContain("requests still running after the grace period: exiting anyway");
  });

  // A pooled client (load balancer, undici, fetch) keeps its socket open after the answer: the
  // socket turns idle only then, and must still not hold the exit until the grace period.
  test("exits 0 soon after the in-flight request of a keep-alive client completes", async () => {
    upstream.faults.authorize = "slow";
    upstream.slowMs = SLOW_MS;
    const gateway = await startGateway();
    const call = await inFlight(gateway, true);
    await terminate(gateway);

    const answer = await call.answer;
    expect(answer.body.data?.authorize?.__typename).toBe("Authorized");
    try {
      const exit = await Promise.race([gateway.exit, sleep(3_000).then(() => undefined)]);
      expect(exit, `connection: ${answer.connection}`).toMatchObject({ code: 0 });
    } finally {
      call.close();
    }
  });

  test("a request hung upstream is abandoned after the 10 s grace: exit 1", async () => {
    upstream.faults.authorize = "hang";
    const gateway = await startGateway({ FLINKS_TIMEOUT_MS: "30000" });
    const call = await inFlight(gateway, false);
    const signalled = await terminate(gateway);

    const exit = await Promise.race([gateway.exit, sleep(GRACE_MS + 3_000).then(() => undefined)]);
    const elapsed = (exit?.at ?? Number.POSITIVE_INFINITY) - signalled;
    expect(exit, `${gateway.stdout}${gateway.stderr}`).toMatchObject({ code: 1, signal: null });
    expect(elapsed).toBeGreaterThanOrEqual(GRACE_MS - 500);
    expect(elapsed).toBeLessThan(GRACE_MS + 1_000);

    // The caller's connection died with the process; the log says why.
    await expect(call.answer).rejects.toThrow();
    const lines = messages(gateway);
    expect(lines.some((msg) => msg.startsWith("stopping"))).toBe(true);
    expect(lines).toContain("requests still running after the grace period: exiting anyway");
    expect(lines).not.toContain("stopped");
  }, 30_000);
});
