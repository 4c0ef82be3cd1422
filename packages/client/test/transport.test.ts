import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { LOGIN_ID, tokenAnswer } from "@flinks-authorize/kit/fixtures";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createFlinksClient, type FlinksClient } from "../src/index.js";
import { BASE_URL, CUSTOMER_ID, createObservedClient, hangingFetch } from "./helpers.js";

const cachedRequest = { LoginId: LOGIN_ID };
const pollRequest = { RequestId: "077785a3-fd0f-42f7-9251-ee2ff7f3b4ff" };
const token200 = { status: 200, body: tokenAnswer };

afterEach(() => {
  vi.useRealTimers();
});

describe("requests", () => {
  test("authorize posts the JSON body with the token in flinks-auth-key", async () => {
    const { client, seen } = createObservedClient(() => ({ status: 401, body: { HttpStatusCode: 401 } }));
    await client.authorize("the-token", cachedRequest, { headers: { "x-request-id": "req-1" } });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe(`${BASE_URL}/v3/${CUSTOMER_ID}/BankingServices/Authorize`);
    expect(request?.headers.get("flinks-auth-key")).toBe("the-token");
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.headers.get("x-request-id")).toBe("req-1");
    expect(JSON.parse(request?.body ?? "")).toEqual(cachedRequest);
  });

  test("authorizeAsync posts a poll to AuthorizeAsync with the token in flinks-auth-key", async () => {
    const { client, seen } = createObservedClient(() => ({ status: 401, body: { HttpStatusCode: 401 } }));
    await client.authorizeAsync("the-token", pollRequest);
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `POST ${BASE_URL}/v3/${CUSTOMER_ID}/BankingServices/AuthorizeAsync`,
    ]);
    expect(seen[0]?.headers.get("flinks-auth-key")).toBe("the-token");
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual(pollRequest);
  });

  test("generateAuthorizeToken posts no body with the secret key in flinks-auth-key", async () => {
    const { client, seen } = createObservedClient(() => token200);
    await client.generateAuthorizeToken("the-secret");
    expect(seen[0]?.url).toBe(`${BASE_URL}/v3/${CUSTOMER_ID}/BankingServices/GenerateAuthorizeToken`);
    expect(seen[0]?.headers.get("flinks-auth-key")).toBe("the-secret");
    expect(seen[0]?.body).toBe("");
  });

  test("a caller header cannot replace flinks-auth-key", async () => {
    const { client, seen } = createObservedClient(() => token200);
    await client.generateAuthorizeToken("the-secret", { headers: { "flinks-auth-key": "other" } });
    expect(seen[0]?.headers.get("flinks-auth-key")).toBe("the-secret");
  });

  test.each([
    ["no mode at all", { Tag: "x" }],
    ["a field the spec does not know", { ...cachedRequest, ScheduleRefresh: true }],
    ["a LoginId that is not a UUID", { LoginId: "abc" }],
    ["an empty password", { Institution: "FlinksCapital", Username: "u", Password: "" }],
    ["a language other than en or fr", { ...cachedRequest, Language: "de" }],
  ])("a request with %s is refused before it is sent", async (_, request) => {
    const { client, seen } = createObservedClient(() => token200);
    // @ts-expect-error: each of these breaks the request type as well as the schema
    const outcome = await client.authorize("t", request);
    expect(outcome.kind).toBe("invalidRequest");
    expect(seen).toHaveLength(0);
  });

  test.each([
    ["authorize", "a poll", pollRequest, "a RequestId alone is a poll, which only AuthorizeAsync takes"],
    ["authorizeAsync", "a poll with a Tag", { ...pollRequest, Tag: "x" }, "must have required property"],
    ["authorizeAsync", "a poll whose RequestId is not a UUID", { RequestId: "abc" }, "must have required"],
  ] as const)("%s refuses %s before sending it", async (operation, _, request, reason) => {
    const { client, seen } = createObservedClient(() => token200);
    const name = operation === "authorize" ? "Authorize" : "AuthorizeAsync";
    // The types refuse these too (outcomes.test-d.ts); here the check at run time is what is tested.
    const call: FlinksClient["authorizeAsync"] = client[operation];
    const outcome = await call("t", request);
    expect(outcome).toMatchObject({ kind: "invalidRequest" });
    expect(outcome.kind === "invalidRequest" && outcome.message).toMatch(
      `The ${name} request breaks the contract: ${reason}`,
    );
    expect(seen).toHaveLength(0);
  });

  test("the invalidRequest message names the field but never its value", async () => {
    const { client } = createObservedClient(() => token200);
    const outcome = await client.authorize("t", {
      Institution: "FlinksCapital",
      Username: "u",
      Password: 42 as unknown as string,
    });
    expect(outcome).toEqual({
      kind: "invalidRequest",
      message: "The Authorize request breaks the contract: /Password must be string.",
    });
  });
});

