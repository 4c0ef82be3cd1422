import { once } from "node:events";
import { Agent, request as httpRequest, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { sleep, waitFor } from "@flinks-authorize/kit/ports";
import { afterEach, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/gateway.js";
import { createHttpServer, type HttpServerOptions } from "../../src/http/server.js";
import { CALLER_KEY, fakeUpstream, LIVE_ENV, testGateway } from "../harness.js";

// The connection cap shared fairly (http/connections.ts), on a real listener.

const opened: Array<{ server: Server; gateway: Gateway; sockets: Socket[]; agent: Agent }> = [];
afterEach(async () => {
  for (const { server, gateway, sockets, agent } of opened.splice(0)) {
    for (const socket of sockets) socket.destroy();
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gateway.close();
  }
});

async function serve(options: HttpServerOptions) {
  const gateway = testGateway(fakeUpstream({}), LIVE_ENV);
  const server = createHttpServer(gateway, options);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const entry = { server, gateway, sockets: [] as Socket[], agent: new Agent({ keepAlive: true }) };
  opened.push(entry);
  const port = (server.address() as AddressInfo).port;
  /** A raw connection that sends nothing; resolves once it is open. */
  const silent = async () => {
    const socket = connect(port, "127.0.0.1");
    entry.sockets.push(socket);
    await once(socket, "connect");
    let closed = false;
    socket.on("close", () => (closed = true));
    socket.on("error", () => {});
    return { socket, closed: () => closed };
  };
  /** One authenticated GET /ready on the keep-alive agent: the connection stays open and idle after it. */
  const keptAlive = () =>
    new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/graphql?query=%7B__typename%7D",
          agent: entry.agent,
          headers: { authorization: `Bearer ${CALLER_KEY}`, "x-graphql-yoga-csrf": "1" },
        },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
        },
      );
      request.on("error", reject);
      request.end();
    });
  return { server, silent, keptAlive };
}

describe("connections that never send a request", () => {
  test("are closed after the headers timeout, which Node alone does not do", async () => {
    const { silent } = await serve({ maxConnections: 100, headersTimeoutMs: 300 });
    const connection = await silent();
    expect(await waitFor(connection.closed, { timeoutMs: 3_000 })).toBe(true);
  });
});

describe("one source's share", () => {
  test("past GATEWAY_MAX_CONNECTIONS_PER_SOURCE a source's new connection is closed; others' are not", async () => {
    const { silent } = await serve({ maxConnections: 100, maxConnectionsPerSource: 2 });
    const first = await silent();
    const second = await silent();
    const third = await silent();
    expect(await waitFor(third.closed, { timeoutMs: 2_000 })).toBe(true);
    await sleep(100);
    expect(first.closed() || second.closed()).toBe(false);
    first.socket.destroy();
    await waitFor(first.closed, { timeoutMs: 1_000 });
    await sleep(50);
    const fourth = await silent();
    await sleep(200);
    expect(fourth.closed()).toBe(false);
  });
});

describe("near the cap", () => {
  test("idle keep-alive connections are closed so that a new caller gets one", async () => {
    const { keptAlive, silent, server } = await serve({ maxConnections: 10 });
    // Eight callers each leave an idle keep-alive connection behind.
    const results = await Promise.all(Array.from({ length: 8 }, () => keptAlive()));
    expect(results.every((status) => status === 200)).toBe(true);
    const connections = () =>
      new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)));
    expect(await connections()).toBe(8);
    // The ninth reaches 90 % of the cap: the idle ones go, the new one stays.
    const newcomer = await silent();
    expect(await waitFor(async () => (await connections()) === 1, { timeoutMs: 2_000 })).toBe(true);
    expect(newcomer.closed()).toBe(false);
  });
});
