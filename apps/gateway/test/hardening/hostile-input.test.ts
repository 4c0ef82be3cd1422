import { describe, expect, test } from "vitest";
import { AUTHORIZE, fakeUpstream, LIVE_ENV, LOGIN_ID, SUBMIT_MFA, testGateway } from "../harness.js";

// Hostile or broken requests. None may yield a 5xx, a stack trace, or reach Flinks; the gateway keeps
// serving afterwards.
const upstream = fakeUpstream({});
const gateway = testGateway(upstream);
const url = "http://gateway.test/graphql";
const json = { "content-type": "application/json" };

const aliasBomb = `mutation { ${Array.from({ length: 50 }, (_, i) => `a${i}: authorize(input: { loginId: "${LOGIN_ID}" }) { __typename }`).join(" ")} }`;
const depthBomb = `query { ${"__schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } }"} }`;
const directiveBomb = `query { gatewayMode ${"@include(if: true) ".repeat(200)} }`;
const tokenBomb = `query { ${"gatewayMode ".repeat(3_000)} }`;
const fieldOf = (size: number) => `{"query":"{ gatewayMode }","extensions":{"pad":"${"x".repeat(size)}"}}`;

const chunkedBody = (bytes: number) =>
  new ReadableStream({
    start(controller) {
      const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
      for (let sent = 0; sent < bytes; sent += chunk.byteLength) controller.enqueue(chunk);
      controller.close();
    },
  });

const cases: Array<[string, RequestInit & { duplex?: "half" }, number | number[]]> = [
  ["malformed JSON", { method: "POST", headers: json, body: '{"query": "{ gatewayMode }"' }, 400],
  ["an empty body", { method: "POST", headers: json, body: "" }, 400],
  ["a JSON string body", { method: "POST", headers: json, body: '"{ gatewayMode }"' }, 400],
  [
    "a batch of operations (batching is off)",
    {
      method: "POST",
      headers: json,
      body: JSON.stringify(Array.from({ length: 100 }, () => ({ query: "{ gatewayMode }" }))),
    },
    400,
  ],
  [
    "50 aliased authorize mutations",
    { method: "POST", headers: json, body: JSON.stringify({ query: aliasBomb }) },
    [200, 400],
  ],
  [
    "a directive bomb",
    { method: "POST", headers: json, body: JSON.stringify({ query: directiveBomb }) },
    [200, 400],
  ],
  ["a token bomb", { method: "POST", headers: json, body: JSON.stringify({ query: tokenBomb }) }, [200, 400]],
  ["a 5 MB body with Content-Length", { method: "POST", headers: json, body: fieldOf(5 * 1024 * 1024) }, 413],
  [
    "a 5 MB chunked body",
    { method: "POST", headers: json, body: chunkedBody(5 * 1024 * 1024), duplex: "half" },
    413,
  ],
  ["a mutation over GET", { method: "GET", headers: { "x-graphql-yoga-csrf": "1" } }, 405],
  ["a CSRF-shaped GET without the preflight header", { method: "GET" }, 403],
  [
    "a CSRF-shaped form post",
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `query=${encodeURIComponent(AUTHORIZE)}`,
    },
    [400, 403, 415],
  ],
  [
    "a CSRF-shaped text/plain post",
    {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
    },
    [400, 403, 415],
  ],
  ["a query that is not a string", { method: "POST", headers: json, body: '{"query": {"a": 1}}' }, 400],
  [
    "variables that are not an object",
    { method: "POST", headers: json, body: '{"query": "{ gatewayMode }", "variables": [1]}' },
    400,
  ],
];

