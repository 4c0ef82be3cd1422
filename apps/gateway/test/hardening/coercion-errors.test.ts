import { describe, expect, test } from "vitest";
import { fakeUpstream, graphql, LIVE_ENV, LOGIN_ID, testGateway } from "../harness.js";

// graphql-js quotes what the caller sent when it cannot coerce it: an unknown enum value ("Value
// "SECRETLANG" does not exist in "Language" enum"), and in production it still suggested schema names
// ("Did you mean the enum value "EN"?"). Every kind of coercion error, literal or variable, nested or not,
// in a query, a mutation or a subscription, over POST or GET, in production and in development.

const KEY = "coercion-test-key-0123456789";
const cached = `loginId: "${LOGIN_ID}"`;
const withInput = "mutation($i: AuthorizeInput!) { authorize(input: $i) { __typename } }";
const withLanguage = `mutation($l: Language) { authorize(input: {${cached}, language: $l}) { __typename } }`;
const submitMfa = "mutation($i: SubmitMfaInput!) { submitMfa(input: $i) { __typename } }";
const follow = "subscription($h: String!) { authorization(handle: $h) { __typename } }";
const ECHO = /SECRET_|7654321|"En"/;

const cases: Array<[string, string, Record<string, unknown>]> = [
  [
    "an unknown enum literal",
    `mutation { authorize(input: {${cached}, language: SECRET_A}) { __typename } }`,
    {},
  ],
  [
    "a string where an enum goes",
    `mutation { authorize(input: {${cached}, language: "SECRET_B"}) { __typename } }`,
    {},
  ],
  ["an unknown enum in a variable", withLanguage, { l: "SECRET_C" }],
  ["an enum in the wrong case (suggestible)", withLanguage, { l: "En" }],
  [
    "an unknown enum nested in an input variable",
    withInput,
    { i: { loginId: LOGIN_ID, language: "SECRET_D" } },
  ],
  ["a string where a boolean goes", withInput, { i: { loginId: LOGIN_ID, save: "SECRET_E" } }],
  ["an object where a string goes", withInput, { i: { loginId: { SECRET_F: 1 } } }],
  ["a number where a string goes", withInput, { i: { loginId: 7654321 } }],
  ["a list where a string goes", withInput, { i: { loginId: ["SECRET_G"] } }],
  [
    "an enum literal where a boolean goes",
    `mutation { authorize(input: {${cached}, save: SECRET_H}) { __typename } }`,
    {},
  ],
  [
    "an object in a list nested in a list variable",
    submitMfa,
    { i: { handle: "h", responses: [{ prompt: "p", answers: [{ SECRET_I: 1 }] }] } },
  ],
  [
    "an enum literal in a nested list",
    `mutation { submitMfa(input: {handle: "h", responses: [{prompt: "p", answers: [SECRET_J]}]}) { __typename } }`,
    {},
  ],
  // A subscription's variables are coerced by subscribe(), not execute().
  ["a number where a subscription's string goes", follow, { h: 7654321 }],
  ["an object where a subscription's string goes", follow, { h: { SECRET_K: 1 } }],
];

/** The same documents over GET (a subscription may be sent so; mutations over GET are refused). */
const overGet = cases.filter(([, query]) => query.startsWith("subscription"));

describe("coercion errors never echo the caller's value, and production suggests nothing", () => {
  const gateway = testGateway(fakeUpstream({}), {
    ...LIVE_ENV,
    NODE_ENV: "production",
    GATEWAY_API_KEYS: KEY,
  });
  test.each(cases)("%s", async (_, query, variables) => {
    const response = await graphql(gateway, query, variables, { authorization: `Bearer ${KEY}` });
    expect(response.body.errors?.length).toBeGreaterThan(0);
    expect(response.text).not.toMatch(ECHO);
    expect(response.text).not.toContain("Did you mean");
  });

  test.each(overGet)("%s, over GET as server-sent events", async (_, query, variables) => {
    const search = new URLSearchParams({ query, variables: JSON.stringify(variables) });
    const response = await gateway.yoga.fetch(`http://gateway.test/graphql?${search}`, {
      headers: { authorization: `Bearer ${KEY}`, accept: "text/event-stream", "x-graphql-yoga-csrf": "1" },
    });
    const text = await response.text();
    expect(text).toContain("got invalid value");
    expect(text).not.toMatch(ECHO);
  });
});

describe("every 4xx carries a code a client can branch on", () => {
  const gateway = testGateway(fakeUpstream({}), {});
  test.each([
    ["a variable not provided", withInput, {}],
    ["a variable of the wrong type", withInput, { i: { loginId: 5 } }],
    ["a subscription's variable of the wrong type", follow, { h: 5 }],
  ] as const)("%s: 400 BAD_USER_INPUT", async (_, query, variables) => {
    const response = await graphql(gateway, query, variables);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }),
    ]);
  });
});

describe("in development too, no value is echoed (suggestions stay: they name the schema, not the input)", () => {
  const gateway = testGateway(fakeUpstream({}), { NODE_ENV: "development" });
  test.each(cases)("%s", async (_, query, variables) => {
    const response = await graphql(gateway, query, variables);
    expect(response.body.errors?.length).toBeGreaterThan(0);
    expect(response.text).not.toMatch(ECHO);
  });

  test("a subscription's bad variable over server-sent events", async () => {
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: follow, variables: { h: 7654321 } }),
    });
    const text = await response.text();
    expect(text).toContain("got invalid value");
    expect(text).not.toMatch(ECHO);
  });
});

describe("a GET whose variables or extensions are not JSON", () => {
  const gateway = testGateway(fakeUpstream({}), { NODE_ENV: "development" });
  test.each(["variables", "extensions"])(
    "%s: 400 naming the parameters, not 500, quoting nothing",
    async (name) => {
      const search = new URLSearchParams({ query: "query { gatewayMode }", [name]: '{"SECRET_L' });
      const response = await gateway.yoga.fetch(`http://gateway.test/graphql?${search}`, {
        headers: { "x-graphql-yoga-csrf": "1" },
      });
      const text = await response.text();
      expect(response.status, text).toBe(400);
      expect(JSON.parse(text)).toEqual({
        errors: [
          {
            message: "The variables and extensions parameters must be JSON objects.",
            extensions: { code: "BAD_REQUEST" },
          },
        ],
      });
    },
  );
});
