import { Writable } from "node:stream";
import { tokenAnswer } from "@flinks-authorize/kit/fixtures";
import { describe, expect, test } from "vitest";
import { TOOLBOX_CONNECT_URL } from "../../src/config/index.js";
import { connectUrlWith } from "../../src/schema/connect.js";
import { fakeUpstream, graphql, LIVE_ENV, testGateway } from "../harness.js";

const CONNECT = `mutation { connectToken {
  __typename
  ... on ConnectToken { token url expiresAt }
  ... on Error { message code retryable }
  ... on RateLimitedError { scope }
} }`;

/** A token no other test uses, so finding it anywhere means it leaked from here. */
const CANARY = "c0ffee00-1234-4abc-9def-canary000001";
const minting = (token = CANARY) =>
  fakeUpstream({ token: () => ({ status: 200, body: { ...tokenAnswer, Token: token } }) });

describe("connectToken: a one-time token for the Flinks Connect iframe", () => {
  test("mints with the secret key and returns the token, the iframe URL and its expiry; nothing else is called", async () => {
    const upstream = minting();
    const before = Date.now();
    const response = await graphql(
      testGateway(upstream, {
        ...LIVE_ENV,
        FLINKS_SECRET_KEY: "the-secret",
        FLINKS_CONNECT_URL: "https://iframe.test/v2/?demo=true",
      }),
      CONNECT,
    );
    const result = response.body.data?.connectToken;
    expect(result).toMatchObject({
      __typename: "ConnectToken",
      token: CANARY,
      url: `https://iframe.test/v2/?demo=true&authorizeToken=${CANARY}`,
    });
    const expiresAt = Date.parse(String(result?.expiresAt));
    expect(expiresAt - before).toBeGreaterThanOrEqual(15 * 60_000 - 1_000);
    expect(expiresAt - before).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    expect(upstream.calls.map((call) => call.operation)).toEqual(["GenerateAuthorizeToken"]);
    expect(upstream.calls[0]?.headers.get("flinks-auth-key")).toBe("the-secret");
  });

  test("the URL is the instance's own iframe with FLINKS_INSTANCE, the toolbox demo in mock mode, none behind a bare FLINKS_BASE_URL", async () => {
    const urlWith = async (env: Record<string, string>) =>
      (await graphql(testGateway(minting(), env), CONNECT)).body.data?.connectToken?.url;
    const { FLINKS_BASE_URL: _, ...withoutBaseUrl } = LIVE_ENV;
    expect(await urlWith({ ...withoutBaseUrl, FLINKS_INSTANCE: "acme" })).toBe(
      `https://acme-iframe.private.fin.ag/v2/?authorizeToken=${CANARY}`,
    );
    expect(await urlWith({})).toBe(connectUrlWith(TOOLBOX_CONNECT_URL, CANARY));
    expect(await urlWith(LIVE_ENV)).toBeNull();
  });

  test("a token parameter already in FLINKS_CONNECT_URL is replaced, the rest kept and encoded", () => {
    expect(
      connectUrlWith("https://x.test/v2/?authorizeToken=old&redirectUrl=https://lender.test/done", "a b"),
    ).toBe("https://x.test/v2/?authorizeToken=a+b&redirectUrl=https%3A%2F%2Flender.test%2Fdone");
  });

  test("a refused secret key is GatewayAccessDeniedError, for an operator; no token in the answer", async () => {
    const upstream = fakeUpstream({
      token: () => ({
        status: 401,
        body: { HttpStatusCode: 401, FlinksCode: "UNAUTHORIZED", Message: "Unauthorized" },
      }),
    });
    const result = (await graphql(testGateway(upstream, LIVE_ENV), CONNECT)).body.data?.connectToken;
    expect(result).toMatchObject({ __typename: "GatewayAccessDeniedError", retryable: false });
  });

  test("counted by the consumer's call budget, and refused unsent past it", async () => {
    const upstream = minting();
    const gateway = testGateway(upstream, { ...LIVE_ENV, GATEWAY_LIMIT_CONSUMER_PER_MINUTE: "2" });
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push((await graphql(gateway, CONNECT)).body.data?.connectToken?.__typename);
    expect(results).toEqual(["ConnectToken", "ConnectToken", "RateLimitedError"]);
    expect(upstream.calls).toHaveLength(2);
  });

  test("the token is in the answer only: no log line at trace level carries it", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const upstream = minting();
    const response = await graphql(
      testGateway(upstream, { ...LIVE_ENV, LOG_LEVEL: "trace" }, { logDestination: destination }),
      CONNECT,
    );
    expect(response.text).toContain(CANARY);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes(CANARY))).toEqual([]);
  });
});