describe("hostile requests", () => {
  test.each(cases)("%s → refused without a 5xx or a stack trace", async (_, init, expected) => {
    const target =
      init.method === "GET"
        ? `${url}?query=${encodeURIComponent(`mutation { authorize(input: { loginId: "${LOGIN_ID}" }) { __typename } }`)}`
        : url;
    // A fresh headers object per request: the fetch ponyfill writes Content-Length into the one it gets.
    const headers = { ...(init.headers as Record<string, string>) };
    const response = await gateway.yoga.fetch(target, { ...init, headers } as RequestInit);
    const text = await response.text();
    expect(text).not.toContain("originalError");
    expect([expected].flat()).toContain(response.status);
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect(text).not.toContain("Unexpected error.");
    if (response.status === 200) expect(JSON.parse(text).errors?.length).toBeGreaterThan(0);
    expect(upstream.calls).toEqual([]);
  });

  test("a depth bomb is refused in production (the schema has no cycles; only introspection nests deeply)", async () => {
    const production = testGateway(upstream, {
      ...LIVE_ENV,
      NODE_ENV: "production",
      GATEWAY_API_KEYS: "k".repeat(16),
    });
    const response = await production.yoga.fetch(url, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${"k".repeat(16)}` },
      body: JSON.stringify({ query: depthBomb }),
    });
    const body = await response.json();
    expect(body.data).toBeUndefined();
    expect(body.errors.length).toBeGreaterThan(0);
  });

  test("aliases are capped low: each aliased mutation would be another call to Flinks", async () => {
    const twoAliases = `mutation { a: authorize(input: { loginId: "${LOGIN_ID}" }) { __typename } b: authorize(input: { loginId: "${LOGIN_ID}" }) { __typename } c: authorize(input: { loginId: "${LOGIN_ID}" }) { __typename } d: authorize(input: { loginId: "${LOGIN_ID}" }) { __typename } }`;
    const response = await gateway.yoga.fetch(url, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ query: twoAliases }),
    });
    expect(JSON.stringify(await response.json())).toMatch(/aliases/i);
  });
});

describe("one request, one session call", () => {
  // Alias limits alone let one request make five Authorize calls: four aliased authorize and a submitMfa.
  const authorize = (alias = "") => `${alias}authorize(input: { loginId: "${LOGIN_ID}" }) { __typename }`;
  const submitMfa = `submitMfa(input: { handle: "h", responses: [{ prompt: "p", answers: ["a"] }] }) { __typename }`;
  test.each([
    ["two aliased authorize", `mutation { ${authorize("a: ")} ${authorize("b: ")} }`],
    ["authorize and submitMfa", `mutation { ${authorize()} ${submitMfa} }`],
    [
      "a second field through a fragment",
      `mutation { ${authorize()} ...More } fragment More on Mutation { ${submitMfa} }`,
    ],
    [
      "a second field through an inline fragment",
      `mutation { ${authorize()} ... on Mutation { ${authorize("x: ")} } }`,
    ],
  ])("%s: refused before anything runs", async (_, query) => {
    const response = await gateway.yoga.fetch(url, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    expect(text).toContain("TOO_MANY_SESSION_CALLS");
    expect(upstream.calls).toEqual([]);
  });

  test("one session field, with __typename beside it, runs", async () => {
    const query = `mutation { __typename ${authorize()} }`;
    const response = await gateway.yoga.fetch(url, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ query }),
    });
    expect(JSON.parse(await response.text()).data.authorize.__typename).toBe("Authorized");
  });
});

describe("hostile values inside valid operations", () => {
  test("prototype-pollution keys in the variables are refused by name, and pollute nothing", async () => {
    // Written as JSON text: in a JS object literal, `__proto__:` would set the prototype, not send a key.
    const input = `{"loginId":"${LOGIN_ID}","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}`;
    const response = await gateway.yoga.fetch(url, {
      method: "POST",
      headers: json,
      body: `{"query":${JSON.stringify(AUTHORIZE)},"variables":{"input":${input}}}`,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      'Field \\"__proto__\\" is not defined by type \\"AuthorizeInput\\"',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test.each([
    ["a bidi override in the tag", { loginId: LOGIN_ID, tag: "\u202Egnp.exe" }],
    ["a NUL byte in the tag", { loginId: LOGIN_ID, tag: "a\u0000b" }],
  ])("%s: no crash", async (_, input) => {
    const response = await gateway.yoga.fetch(url, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ query: AUTHORIZE, variables: { input } }),
    });
    expect(response.status).toBeLessThan(500);
  });

  test('"__proto__" as an MFA prompt reaches Flinks as a plain key', async () => {
    const mfaUpstream = fakeUpstream({
      authorize: (call) =>
        call.body?.SecurityResponses
          ? { status: 401, body: { HttpStatusCode: 401, FlinksCode: "UNKNOWN_CHALLENGE_KEY" } }
          : {
              status: 203,
              body: {
                HttpStatusCode: 203,
                Institution: "X",
                RequestId: "9022abc2-8a2e-4b06-a06e-c3e5449c4d10",
                SecurityChallenges: [{ Type: "QuestionAndAnswer", Prompt: "q" }],
              },
            },
    });
    const mfaGateway = testGateway(mfaUpstream);
    const started = await mfaGateway.yoga.fetch(url, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
    });
    const handle = (await started.json()).data.authorize.handle;
    const response = await mfaGateway.yoga.fetch(url, {
      method: "POST",
      headers: json,
      body: `{"query": ${JSON.stringify(SUBMIT_MFA)}, "variables": {"input": {"handle": "${handle}", "responses": [{"prompt": "__proto__", "answers": ["x"]}]}}}`,
    });
    expect((await response.json()).data.submitMfa.__typename).toBe("MfaRejectedError");
    expect(Object.keys(mfaUpstream.calls.at(-1)?.body?.SecurityResponses as object)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test("the gateway still serves after all of the above", async () => {
    const response = await gateway.yoga.fetch(url, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
    });
    expect((await response.json()).data.authorize.__typename).toBe("Authorized");
  });
});
