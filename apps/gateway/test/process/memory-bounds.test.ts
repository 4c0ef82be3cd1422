import { request } from "node:http";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import { type RssSampler, sampleRss } from "@flinks-authorize/kit/rss";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { AUTHORIZE, CALLER_KEY, LOGIN_ID } from "../harness.js";
import { postGraphQL } from "./support.js";

// Memory bounded by construction, on the production bundle under the production node flags. A red team
// crashed it with four 24 MB `application/graphql` bodies, with ~2,000 distinct 63 KB JSON documents
// (Yoga's parse caches kept every text), and with one 100 MiB answer from Flinks (buffered whole).

/** What the gateway's resident set must stay under through the whole battery. */
const RSS_BOUND_MB = 200;
const MB = 1024 * 1024;
const DOCUMENTS_PER_TYPE = 1_000;
const CONCURRENCY = 8;

let upstream: FakeFlinks;
let gateway: GatewayProcess;
let rss: RssSampler;

beforeAll(async () => {
  upstream = await startFakeFlinks({ record: false });
  gateway = await startGateway({
    entry: inject("gatewayBundle"),
    env: {
      NODE_ENV: "production",
      LOG_LEVEL: "error",
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: "memory-test-key",
      GATEWAY_API_KEYS: CALLER_KEY,
      // Every authorize mints its own token, so a fault on the token call is met by the next request.
    },
  });
  rss = sampleRss(gateway.pid, 100);
}, 60_000);

afterAll(async () => {
  rss?.stop();
  await gateway?.stop();
  await upstream?.close();
});

interface Sent {
  contentType: string;
  body: string;
  /** Without Content-Length: Transfer-Encoding: chunked. */
  chunked?: boolean;
}

/** One POST to /graphql over a fresh connection; resolves the status (0: the connection failed). */
function post({ contentType, body, chunked = false }: Sent): Promise<number> {
  return new Promise((resolve) => {
    const call = request(
      `${gateway.url}/graphql`,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": contentType,
          authorization: `Bearer ${CALLER_KEY}`,
          // Form bodies are "simple" requests: the CSRF header says a script of ours sent it.
          "x-graphql-yoga-csrf": "1",
          ...(!chunked && { "content-length": Buffer.byteLength(body) }),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", () => resolve(0));
      },
    );
    call.on("error", () => resolve(0));
    if (chunked) {
      // Several writes, so the body really arrives in chunks.
      for (let at = 0; at < body.length; at += 16 * 1024) call.write(body.slice(at, at + 16 * 1024));
      call.end();
    } else call.end(body);
  });
}

/** A distinct valid document of about `size` characters: Yoga must parse and validate each anew. */
const document = (index: number, size: number) => {
  const head = `# distinct document ${index}\n{ __typename `;
  return `${head}${" ".repeat(Math.max(0, size - head.length - 1))}}`;
};

const NEAR_CAP = 60 * 1024;
const encodings: Array<[string, (text: string) => Sent]> = [
  [
    "application/json",
    (text) => ({ contentType: "application/json", body: JSON.stringify({ query: text }) }),
  ],
  [
    "application/graphql, chunked",
    (text) => ({ contentType: "application/graphql", body: text, chunked: true }),
  ],
  [
    "application/x-www-form-urlencoded",
    (text) => ({
      contentType: "application/x-www-form-urlencoded",
      // Spaces encode as "+": the form body stays near the cap.
      body: new URLSearchParams({ query: text }).toString(),
    }),
  ],
];

async function inParallel(count: number, send: (index: number) => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) statuses.push(await send(next++));
    }),
  );
  return statuses;
}

describe("request bodies", () => {
  test.each(encodings)(
    `${DOCUMENTS_PER_TYPE} distinct documents near the 64 KiB cap as %s: all served, RSS bounded`,
    async (_, encode) => {
      const statuses = await inParallel(DOCUMENTS_PER_TYPE, (index) =>
        post(encode(document(index, NEAR_CAP))),
      );
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(gateway.running()).toBe(true);
      expect(rss.read().peak ?? Number.POSITIVE_INFINITY).toBeLessThan(RSS_BOUND_MB * MB);
    },
    120_000,
  );

  test.each([
    ["application/graphql, chunked", { contentType: "application/graphql", chunked: true }],
    ["application/json, chunked", { contentType: "application/json", chunked: true }],
    ["application/json, declared", { contentType: "application/json" }],
    [
      "application/x-www-form-urlencoded, chunked",
      { contentType: "application/x-www-form-urlencoded", chunked: true },
    ],
  ] as const)("24 MB as %s: 413 before it is read, six times over", async (_, sent) => {
    const body = `{__typename${" ".repeat(24 * MB)}}`;
    const statuses = await Promise.all(Array.from({ length: 6 }, () => post({ ...sent, body })));
    // Refused, or the connection closed on the client still sending: never served, never a crash.
    for (const status of statuses) expect([413, 0]).toContain(status);
    expect(gateway.running()).toBe(true);
  });
});

describe("upstream answers", () => {
  test.each([
    ["GenerateAuthorizeToken", "hugeChunked"],
    ["GenerateAuthorizeToken", "hugeDeclared"],
    ["Authorize", "hugeChunked"],
    ["Authorize", "hugeDeclared"],
  ] as const)(
    "a 100 MiB answer to %s (%s) is an UpstreamContractError, and memory stays bounded",
    async (operation, fault) => {
      upstream.faults = { [operation]: fault };
      try {
        const started = performance.now();
        const data = await postGraphQL(gateway.port, AUTHORIZE, { input: { loginId: LOGIN_ID } });
        expect(data.authorize).toMatchObject({ __typename: "UpstreamContractError", retryable: false });
        expect(performance.now() - started).toBeLessThan(10_000);
      } finally {
        upstream.faults = {};
      }
      expect(gateway.running()).toBe(true);
      expect(rss.read().peak ?? Number.POSITIVE_INFINITY).toBeLessThan(RSS_BOUND_MB * MB);
    },
  );
});

test("after the battery: alive, the next authorize served, and the RSS bound held", async () => {
  const data = await postGraphQL(gateway.port, AUTHORIZE, { input: { loginId: LOGIN_ID } });
  expect(data.authorize).toMatchObject({ __typename: "Authorized" });
  const { peak } = rss.read();
  console.log(
    `memory battery: gateway RSS peak ${((peak ?? 0) / MB).toFixed(1)} MB (bound ${RSS_BOUND_MB} MB)`,
  );
  expect(peak ?? Number.POSITIVE_INFINITY).toBeLessThan(RSS_BOUND_MB * MB);
});
