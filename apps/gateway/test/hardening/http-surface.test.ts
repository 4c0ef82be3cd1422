import { once } from "node:events";
import type { Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createGateway, type Gateway } from "../../src/gateway.js";
import { createHttpServer } from "../../src/http/server.js";
import { fakeUpstream, LIVE_ENV } from "../harness.js";

// The HTTP surface in front of Yoga, on a real loopback socket: what a red team sent by hand.

const KEY = "http-surface-key-0123456789";
const lines: string[] = [];
let gateway: Gateway;
let server: Server;
let port = 0;

beforeAll(async () => {
  gateway = createGateway(
    loadConfig({ ...LIVE_ENV, NODE_ENV: "production", GATEWAY_API_KEYS: KEY, LOG_LEVEL: "warn" }),
    {
      fetch: fakeUpstream({}).fetch,
      logDestination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    },
  );
  server = createHttpServer(gateway, { maxConnections: 100, headersTimeoutMs: 300, requestTimeoutMs: 600 });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await gateway.close();
});

/** Sends raw bytes; resolves with everything the server answered once it closes the connection. */
function raw(request: string, { keepOpenMs = 5_000 } = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, keepOpenMs);
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.on("error", () => {});
    socket.write(request);
  });
}

describe("malformed requests are answered 400, with no stack trace, and logged", () => {
  test.each([
    ["a port out of range", "GET /health HTTP/1.1\r\nHost: x:99999\r\n\r\n"],
    ["an unclosed IPv6 literal", "GET /health HTTP/1.1\r\nHost: [zz\r\n\r\n"],
    ["an absolute-form target", "GET http://evil.example/graphql HTTP/1.1\r\nHost: localhost\r\n\r\n"],
    ["a scheme-relative target", "GET //evil.example/graphql HTTP/1.1\r\nHost: localhost\r\n\r\n"],
  ])("%s", async (_, request) => {
    const before = lines.length;
    const { text, closed } = await raw(request);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).not.toMatch(/\bat .+\(.*:\d+:\d+\)|node_modules|Error:/);
    expect(closed).toBe(true);
    expect(lines.slice(before).join("")).toContain("malformed Host header or request target");
  });
});

describe("connections", () => {
  test("an unauthenticated request gets 401 and its connection closed", async () => {
    const { text, closed } = await raw(
      "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    );
    expect(text).toMatch(/^HTTP\/1\.1 401 /);
    expect(text.toLowerCase()).toContain("connection: close");
    expect(closed).toBe(true);
  });

  test("a client that never finishes its headers is cut off at the headers timeout", async () => {
    const started = performance.now();
    const { closed } = await raw("GET /health HTTP/1.1\r\nHost: local", { keepOpenMs: 5_000 });
    expect(closed).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  test("a body that never finishes is cut off at the request timeout", async () => {
    const started = performance.now();
    const { closed } = await raw(
      `POST /graphql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"qu`,
      { keepOpenMs: 5_000 },
    );
    expect(closed).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_500);
  });
});

describe("identifiers", () => {
  test("/health names no process: no x-yoga-id", async () => {
    const { text } = await raw("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).not.toContain("x-yoga-id");
  });

  test.each([
    ["trace-123", true],
    ["6c7f2f5e-29a4-4a6c-9d84-2f0f2d1b7c11", true],
    ["01ARZ3NDEKTSV4RRFFQ69G5FAV", true],
    ["..", false],
    ["../../etc", false],
    ["a:b:c:d:e", false],
    ["short", false],
    ["x".repeat(65), false],
  ])("a caller's x-request-id %s is kept: %s", async (id, kept) => {
    const { text } = await raw(
      `GET /health HTTP/1.1\r\nHost: localhost\r\nx-request-id: ${id}\r\nConnection: close\r\n\r\n`,
    );
    const echoed = /x-request-id: (\S+)/i.exec(text)?.[1];
    if (kept) expect(echoed).toBe(id);
    else expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
