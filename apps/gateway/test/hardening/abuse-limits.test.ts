import { Secret } from "@flinks-authorize/client";
import { describe, expect, test } from "vitest";
import { createEndUserKeys } from "../../src/access/end-user-keys.js";
import { FAILED_LOGIN_EXTRA_POINTS } from "../../src/access/limits.js";
import {
  AUTHORIZE,
  authorized,
  CONTINUE,
  fakeUpstream,
  graphql,
  LIVE_ENV,
  LOGIN_ID,
  logCapture,
  mfaRequired,
  SUBMIT_MFA,
  testGateway,
  type UpstreamAnswer,
  type UpstreamCall,
} from "../harness.js";

// How often a caller, and an end user, may try: credential stuffing through the gateway is cut off
// before it reaches Flinks, and every refusal is a typed, retryable result, never a 5xx.

const SERVICE_KEY = "service-key-0123456789abcdef";
const OTHER_KEY = "other-service-key-0123456789";
const KEYS = `service:${SERVICE_KEY},other:${OTHER_KEY}`;
const RATE_LIMITED = `
  ... on RateLimitedError { retryAfterSeconds scope }
  ... on GatewayBusyError { retryAfterSeconds }
`;
const LIMITED_AUTHORIZE = AUTHORIZE.replace("__typename", `__typename ${RATE_LIMITED}`);

const invalidPassword: UpstreamAnswer = {
  status: 401,
  body: { HttpStatusCode: 401, FlinksCode: "INVALID_PASSWORD", Message: "The password is incorrect." },
};

/** A live gateway with named keys, counting calls, no background token minting. */
function limitedGateway(
  answer: (call: UpstreamCall) => UpstreamAnswer | Promise<UpstreamAnswer>,
  env: Record<string, string> = {},
) {
  const upstream = fakeUpstream({ authorize: answer });
  const logs = logCapture();
  const gateway = testGateway(
    upstream,
    { ...LIVE_ENV, GATEWAY_API_KEYS: KEYS, LOG_LEVEL: "warn", ...env },
    { logDestination: logs.destination },
  );
  const authorize = async (input: Record<string, unknown>, key = SERVICE_KEY) =>
    (await graphql(gateway, LIMITED_AUTHORIZE, { input }, { authorization: `Bearer ${key}` })).body.data
      ?.authorize;
  const authorizeCalls = () => upstream.calls.filter((call) => call.operation === "Authorize").length;
  return { gateway, upstream, logs, authorize, authorizeCalls };
}

const login = (username: string, password = "guess") => ({
  institution: "FlinksCapital",
  username,
  password,
});

