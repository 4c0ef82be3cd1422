import { afterEach, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/gateway.js";
import { INPUT_BOUNDS, withinBounds } from "../../src/plugins/use-input-bounds.js";
import { AUTHORIZE, fakeUpstream, graphql, LIVE_ENV, LOGIN_ID, testGateway } from "../harness.js";

// What refusing a hostile request costs: bounded before graphql-js formats anything, and charged to the
// consumer who sent it. The CPU figures are a benchmark's (bench/refusals.ts), not this test's.

const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

/** `count` unknown fields with short names, as an attacker packs them under the 64 KiB body cap. */
const unknownFields = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index.toString(36)}`, 0]));

describe("input bounds", () => {
  test("7,000 unknown fields on authorize(input:) are refused 400 INPUT_TOO_LARGE, and nothing runs", async () => {
    const upstream = fakeUpstream({});
    const gateway = testGateway(upstream, LIVE_ENV);
    gateways.push(gateway);
    const response = await graphql(gateway, AUTHORIZE, {
      input: { loginId: LOGIN_ID, ...unknownFields(7_000) },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "INPUT_TOO_LARGE" }) }),
    ]);
    expect(upstream.calls).toEqual([]);
  });

  test.each([
    ["a flat object at the bound", unknownFields(INPUT_BOUNDS.maxEntries), true],
    ["one entry past it", unknownFields(INPUT_BOUNDS.maxEntries + 1), false],
    ["a list past it", Array.from({ length: INPUT_BOUNDS.maxEntries + 1 }, () => "x"), false],
    [
      "nested at the depth bound",
      JSON.parse(`${"[".repeat(INPUT_BOUNDS.maxDepth)}${"]".repeat(INPUT_BOUNDS.maxDepth)}`),
      true,
    ],
    [
      "one level deeper",
      JSON.parse(`${"[".repeat(INPUT_BOUNDS.maxDepth + 1)}${"]".repeat(INPUT_BOUNDS.maxDepth + 1)}`),
      false,
    ],
    ["scalars and none", undefined, true],
  ])("%s", (_, value, within) => {
    expect(withinBounds(value)).toBe(within);
  });
});

describe("refused requests count against the consumer's session-call budget", () => {
  test("three refusals spend a budget of three: the next authorize is RateLimitedError, nothing sent", async () => {
    const upstream = fakeUpstream({});
    const gateway = testGateway(upstream, { ...LIVE_ENV, GATEWAY_LIMIT_CONSUMER_PER_MINUTE: "3" });
    gateways.push(gateway);
    const refusals = [
      graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID, ...unknownFields(7_000) } }),
      graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID, unknown: 1 } }),
      graphql(gateway, "mutation { authorize(input: { nope: 1 }) { __typename } }"),
    ];
    for (const refused of await Promise.all(refusals)) expect(refused.body.data).toBeUndefined();
    const next = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    expect(next.body.data?.authorize?.__typename).toBe("RateLimitedError");
    expect(upstream.calls).toEqual([]);
  });
});