describe("transport failures", () => {
  test("a hung upstream becomes a timeout after timeoutMs", async () => {
    const client = createFlinksClient({
      baseUrl: BASE_URL,
      customerId: CUSTOMER_ID,
      fetch: hangingFetch,
      timeoutMs: 50,
    });
    const started = performance.now();
    const outcome = await client.authorize("t", cachedRequest);
    expect(outcome).toEqual({
      kind: "timeout",
      timeoutMs: 50,
      message: "Flinks did not answer within 50 ms.",
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  test("the deadline holds even over a fetch that ignores its signal", async () => {
    const deaf = () =>
      new Promise<Response>((resolve) => setTimeout(() => resolve(new Response("{}")), 2_000).unref());
    const client = createFlinksClient({
      baseUrl: BASE_URL,
      customerId: CUSTOMER_ID,
      fetch: deaf,
      timeoutMs: 30,
    });
    const started = performance.now();
    expect(await client.authorize("t", cachedRequest)).toMatchObject({ kind: "timeout", timeoutMs: 30 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("the per-call timeoutMs overrides the client's", async () => {
    const client = createFlinksClient({ baseUrl: BASE_URL, customerId: CUSTOMER_ID, fetch: hangingFetch });
    const outcome = await client.generateAuthorizeToken("s", { timeoutMs: 20 });
    expect(outcome).toMatchObject({ kind: "timeout", timeoutMs: 20 });
  });

  test("an absolute deadline bounds the call; with timeoutMs as well, the earlier holds", async () => {
    const client = createFlinksClient({ baseUrl: BASE_URL, customerId: CUSTOMER_ID, fetch: hangingFetch });
    const started = performance.now();
    const byDeadline = await client.generateAuthorizeToken("s", { deadline: Date.now() + 40 });
    expect(byDeadline).toMatchObject({ kind: "timeout" });
    expect(performance.now() - started).toBeLessThan(1_000);
    const earlierTimeout = await client.generateAuthorizeToken("s", {
      deadline: Date.now() + 60_000,
      timeoutMs: 20,
    });
    expect(earlierTimeout).toMatchObject({ kind: "timeout", timeoutMs: 20 });
  });

  test("a deadline already past answers timeout without sending anything", async () => {
    const { client, seen } = createObservedClient(() => ({ status: 200, body: {} }));
    const outcome = await client.authorize("t", cachedRequest, { deadline: Date.now() - 1 });
    expect(outcome).toMatchObject({ kind: "timeout", timeoutMs: 0 });
    expect(seen).toHaveLength(0);
  });

  test("a body that stalls after the headers also times out", async () => {
    const client = createFlinksClient({
      baseUrl: BASE_URL,
      customerId: CUSTOMER_ID,
      timeoutMs: 50,
      fetch: async (request) => {
        const body = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"HttpStatusCode":'));
            request.signal.addEventListener("abort", () => controller.error(request.signal.reason));
          },
        });
        return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    expect(await client.authorize("t", cachedRequest)).toMatchObject({ kind: "timeout" });
  });

  test("the caller's signal aborts the call", async () => {
    const client = createFlinksClient({ baseUrl: BASE_URL, customerId: CUSTOMER_ID, fetch: hangingFetch });
    const controller = new AbortController();
    const pending = client.authorize("t", cachedRequest, { signal: controller.signal });
    controller.abort();
    expect(await pending).toEqual({ kind: "aborted", message: "The call was aborted by its caller." });
  });

  test("an already aborted signal sends nothing", async () => {
    const { client, seen } = createObservedClient(() => token200);
    const outcome = await client.generateAuthorizeToken("s", { signal: AbortSignal.abort() });
    expect(outcome.kind).toBe("aborted");
    expect(seen).toHaveLength(0);
  });

  test("a refused connection becomes a networkError with its code", async () => {
    const client = createFlinksClient({
      baseUrl: BASE_URL,
      customerId: CUSTOMER_ID,
      fetch: () => {
        const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
        return Promise.reject(new TypeError("fetch failed", { cause }));
      },
    });
    expect(await client.authorize("t", cachedRequest)).toEqual({
      kind: "networkError",
      code: "ECONNREFUSED",
      message: "Could not reach Flinks (ECONNREFUSED).",
    });
  });

  test("no timer outlives a call", async () => {
    vi.useFakeTimers();
    const { client } = createObservedClient(() => token200);
    await client.generateAuthorizeToken("s");
    expect(vi.getTimerCount()).toBe(0);
  });

  test("a real connection refusal is reported, not thrown", async () => {
    // A port that was just free: listen on an ephemeral port, then close it. The default transport is used.
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = createFlinksClient({
      baseUrl: `http://127.0.0.1:${port}`,
      customerId: CUSTOMER_ID,
      timeoutMs: 2000,
    });
    expect(await client.generateAuthorizeToken("s")).toMatchObject({
      kind: "networkError",
      code: "ECONNREFUSED",
    });
  });
});

describe("secrets never leak", () => {
  const secret = "SECRET-c4569c54-canary";
  const token = "TOKEN-d65f1adb-canary";
  const password = "PASSWORD-canary";
  const answer = "ANSWER-canary";
  const everything = [secret, token, password, answer];

  const show = (value: unknown) =>
    [String(value), JSON.stringify(value), inspect(value, { depth: 10, showHidden: true })].join("\n");

  test("a minted token prints as [redacted]", async () => {
    const { client } = createObservedClient(() => ({
      status: 200,
      body: { HttpStatusCode: 200, Token: token },
    }));
    const outcome = await client.generateAuthorizeToken(secret);
    expect(outcome.kind === "token" && outcome.token.reveal()).toBe(token);
    expect(show(outcome)).not.toContain(token);
    expect(`${outcome.kind === "token" ? outcome.token : ""}`).toBe("[redacted]");
  });

  const failures: Array<[string, (request: Request) => Promise<Response>]> = [
    [
      "a fetch error quoting the request",
      async (r) => Promise.reject(new Error(`${r.headers.get("flinks-auth-key")} ${await r.text()}`)),
    ],
    ["a hang", hangingFetch],
    [
      "an HTML error page echoing the request",
      async (r) => new Response(`<p>${await r.text()}</p>`, { status: 500 }),
    ],
    [
      "a body echoing the request that breaks the schema",
      async (r) => Response.json({ echo: await r.text() }, { status: 200 }),
    ],
  ];

  test.each(failures)("%s leaves no secret in the outcome", async (_, fetch) => {
    const client = createFlinksClient({ baseUrl: BASE_URL, customerId: CUSTOMER_ID, fetch, timeoutMs: 30 });
    const outcomes = [
      await client.generateAuthorizeToken(secret),
      await client.authorize(token, { Institution: "FlinksCapital", Username: "u", Password: password }),
      await client.authorize(token, {
        RequestId: "9022abc2-8a2e-4b06-a06e-c3e5449c4d10",
        SecurityResponses: { "What shape?": [answer] },
      }),
    ];
    for (const outcome of outcomes) {
      expect(outcome.kind).not.toBe("authorized");
      for (const value of everything) expect(show(outcome)).not.toContain(value);
    }
  });
});

describe("options", () => {
  test.each([
    [{ baseUrl: "not a url" }, /baseUrl must be an absolute/],
    [{ baseUrl: "ftp://x" }, /http or https/],
    [{ instance: "evil.com/x" }, /instance must be a host label/],
    [{ customerId: "nope" }, /customerId must be the GUID/],
    [{ timeoutMs: 0 }, /timeoutMs must be a positive/],
  ])("%o is refused with a clear message", (bad, message) => {
    expect(() => createFlinksClient({ customerId: CUSTOMER_ID, ...bad })).toThrow(message);
  });

  test("the instance selects the Flinks host; baseUrl wins over it", () => {
    expect(createFlinksClient({ customerId: CUSTOMER_ID }).baseUrl).toBe(
      "https://toolbox-api.private.fin.ag",
    );
    expect(createFlinksClient({ customerId: CUSTOMER_ID, instance: "sandbox" }).baseUrl).toBe(
      "https://sandbox-api.private.fin.ag",
    );
    expect(
      createFlinksClient({ customerId: CUSTOMER_ID, instance: "x", baseUrl: "http://127.0.0.1:4010/" })
        .baseUrl,
    ).toBe("http://127.0.0.1:4010");
  });
});
