import { describe, expect, test } from "vitest";
import { fakeUpstream, graphql, LIVE_ENV, LOGIN_ID, testGateway } from "../harness.js";

// graphql-js quotes what the caller sent when it cannot coerce it: an unknown enum value ("Value
// "SECRETLANG" does not exist in "Language" enum"), and in production it still suggested schema names
// ("Did you mean the enum value "EN"?"). Every kind of coercion error, literal or variable, nested or not.

const KEY = "coercion-test-key-0123456789";
const cached = `loginId: "${LOGIN_ID}"`;
const withInput = "mutation($i: AuthorizeInput!) { authorize(input: $i) { __typename } }";
const withLanguage = `mutation($l: Language) { authorize(input: {${cached}, language: $l}) { __typename } }`;

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
];

describe("coercion errors never echo the caller's value, and production suggests nothing", () => {
  const gateway = testGateway(fakeUpstream({}), {
    ...LIVE_ENV,
    NODE_ENV: "production",
    GATEWAY_API_KEYS: KEY,
  });
  test.each(cases)("%s", async (_, query, variables) => {
    const response = await graphql(gateway, query, variables, { authorization: `Bearer ${KEY}` });
    expect(response.body.errors?.length).toBeGreaterThan(0);
    expect(response.text).not.toMatch(/SECRET_|7654321|"En"/);
    expect(response.text).not.toContain("Did you mean");
  });
});
