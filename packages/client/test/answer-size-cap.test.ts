import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createFlinksClient,
  createKeepAliveFetch,
  DEFAULT_MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
} from "../src/index.js";
import { BASE_URL, CUSTOMER_ID } from "./helpers.js";

// A red team crashed the gateway with one 100 MiB answer: the body was buffered whole, with no cap.
const HUGE = 100 * 1024 * 1024;
const CHUNK = 64 * 1024;
/** What a body may carry; the outcome must never quote it. */
const CANARY = "BODY-CANARY-";
const TOKEN_PATH = `/v3/${CUSTOMER_ID}/BankingServices/GenerateAuthorizeToken`;
const tokenBody = JSON.stringify({ HttpStatusCode: 200, Token: "d65f1adb-8ebc-48dc-be8b-20c773ba1565" });

const chunkOfCanaries = Buffer.alloc(CHUNK, CANARY);

describe("a caller's fetch: the client reads at most maxResponseBytes of its answers", () => {
  /** A body of `size` bytes made on demand, recording how much was pulled and whether it was cancelled. */
  function lazyBody(size: number) {
    const seen = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const next = Math.min(CHUNK, size - seen.pulled);
          if (next <= 0) return controller.close();
          seen.pulled += next;
          controller.enqueue(chunkOfCanaries.subarray(0, next));
        },
        cancel() {
          seen.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return { stream, seen };
  }

  const clientAnswering = (response: () => Response, maxResponseBytes?: number) =>
    createFlinksClient({
      baseUrl: BASE_URL,
      customerId: CUSTOMER_ID,
      fetch: async () => response(),
      ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
    });

  test("a 100 MiB body is abandoned past the cap and cancelled", async () => {
    const { stream, seen } = lazyBody(HUGE);
    const client = clientAnswering(() => new Response(stream, { status: 200 }));
    const outcome = await client.generateAuthorizeToken("s");
    expect(outcome).toEqual({
      kind: "unexpectedResponse",
      status: 200,
      reason: "tooLarge",
      message: `Flinks answered HTTP 200 with a body over the ${DEFAULT_MAX_RESPONSE_BYTES}-byte limit.`,
    });
    expect(seen.pulled).toBeLessThanOrEqual(DEFAULT_MAX_RESPONSE_BYTES + CHUNK);
    expect(seen.cancelled).toBe(true);
  });

  test("a declared Content-Length over the cap is refused before any of it is read", async () => {
    const { stream, seen } = lazyBody(HUGE);
    const client = clientAnswering(
      () => new Response(stream, { status: 401, headers: { "content-length": String(HUGE) } }),
    );
    expect(await client.generateAuthorizeToken("s")).toMatchObject({ status: 401, reason: "tooLarge" });
    expect(seen).toEqual({ pulled: 0, cancelled: true });
  });

  test.each([
    ["exactly the cap", 2 * CHUNK, "notJson"],
    ["one byte over it", 2 * CHUNK + 1, "tooLarge"],
  ])("maxResponseBytes is inclusive: a body of %s", async (_, size, reason) => {
    const client = clientAnswering(() => new Response(lazyBody(size).stream), 2 * CHUNK);
    expect(await client.generateAuthorizeToken("s")).toMatchObject({ kind: "unexpectedResponse", reason });
  });

  test("the outcome quotes nothing from the body", async () => {
    const client = clientAnswering(() => new Response(lazyBody(HUGE).stream, { status: 500 }), 1024);
    const outcome = await client.generateAuthorizeToken("s");
    expect(outcome).toMatchObject({ reason: "tooLarge" });
    expect(inspect(outcome, { depth: 10 })).not.toContain(CANARY);
  });

  test.each([0, -1, 1.5, Number.NaN])("maxResponseBytes %s is refused at creation", (bad) => {
    expect(() => createFlinksClient({ customerId: CUSTOMER_ID, maxResponseBytes: bad })).toThrow(
      /maxResponseBytes must be a positive whole number/,
    );
  });
});

