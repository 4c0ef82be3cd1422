import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { operations } from "./fixtures.js";
import { LOOPBACK } from "./ports.js";

/**
 * A Flinks on loopback that answers every operation of the spec with the spec's own examples: a real
 * HTTP server, so the gateway's real transport (sockets, keep-alive, resets) is what meets it. Tests
 * run it in process; the benchmark runs it as a process of its own (fake-flinks-process.ts).
 */

/** How an operation misbehaves on its next calls. */
export type Fault =
  | "ok"
  | "hang"
  | "slow"
  | "status500"
  | "resetMidBody"
  | "notJson"
  | "schemaBreaking"
  | "rejectedToken"
  | "destroyBeforeAnswer"
  /** 100 MiB of JSON-looking bytes, chunked (no Content-Length), until the client hangs up. */
  | "hugeChunked"
  /** The same, announced with its Content-Length. */
  | "hugeDeclared";

/** What the huge faults send at most: far past any sane cap on an answer. */
export const HUGE_ANSWER_BYTES = 100 * 1024 * 1024;

export interface Answer {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, instead of `body`. */
  raw?: string;
}

/** One call the fake received. */
export interface FlinksCall {
  /** The Flinks endpoint: the last segment of the spec's path ("GenerateAuthorizeToken", "Authorize"…). */
  operation: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The JSON body; undefined when there is none or it is not JSON. */
  body: Record<string, unknown> | undefined;
  /**
   * What the fake answered, once it has: the status, and the body unless it was the operation's 200
   * example. Faults that send no complete answer leave it unset.
   */
  answer?: Answer;
}

export interface FakeFlinksOptions {
  /** Time to answer per operation (ms), e.g. `{ GenerateAuthorizeToken: 50, Authorize: 2000 }`. */
  latencyMs?: Record<string, number>;
  /** Keep every call in `calls` (default). Off for long benchmark runs, where the counts are enough. */
  record?: boolean;
  /** Default: a free one. */
  port?: number;
}

export interface FakeFlinksStats {
  /** Calls received per operation. */
  calls: Record<string, number>;
  /** Calls received and not yet answered (or abandoned), now and at the most since the last reset. */
  inFlight: number;
  peakInFlight: number;
  /** Calls whose client went away before the answer was complete. */
  aborted: number;
}

export interface FakeFlinks {
  readonly url: string;
  /** Per operation; an operation without one answers normally. */
  faults: Record<string, Fault>;
  /** How long the "slow" fault waits (ms). */
  slowMs: number;
  latencyMs: Record<string, number>;
  /**
   * Scripted answers for multi-step flows (an MFA round trip): return an answer to send it, or undefined
   * for what the operation would send anyway (its fault, else its 200 example).
   */
  script: ((call: FlinksCall) => Answer | undefined) | undefined;
  readonly calls: FlinksCall[];
  /** Calls received for one operation, or for all. */
  count(operation?: string): number;
  stats(): FakeFlinksStats;
  /** Faults, script and calls cleared, counters at zero; latency kept. */
  reset(): void;
  close(): Promise<void>;
}

/** Where a fake run as a process shows its stats (GET) and resets them (DELETE). */
export const STATS_PATH = "/__stats";

interface Route {
  operation: string;
  pattern: RegExp;
  examples: Array<{ status: number; name: string; value: Record<string, unknown> }>;
  /** The first 200 example, serialized once (the hot path of a benchmark), and its status. */
  ok: Buffer;
  okStatus: number;
}

const routes: Route[] = operations.map(({ path, examples }) => {
  const operation = path.slice(path.lastIndexOf("/") + 1);
  const success = examples.find((example) => example.status === 200);
  return {
    operation,
    pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    examples,
    // An operation the spec documents without a 200 example fails only when it is called, and says why.
    ok: Buffer.from(
      JSON.stringify(
        success?.value ?? { HttpStatusCode: 501, Message: `The spec has no 200 example of ${operation}.` },
      ),
    ),
    okStatus: success ? 200 : 501,
  };
});

/** The example a fault answers with: the first of these names the operation documents for that status. */
const FAULT_EXAMPLES = {
  status500: { status: 500, names: ["AGGREGATION_ERROR"] },
  // The credential the call carries is refused: the authorize token (Authorize), the secret key (token call).
  rejectedToken: { status: 401, names: ["ACCESS_DENIED", "UNAUTHORIZED"] },
} as const;

function faultExample(route: Route, fault: keyof typeof FAULT_EXAMPLES): Answer {
  const { status, names } = FAULT_EXAMPLES[fault];
  const found = names
    .map((name) => route.examples.find((example) => example.status === status && example.name === name))
    .find((example) => example !== undefined);
  if (!found) throw new Error(`The spec has no ${status} ${names.join("/")} example for ${route.operation}.`);
  return { status, body: found.value };
}

/** The 200 example with every field but HttpStatusCode of the wrong type: valid JSON, broken contract. */
function schemaBreaking(route: Route): Answer {
  const value = JSON.parse(route.ok.toString("utf8")) as Record<string, unknown>;
  const wrong = (field: unknown) => (typeof field === "string" ? 0 : "not what the spec says");
  return {
    status: 200,
    body: Object.fromEntries(
      Object.entries(value).map(([name, field]) => [name, name === "HttpStatusCode" ? field : wrong(field)]),
    ),
  };
}

