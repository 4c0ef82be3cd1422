import { once } from "node:events";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/gateway.js";
import { createHttpServer } from "../../src/http/server.js";
import { AUTHORIZE, CALLER_KEY, fakeUpstream, LIVE_ENV, LOGIN_ID, testGateway } from "../harness.js";

// The HTTP layer in front of Yoga: what it answers on its own, before any GraphQL work.

const servers: Array<{ server: Server; gateway: Gateway }> = [];
afterEach(async () => {
  for (const { server, gateway } of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gateway.close();
  }
});

async function serve(shedding: boolean) {
  const upstream = fakeUpstream({});
  const real = testGateway(upstream, LIVE_ENV);
  const gateway: Gateway = { ...real, load: { ...real.load, shedding: () => shedding } };
  const server = createHttpServer(gateway, { maxConnections: 100 });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  servers.push({ server, gateway: real });
  return { upstream, port: (server.address() as AddressInfo).port };
}

function send(port: number, method: string, path: string, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
    (resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method,
          path,
          headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}` },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
          );
        },
      );
      request.on("error", reject);
      request.end(body);
    },
  );
}

const authorize = JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } });

describe("a process whose event loop lags past GATEWAY_MAX_EVENT_LOOP_LAG_MS", () => {
  test("answers GraphQL requests 503 GATEWAY_BUSY with Retry-After at once, and sends nothing to Flinks", async () => {
    const { port, upstream } = await serve(true);
    const answer = await send(port, "POST", "/graphql", authorize);
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("1");
    expect(JSON.parse(answer.text)).toEqual({
      errors: [
        {
          message: "The gateway is overloaded and sent nothing to Flinks: retry shortly.",
          extensions: { code: "GATEWAY_BUSY", retryable: true, retryAfterSeconds: 1 },
        },
      ],
    });
    expect(upstream.calls).toEqual([]);
  });

  test("still answers its probes", async () => {
    const { port } = await serve(true);
    expect((await send(port, "GET", "/health")).status).toBe(200);
  });
});

describe("probes", () => {
  test.each(["/health", "/ready", "/status"])(
    "%s is answered on a connection closed after it",
    async (path) => {
      const { port } = await serve(false);
      const answer = await send(port, "GET", path);
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe("close");
    },
  );

  test("a GraphQL request keeps its connection", async () => {
    const { port } = await serve(false);
    const answer = await send(port, "POST", "/graphql", authorize);
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).not.toBe("close");
  });
});