describe("one end user: a few live attempts an hour, fewer when they fail", () => {
  test("wrong passwords on one username: 3 reach Flinks, the 4th is a RateLimitedError with nothing sent", async () => {
    const { authorize, upstream, authorizeCalls, logs } = limitedGateway(() => invalidPassword);
    const results = [];
    for (let attempt = 0; attempt < 5; attempt++) results.push(await authorize(login("victim")));
    expect(results.slice(0, 3).map((result) => result?.__typename)).toEqual(
      Array(3).fill("InvalidCredentialsError"),
    );
    for (const refused of results.slice(3)) {
      expect(refused).toMatchObject({
        __typename: "RateLimitedError",
        scope: "END_USER",
        retryable: true,
        code: null,
      });
      expect(refused?.retryAfterSeconds).toBeGreaterThan(3_000);
      expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(3_600);
    }
    // Each failure cost 1 + 3 points of 10: the 4th attempt would have needed 13.
    expect(FAILED_LOGIN_EXTRA_POINTS).toBe(3);
    expect(authorizeCalls()).toBe(3);
    // No token was minted for a refused call either.
    expect(upstream.calls.filter((call) => call.operation === "GenerateAuthorizeToken")).toHaveLength(3);
    const refusals = logs.records().filter((line) => line.msg === "rate limited: nothing sent to Flinks");
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toMatchObject({ consumer: "key:service", budget: "endUser" });
    expect(logs.lines.join("")).not.toContain("victim");
  });

  test("case and spacing variants of the username share its budget", async () => {
    const { authorize, authorizeCalls } = limitedGateway(() => invalidPassword);
    for (const username of ["Victim", "VICTIM", " victim ", "victim"]) await authorize(login(username));
    expect(authorizeCalls()).toBe(3);
  });

  // Each of these once got a fresh budget of its own: a bank reads them all as one login.
  test.each([
    ["full-width letters", "ｖｉｃｔｉｍ"],
    ["a zero-width space", "vic\u200btim"],
    ["a zero-width joiner", "vic\u200dtim"],
    ["a soft hyphen", "vic\u00adtim"],
    ["a byte-order mark", "\ufeffvictim"],
    ["combining marks", "vi\u0301cti\u0308m"],
    ["a precomposed accent", "víctim"],
    ["a dotless i", "vıctım"],
    ["a capital I with a dot", "VİCTİM"],
    ["an internal space", "vic tim"],
    ["a no-break space", "vic\u00a0tim"],
    ["Cyrillic look-alikes", "vісtіm"],
  ])("%s fold into the same end user's budget", async (_, variant) => {
    const { authorize, authorizeCalls } = limitedGateway(() => invalidPassword);
    for (let attempt = 0; attempt < 2; attempt++) await authorize(login("victim"));
    await authorize(login(JSON.parse(`"${variant}"`)));
    await authorize(login(JSON.parse(`"${variant}"`)));
    // Two attempts at 4 points each leave 2 of 10: the variant is refused as the same end user.
    expect(authorizeCalls()).toBe(3);
  });

  test("a real user who mistypes twice still gets in on the third try", async () => {
    let attempt = 0;
    const { authorize } = limitedGateway(() =>
      ++attempt < 3 ? invalidPassword : { status: 200, body: authorized },
    );
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await authorize(login("greatday")))?.__typename);
    expect(results).toEqual(["InvalidCredentialsError", "InvalidCredentialsError", "Authorized"]);
  });

  test("successful logins: 10 an hour per end user (GATEWAY_LIMIT_END_USER_PER_HOUR), then refused", async () => {
    const { authorize, authorizeCalls } = limitedGateway(() => ({ status: 200, body: authorized }));
    for (let i = 0; i < 10; i++) expect((await authorize(login("greatday")))?.__typename).toBe("Authorized");
    expect(await authorize(login("greatday"))).toMatchObject({
      __typename: "RateLimitedError",
      scope: "END_USER",
    });
    // Another end user is not affected, nor the same username at another institution.
    expect((await authorize(login("someone-else")))?.__typename).toBe("Authorized");
    expect((await authorize({ ...login("greatday"), institution: "OtherBank" }))?.__typename).toBe(
      "Authorized",
    );
    expect(authorizeCalls()).toBe(12);
  });

  test("the end user's budget holds whichever consumer tries", async () => {
    const { authorize, authorizeCalls } = limitedGateway(() => invalidPassword);
    await authorize(login("victim"), SERVICE_KEY);
    await authorize(login("victim"), OTHER_KEY);
    await authorize(login("victim"), SERVICE_KEY);
    expect((await authorize(login("victim"), OTHER_KEY))?.__typename).toBe("RateLimitedError");
    expect(authorizeCalls()).toBe(3);
  });

  test("cached mode: a LoginId is an end user too", async () => {
    const { authorize, authorizeCalls } = limitedGateway(() => ({ status: 200, body: authorized }), {
      GATEWAY_LIMIT_END_USER_PER_HOUR: "2",
    });
    expect((await authorize({ loginId: LOGIN_ID }))?.__typename).toBe("Authorized");
    expect((await authorize({ loginId: LOGIN_ID.toUpperCase() }))?.__typename).toBe("Authorized");
    expect(await authorize({ loginId: LOGIN_ID })).toMatchObject({
      __typename: "RateLimitedError",
      scope: "END_USER",
    });
    expect(authorizeCalls()).toBe(2);
  });
});

