import createClient, { type ParseAs } from "openapi-fetch";
import { describe, expect, test } from "vitest";
import type { paths } from "../src/generated/openapi.js";
import { WireRequest, WireResponse } from "../src/transport.js";
import { BASE_URL, CUSTOMER_ID } from "./helpers.js";

// On its own transport the client hands openapi-fetch a WireRequest and gets a WireResponse back, not the
// WHATWG classes. That holds only while openapi-fetch touches nothing they lack: this records every member
// openapi-fetch reads on them (through Proxies), for every path of its response handling, and checks that
// it gets from a WireResponse what it gets from a Response.

/** Wraps `target` so that each member read is recorded under `prefix`; methods run on the target itself. */
function recorded<T extends object>(target: T, reads: Set<string>, prefix = ""): T {
  return new Proxy(target, {
    get(object, key) {
      const name = `${prefix}${String(key)}`;
      // Resolving an async fetch's result asks any object for `then`; a Response has none either.
      if (key !== "then") reads.add(name);
      const value: unknown = Reflect.get(object, key, object);
      if (key === "headers" && typeof value === "object" && value !== null) {
        return recorded(value, reads, `${name}.`);
      }
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

/** Whether `member` ("status", "headers.get") exists on `target`. */
const implemented = (target: object, member: string): boolean => {
  const [head = "", ...rest] = member.split(".");
  if (!(head in target)) return false;
  const next: unknown = Reflect.get(target, head, target);
  return (
    rest.length === 0 || (typeof next === "object" && next !== null && implemented(next, rest.join(".")))
  );
};

interface Answer {
  status: number;
  body: string | null;
  headers: Record<string, string>;
}
const json = JSON.stringify({ HttpStatusCode: 200, Token: "d65f1adb-8ebc-48dc-be8b-20c773ba1565" });
const answers: Array<[string, Answer]> = [
  ["200 JSON", { status: 200, body: json, headers: { "content-type": "application/json" } }],
  ["200 JSON, Content-Length", { status: 200, body: json, headers: { "content-length": `${json.length}` } }],
  ["200, Content-Length 0", { status: 200, body: "", headers: { "content-length": "0" } }],
  ["204", { status: 204, body: null, headers: {} }],
  [
    "401 JSON",
    { status: 401, body: '{"HttpStatusCode":401}', headers: { "content-type": "application/json" } },
  ],
  ["500 not JSON", { status: 500, body: "<html>oops</html>", headers: { "content-type": "text/html" } }],
  ["200 with a byte-order mark", { status: 200, body: `\uFEFF${json}`, headers: {} }],
];
const parseAsValues: ParseAs[] = ["json", "text", "blob", "arrayBuffer", "stream"];

const bytesOf = (body: string | null) => (body === null ? null : new TextEncoder().encode(body));
const wireOf = ({ status, body, headers }: Answer) =>
  new WireResponse(status, "", new Headers(headers), bytesOf(body));
// From bytes, as off the wire: a string body would make Response add a text/plain content type.
const responseOf = ({ status, body, headers }: Answer) => new Response(bytesOf(body), { status, headers });

/** openapi-fetch's `data` or `error`, read to plain values so that the two classes compare. */
async function plain(value: unknown): Promise<unknown> {
  if (value instanceof Blob) return { blob: await value.text(), type: value.type };
  if (value instanceof ArrayBuffer) return { arrayBuffer: Buffer.from(value).toString("utf8") };
  if (value instanceof ReadableStream) return { stream: await new Response(value).text() };
  return value;
}

async function throughOpenapiFetch(response: Response, parseAs: ParseAs, requestReads = new Set<string>()) {
  // A Request class that records what openapi-fetch does with the WireRequest it builds.
  const RecordedRequest = class extends WireRequest {
    constructor(...args: ConstructorParameters<typeof WireRequest>) {
      super(...args);
      // biome-ignore lint/correctness/noConstructorReturn: the Proxy stands in for the instance on purpose
      return recorded(this, requestReads);
    }
  };
  const http = createClient<paths>({
    baseUrl: BASE_URL,
    fetch: async () => response,
    Request: RecordedRequest as unknown as typeof Request,
  });
  const { data, error } = await http
    .POST("/v3/{customerId}/BankingServices/GenerateAuthorizeToken", {
      params: { path: { customerId: CUSTOMER_ID } },
      parseAs,
    })
    .catch((thrown: unknown) => ({ data: undefined, error: { thrown: String(thrown) } }));
  return { data: await plain(data), error: await plain(error) };
}

describe("openapi-fetch 0.17 reads only what WireResponse implements", () => {
  const cases = answers.flatMap(([name, answer]) =>
    parseAsValues.map((parseAs) => [`${name}, parseAs ${parseAs}`, answer, parseAs] as const),
  );
  const everyRead = new Set<string>();

  test.each(cases)("%s", async (_, answer, parseAs) => {
    const reads = new Set<string>();
    const wire = wireOf(answer);
    const outcome = await throughOpenapiFetch(recorded(wire, reads) as unknown as Response, parseAs);
    for (const read of reads) everyRead.add(read);
    expect([...reads].filter((member) => !implemented(wire, member))).toEqual([]);
    // …and gets from it what it gets from a WHATWG Response.
    expect(outcome).toEqual(await throughOpenapiFetch(responseOf(answer), parseAs));
  });

  test("the members read, over all cases: a change in openapi-fetch shows here first", () => {
    expect([...everyRead].sort()).toEqual([
      "arrayBuffer",
      "blob",
      "body",
      "headers",
      "headers.get",
      "json",
      "ok",
      "status",
      "text",
    ]);
  });
});

test("openapi-fetch reads only the method of the WireRequest it builds; the transport reads the rest", async () => {
  const requestReads = new Set<string>();
  await throughOpenapiFetch(wireOf(answers[0]?.[1] as Answer) as unknown as Response, "text", requestReads);
  const wire = new WireRequest(BASE_URL, {});
  const missing = [...requestReads].filter((member) => !implemented(wire, member));
  expect([...requestReads].sort()).toEqual(["method"]);
  expect(missing).toEqual([]);
});