/** Streams HUGE_ANSWER_BYTES in 64 KiB chunks, honouring back-pressure, until done or the client is gone. */
function sendHuge(response: ServerResponse, declared: boolean) {
  const chunk = Buffer.alloc(64 * 1024, " ");
  const opening = '{"HttpStatusCode":200,"Token":"';
  response.writeHead(200, {
    "content-type": "application/json",
    ...(declared && { "content-length": opening.length + HUGE_ANSWER_BYTES }),
  });
  response.write(opening);
  let sent = 0;
  const pump = () => {
    while (sent < HUGE_ANSWER_BYTES && !response.destroyed) {
      sent += chunk.length;
      if (!response.write(chunk)) return void response.once("drain", pump);
    }
    if (!response.destroyed) response.end();
  };
  response.once("close", () => {
    sent = HUGE_ANSWER_BYTES;
  });
  pump();
}

export async function startFakeFlinks(options: FakeFlinksOptions = {}): Promise<FakeFlinks> {
  const record = options.record ?? true;
  const open = new Set<ServerResponse>();
  let counts: Record<string, number> = {};
  let inFlight = 0;
  let peakInFlight = 0;
  let aborted = 0;

  const send = (response: ServerResponse, status: number, payload: Buffer | string, type: string) => {
    response.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(payload) });
    response.end(payload);
  };
  const sendAnswer = (response: ServerResponse, call: FlinksCall, answer: Answer) => {
    call.answer = answer;
    send(response, answer.status, answer.raw ?? JSON.stringify(answer.body), "application/json");
  };

  function respond(route: Route, call: FlinksCall, request: IncomingMessage, response: ServerResponse) {
    const scripted = fake.script?.(call);
    if (scripted) return sendAnswer(response, call, scripted);
    const fault = fake.faults[route.operation] ?? "ok";
    switch (fault) {
      case "ok":
        call.answer = { status: route.okStatus };
        return send(response, route.okStatus, route.ok, "application/json");
      case "hang":
        return;
      case "slow":
        setTimeout(
          () => sendAnswer(response, call, { status: route.okStatus, raw: route.ok.toString() }),
          fake.slowMs,
        );
        return;
      case "status500":
      case "rejectedToken":
        return sendAnswer(response, call, faultExample(route, fault));
      case "schemaBreaking":
        return sendAnswer(response, call, schemaBreaking(route));
      case "notJson":
        return send(response, 502, "<html><body>Bad gateway</body></html>", "text/html");
      case "resetMidBody":
        response.writeHead(200, {
          "content-type": "application/json",
          "content-length": route.ok.length * 2,
        });
        response.write(route.ok.subarray(0, route.ok.length / 2));
        setTimeout(() => response.socket?.destroy(), 10);
        return;
      case "destroyBeforeAnswer":
        request.socket.destroy();
        return;
      case "hugeChunked":
      case "hugeDeclared":
        return sendHuge(response, fault === "hugeDeclared");
    }
  }

  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (path === STATS_PATH) {
      request.resume();
      if (request.method === "DELETE") fake.reset();
      return send(response, 200, JSON.stringify(fake.stats()), "application/json");
    }
    const route = routes.find((candidate) => candidate.pattern.test(path));
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    open.add(response);
    response.once("close", () => {
      inFlight--;
      open.delete(response);
      if (!response.writableFinished) aborted++;
    });
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (!route) {
        return send(response, 404, '{"HttpStatusCode":404,"Message":"not in the spec"}', "application/json");
      }
      counts[route.operation] = (counts[route.operation] ?? 0) + 1;
      const raw = Buffer.concat(chunks);
      const call: FlinksCall = {
        operation: route.operation,
        path,
        headers: request.headers,
        raw,
        body: undefined,
      };
      if (record || fake.script) {
        try {
          call.body =
            raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : undefined;
        } catch {
          // Not JSON: `raw` has it.
        }
      }
      if (record) fake.calls.push(call);
      const delay = fake.latencyMs[route.operation] ?? 0;
      if (delay > 0) setTimeout(respond, delay, route, call, request, response);
      else respond(route, call, request, response);
    });
  });
  // Longer than any client's idle timeout: the client decides when a pooled socket closes.
  server.keepAliveTimeout = 65_000;
  server.listen(options.port ?? 0, LOOPBACK);
  await once(server, "listening");

  const fake: FakeFlinks = {
    url: `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`,
    faults: {},
    slowMs: 0,
    latencyMs: { ...options.latencyMs },
    script: undefined,
    calls: [],
    count: (operation) =>
      operation === undefined
        ? Object.values(counts).reduce((sum, count) => sum + count, 0)
        : (counts[operation] ?? 0),
    stats: () => ({ calls: { ...counts }, inFlight, peakInFlight, aborted }),
    reset: () => {
      fake.faults = {};
      fake.slowMs = 0;
      fake.script = undefined;
      fake.calls.length = 0;
      counts = {};
      peakInFlight = inFlight;
      aborted = 0;
    },
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return fake;
}