describe("one consumer: many usernames", () => {
  test("a key's live logins an hour (GATEWAY_LIMIT_KEY_LIVE_PER_HOUR), failures counting 4: stuffing stops at 5", async () => {
    const { authorize, authorizeCalls } = limitedGateway(() => invalidPassword, {
      GATEWAY_LIMIT_KEY_LIVE_PER_HOUR: "20",
    });
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await authorize(login(`user-${i}`)));
    expect(authorizeCalls()).toBe(5);
    for (const refused of results.slice(5)) {
      expect(refused).toMatchObject({ __typename: "RateLimitedError", scope: "CONSUMER", retryable: true });
    }
    // Another key has its own budget; the refused usernames were not charged (user-6 still has its 3 tries).
    expect((await authorize(login("user-6"), OTHER_KEY))?.__typename).toBe("InvalidCredentialsError");
    expect(authorizeCalls()).toBe(6);
  });

  test("session calls a minute (GATEWAY_LIMIT_CONSUMER_PER_MINUTE), cached ones included", async () => {
    const { authorize, authorizeCalls } = limitedGateway(() => ({ status: 200, body: authorized }), {
      GATEWAY_LIMIT_CONSUMER_PER_MINUTE: "3",
    });
    for (let i = 0; i < 3; i++) await authorize({ loginId: LOGIN_ID.replace(/.$/, String(i)) });
    const refused = await authorize({ loginId: LOGIN_ID });
    expect(refused).toMatchObject({ __typename: "RateLimitedError", scope: "CONSUMER" });
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await authorize({ loginId: LOGIN_ID }, OTHER_KEY))?.__typename).toBe("Authorized");
    expect(authorizeCalls()).toBe(4);
  });

  test("a refused call changes nothing at Flinks: no token, no Authorize", async () => {
    const { authorize, upstream } = limitedGateway(() => ({ status: 200, body: authorized }), {
      GATEWAY_LIMIT_CONSUMER_PER_MINUTE: "1",
    });
    await authorize({ loginId: LOGIN_ID });
    const before = upstream.calls.length;
    for (let i = 0; i < 5; i++) await authorize(login(`user-${i}`));
    expect(upstream.calls.length).toBe(before);
  });
});

describe("MFA answers and polls", () => {
  test("MFA answers count against their session: wrong answers cannot be guessed on forever", async () => {
    const { gateway, upstream } = limitedGateway(
      (call) =>
        call.body?.SecurityResponses
          ? { status: 203, body: mfaRequired() }
          : { status: 203, body: mfaRequired() },
      { GATEWAY_LIMIT_END_USER_PER_HOUR: "3" },
    );
    const started = await graphql(
      gateway,
      AUTHORIZE,
      { input: { loginId: LOGIN_ID } },
      { authorization: `Bearer ${SERVICE_KEY}` },
    );
    let handle = String(started.body.data?.authorize?.handle);
    const answer = (value: string) =>
      graphql(
        gateway,
        SUBMIT_MFA.replace("__typename", `__typename ${RATE_LIMITED}`),
        { input: { handle, responses: [{ prompt: "What shape do people like most?", answers: [value] }] } },
        { authorization: `Bearer ${SERVICE_KEY}` },
      );
    for (let round = 0; round < 3; round++) {
      const result = (await answer(`guess ${round}`)).body.data?.submitMfa;
      expect(result?.__typename).toBe("MfaRequired");
      handle = String(result?.handle);
    }
    const refused = (await answer("guess 4")).body.data?.submitMfa;
    expect(refused).toMatchObject({ __typename: "RateLimitedError", scope: "END_USER" });
    expect(upstream.calls.filter((call) => call.body?.SecurityResponses)).toHaveLength(3);
  });

  test("a poll costs a consumer call, and nothing of the end user's", async () => {
    const { gateway } = limitedGateway(
      () => ({
        status: 202,
        body: { HttpStatusCode: 202, FlinksCode: "OPERATION_PENDING", RequestId: LOGIN_ID },
      }),
      { GATEWAY_LIMIT_CONSUMER_PER_MINUTE: "3", GATEWAY_LIMIT_END_USER_PER_HOUR: "1" },
    );
    const headers = { authorization: `Bearer ${SERVICE_KEY}` };
    const started = await graphql(gateway, AUTHORIZE, { input: login("greatday") }, headers);
    const handle = started.body.data?.authorize?.handle;
    expect(started.body.data?.authorize?.__typename).toBe("Pending");
    const poll = async () =>
      (
        await graphql(
          gateway,
          CONTINUE.replace("__typename", `__typename ${RATE_LIMITED}`),
          { input: { handle } },
          headers,
        )
      ).body.data?.continueAuthorization;
    expect((await poll())?.__typename).toBe("Pending");
    expect((await poll())?.__typename).toBe("Pending");
    expect(await poll()).toMatchObject({ __typename: "RateLimitedError", scope: "CONSUMER" });
  });
});

