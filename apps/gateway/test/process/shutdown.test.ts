import { Agent, request as httpRequest } from "node:http";
import { connect } from "node:net";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { specExample } from "@flinks-authorize/kit/fixtures";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import { sleep, waitFor } from "@flinks-authorize/kit/ports";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { AUTHORIZE, authorized, CALLER_KEY, FOLLOW, LOGIN_ID } from "../harness.js";

// Graceful shutdown of the production bundle run as production runs it: on SIGTERM the gateway stops
// accepting connections, finishes the requests in flight, and exits 0; a request still running after the
// grace period (GATEWAY_SHUTDOWN_GRACE_MS, shortened here) is abandoned and the process exits 1.

const GRACE_MS = 4_000;
const SLOW_MS = 1_500;

const instances: GatewayProcess[] = [];
let upstream: FakeFlinks;

async function startInstance(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const gateway = await startGateway({
    entry: inject("gatewayBundle"),
    env: {
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: "shutdown-secret",
      GATEWAY_API_KEYS: CALLER_KEY,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      GATEWAY_SHUTDOWN_GRACE_MS: String(GRACE_MS),
      ...env,
    },
  });
  instances.push(gateway);
  return gateway;
}

/** The pino lines on stdout, parsed; anything else is kept as `{ raw }`. */
function logLines(instance: GatewayProcess): Array<Record<string, unknown>> {
  return instance
    .stdout()
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

const messages = (instance: GatewayProcess) => logLines(instance).map(({ msg }) => String(msg ?? ""));

interface Answer {
  status: number;
  connection: string | undefined;
  body: { data?: { authorize?: Record<string, unknown> }; errors?: unknown[] };
}

/**
 * POSTs the authorize mutation on a connection of its own. `keepAlive: false` sends `Connection: close`
 * (a one-shot client); `true` keeps the socket open in a pool afterwards, like a load balancer or fetch.
 */
function authorize(instance: GatewayProcess, keepAlive: boolean) {
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

const authorizeCalls = () => upstream.count("Authorize");

/** Starts an authorize request and waits until its Authorize call is held by the fake Flinks. */
async function inFlight(instance: GatewayProcess, keepAlive: boolean) {
  const before = authorizeCalls();
  const call = authorize(instance, keepAlive);
  expect(await waitFor(() => authorizeCalls() === before + 1, { timeoutMs: 5_000 })).toBe(true);
  return call;
}

/** SIGTERM, then wait for the "stopping" line so that server.close() has run before we go on. */
async function terminate(instance: GatewayProcess): Promise<number> {
  const at = performance.now();
  instance.child.kill("SIGTERM");
  expect(await waitFor(() => instance.stdout().includes('"msg":"stopping'), { timeoutMs: 2_000 })).toBe(true);
  return at;
}

async function stopAll(): Promise<void> {
  await Promise.all(instances.splice(0).map((instance) => instance.stop(2_000)));
}

beforeAll(async () => {
  upstream = await startFakeFlinks();
});
beforeEach(() => upstream.reset());
afterEach(stopAll, 20_000);
afterAll(async () => {
  await stopAll();
  await upstream?.close();
}, 20_000);

describe("SIGTERM", () => {
  test("finishes the request in flight, refuses new connections and exits 0", async () => {
    upstream.faults.Authorize = "slow";
    upstream.slowMs = SLOW_MS;
    const gateway = await startInstance();
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

    const exit = await Promise.race([gateway.exited, sleep(GRACE_MS + 1_000).then(() => undefined)]);
    expect(exit, gateway.output()).toMatchObject({ code: 0, signal: null });
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

  // The listener closes at once, so a balancer's new connections are refused; a probe already under way
  // on an open connection (headers half sent) is still answered, and must say "not ready".
  test("a readiness probe that arrives while it drains is answered 503, not 200", async () => {
    const gateway = await startInstance();
    const socket = connect({ host: "127.0.0.1", port: gateway.port });
    await new Promise((resolve) => socket.once("connect", resolve));
    let answer = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      answer += chunk;
    });
    try {
      socket.write("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      await sleep(100);
      await terminate(gateway);
      socket.write("\r\n");
      expect(await waitFor(() => answer.includes("\r\n\r\n"), { timeoutMs: 3_000 }), answer).toBe(true);
      expect(answer).toMatch(/^HTTP\/1\.1 503 /);
      expect(answer.toLowerCase()).toContain("connection: close");
    } finally {
      socket.destroy();
    }
    const exit = await Promise.race([gateway.exited, sleep(3_000).then(() => undefined)]);
    expect(exit, gateway.output()).toMatchObject({ code: 0 });
  });

  // A pooled client (load balancer, undici, fetch) keeps its socket open after the answer: the
  // socket turns idle only then, and must still not hold the exit until the grace period.
  test("exits 0 soon after the in-flight request of a keep-alive client completes", async () => {
    upstream.faults.Authorize = "slow";
    upstream.slowMs = SLOW_MS;
    const gateway = await startInstance();
    const call = await inFlight(gateway, true);
    await terminate(gateway);

    const answer = await call.answer;
    expect(answer.body.data?.authorize?.__typename).toBe("Authorized");
    try {
      const exit = await Promise.race([gateway.exited, sleep(3_000).then(() => undefined)]);
      expect(exit, `connection: ${answer.connection}`).toMatchObject({ code: 0 });
    } finally {
      call.close();
    }
  });

  // A subscription may last its token's 15 minutes: it must not hold the drain. Its consumer subscribes
  // again with the Pending's handle, on any replica.
  test("an open subscription ends after its current poll, and the process exits 0 well inside the grace", async () => {
    const pending = { status: 202, body: specExample("authorize", "OPERATION_PENDING").value };
    upstream.script = (call) => (call.operation.startsWith("Authorize") ? pending : undefined);
    // The stream's keep-alive connection is idle once it ends: a short drain delay lets the test's client
    // (not a balancer) keep it without waiting out half the grace.
    const gateway = await startInstance({ FLINKS_POLL_INTERVAL_MS: "60000", GATEWAY_DRAIN_DELAY_MS: "300" });
    const post = (query: string, variables: unknown, accept = "application/json") =>
      fetch(`${gateway.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept, authorization: `Bearer ${CALLER_KEY}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(GRACE_MS * 2),
      });
    const authorizing = await post(AUTHORIZE, { input: { loginId: LOGIN_ID } });
    const started = (await authorizing.json()) as Answer["body"];
    expect(started.data?.authorize).toMatchObject({ __typename: "Pending" });

    const stream = await post(FOLLOW, { handle: started.data?.authorize?.handle }, "text/event-stream");
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let events = "";
    /** Appends the next chunk of the stream to `events`; false once the stream has ended. */
    const readMore = async () => {
      const chunk = await reader.read();
      if (!chunk.done) events += decoder.decode(chunk.value, { stream: true });
      return !chunk.done;
    };
    while (!events.includes("event: next") && (await readMore()));
    const signalled = await terminate(gateway);
    while (await readMore());

    expect(events.match(/event: next/g)).toHaveLength(1);
    expect(events).toContain('"__typename":"Pending"');
    expect(events).toContain("event: complete");
    const exit = await Promise.race([gateway.exited, sleep(GRACE_MS + 1_000).then(() => undefined)]);
    expect(exit, gateway.output()).toMatchObject({ code: 0, signal: null });
    expect((exit?.at ?? Number.POSITIVE_INFINITY) - signalled).toBeLessThan(GRACE_MS / 2);
    expect(upstream.count("AuthorizeAsync")).toBe(1);
  });

  test("a request hung upstream is abandoned after GATEWAY_SHUTDOWN_GRACE_MS: exit 1", async () => {
    upstream.faults.Authorize = "hang";
    const gateway = await startInstance({ FLINKS_TIMEOUT_MS: "30000" });
    const call = await inFlight(gateway, false);
    const signalled = await terminate(gateway);

    const exit = await Promise.race([gateway.exited, sleep(GRACE_MS + 3_000).then(() => undefined)]);
    const elapsed = (exit?.at ?? Number.POSITIVE_INFINITY) - signalled;
    expect(exit, gateway.output()).toMatchObject({ code: 1, signal: null });
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