describe("the default transport against a real server sending 100 MiB", () => {
  /** The socket each route last answered on, and how much of the 100 MiB it wrote. */
  const socketOf = new Map<string, Socket>();
  const written = new Map<string, number>();

  const drainedOrClosed = (res: ServerResponse, socket: Socket) =>
    new Promise<void>((resolve) => {
      const done = () => {
        res.off("drain", done);
        socket.off("close", done);
        resolve();
      };
      res.once("drain", done);
      socket.once("close", done);
    });

  /** Writes `HUGE` bytes in chunks, waiting for the socket to drain, until done or the socket closes. */
  async function pour(name: string, req: IncomingMessage, res: ServerResponse) {
    let sent = 0;
    let closed = false;
    req.socket.once("close", () => {
      closed = true;
    });
    while (sent < HUGE && !closed) {
      sent += CHUNK;
      if (!res.write(chunkOfCanaries)) await drainedOrClosed(res, req.socket);
    }
    written.set(name, sent);
    if (!closed) res.end();
  }

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    chunked: (req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      void pour("chunked", req, res);
    },
    declared: (req, res) => {
      res.writeHead(401, { "content-type": "application/json", "content-length": String(HUGE) });
      void pour("declared", req, res);
    },
    small: (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(tokenBody);
    },
  };
  let route = "small";
  const server = createServer((req, res) => {
    socketOf.set(route, req.socket);
    req.resume();
    req.once("end", () => routes[route]?.(req, res));
  });
  // The client resets the connections it abandons: expected here.
  server.on("connection", (socket) => socket.on("error", () => {}));
  let origin = "";
  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
  });

  /** Peak RSS growth over a baseline while `work` runs, sampled every 2 ms. */
  async function rssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 2);
    try {
      const result = await work();
      peak = Math.max(peak, process.memoryUsage.rss());
      return { result, growthMiB: (peak - baseline) / 2 ** 20 };
    } finally {
      clearInterval(sampler);
    }
  }

  // Generous bounds: buffering the 100 MiB took RSS to about four times its size; the cap keeps the peak
  // to the 1 MiB read plus undici's and the kernel's buffers. Speed is for the benchmark, not here.
  const RSS_GROWTH_BOUND_MIB = 48;
  const QUICK_MS = 5_000;

  test.each([
    ["chunked", "abandoned past the cap", 200],
    ["declared", "refused from its Content-Length before reading", 401],
  ])("%s: %s, the socket dropped, the next call served", async (name, _, status) => {
    const client = createFlinksClient({ baseUrl: origin, customerId: CUSTOMER_ID, timeoutMs: 20_000 });
    // A warm pool: the big answer may come on a pooled socket, which must not go back to the pool.
    route = "small";
    expect(await client.generateAuthorizeToken("s")).toMatchObject({ kind: "token" });

    route = name;
    const started = performance.now();
    const { result, growthMiB } = await rssGrowth(() => client.generateAuthorizeToken("s"));
    const elapsedMs = performance.now() - started;
    console.info(
      `${name}: tooLarge after ${elapsedMs.toFixed(0)} ms, RSS growth ${growthMiB.toFixed(1)} MiB`,
    );
    expect(result).toEqual({
      kind: "unexpectedResponse",
      status,
      reason: "tooLarge",
      message: `Flinks answered HTTP ${status} with a body over the 1048576-byte limit.`,
    });
    expect(elapsedMs).toBeLessThan(QUICK_MS);
    expect(growthMiB).toBeLessThan(RSS_GROWTH_BOUND_MIB);

    // The half-read socket was closed, not pooled: the server stopped pouring well short of 100 MiB.
    await expect.poll(() => written.get(name), { timeout: QUICK_MS }).toBeLessThan(HUGE / 4);
    expect(socketOf.get(name)?.destroyed).toBe(true);

    route = "small";
    expect(await client.generateAuthorizeToken("s")).toMatchObject({ kind: "token" });
    expect(socketOf.get("small")).not.toBe(socketOf.get(name));
    await client.close();
  });

  test("createKeepAliveFetch with a WHATWG Request rejects with ResponseTooLargeError", async () => {
    const fetch = createKeepAliveFetch({ maxResponseBytes: 4096 });
    route = "chunked";
    const rejection = fetch(new Request(`${origin}${TOKEN_PATH}`, { method: "POST" }));
    await expect(rejection).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(rejection).rejects.toMatchObject({ status: 200, limit: 4096 });
    route = "small";
    const response = await fetch(new Request(`${origin}${TOKEN_PATH}`, { method: "POST" }));
    expect(await response.json()).toEqual(JSON.parse(tokenBody));
    await fetch.close();
  });
});