describe("defaults and switches", () => {
  test("mock mode: off by default (no bank behind it), on with GATEWAY_RATE_LIMITS=on", async () => {
    const upstream = fakeUpstream({});
    const mock = testGateway(upstream);
    for (let i = 0; i < 15; i++) {
      expect(
        (await graphql(mock, AUTHORIZE, { input: login("greatday") })).body.data?.authorize?.__typename,
      ).toBe("Authorized");
    }
    const limited = testGateway(fakeUpstream({}), {
      GATEWAY_RATE_LIMITS: "on",
      GATEWAY_LIMIT_END_USER_PER_HOUR: "1",
    });
    await graphql(limited, AUTHORIZE, { input: login("greatday") });
    expect(
      (await graphql(limited, AUTHORIZE, { input: login("greatday") })).body.data?.authorize?.__typename,
    ).toBe("RateLimitedError");
  });

  test("live mode with GATEWAY_RATE_LIMITS=off: no limit at all", async () => {
    const { authorize, authorizeCalls } = limitedGateway(() => invalidPassword, {
      GATEWAY_RATE_LIMITS: "off",
    });
    for (let i = 0; i < 8; i++) await authorize(login("victim"));
    expect(authorizeCalls()).toBe(8);
  });

  test("a call the gateway was too busy to send costs the end user nothing", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { authorize, authorizeCalls } = limitedGateway(
      (call) =>
        call.body?.Username === "holder"
          ? held.then(() => ({ status: 200, body: authorized }))
          : { status: 200, body: authorized },
      { FLINKS_MAX_IN_FLIGHT: "1", FLINKS_SLOT_WAIT_MS: "0", GATEWAY_LIMIT_END_USER_PER_HOUR: "1" },
    );
    const holding = authorize(login("holder"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await authorize(login("greatday")))?.__typename).toBe("GatewayBusyError");
    release();
    await holding;
    // The busy call was refunded: the end user's single attempt is still there.
    expect((await authorize(login("greatday")))?.__typename).toBe("Authorized");
    expect(authorizeCalls()).toBe(2);
  });
});

describe("end users are named by a keyed hash, never by their username or LoginId", () => {
  const keys = createEndUserKeys(new Secret("secret-key-a"));
  const live = (username: string, institution = "FlinksCapital") => ({
    Institution: institution,
    Username: username,
    Password: "x",
    MostRecentCached: false as const,
  });

  test("the same login gives the same key on every replica sharing the secret key; another secret, another key", () => {
    const other = createEndUserKeys(new Secret("secret-key-b"));
    expect(keys.ofLogin(live("Greatday"))).toBe(
      createEndUserKeys(new Secret("secret-key-a")).ofLogin(live("greatday")),
    );
    expect(keys.ofLogin(live("greatday"))).not.toBe(other.ofLogin(live("greatday")));
    expect(keys.ofLogin(live("greatday"))).not.toBe(keys.ofLogin(live("greatday", "OtherBank")));
    // The parts cannot run into each other.
    expect(keys.ofLogin(live("b", "a"))).not.toBe(keys.ofLogin(live("", "ab")));
  });

  test("the key holds nothing of the raw value", () => {
    const key = keys.ofLogin(live("greatday-canary")) ?? "";
    expect(key).toMatch(/^[\w-]{22}$/);
    expect(key.toLowerCase()).not.toContain("greatday");
    expect(keys.ofLogin({ LoginId: LOGIN_ID })).not.toContain(LOGIN_ID.slice(0, 8));
  });
});
