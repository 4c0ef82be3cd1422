import { knownFlinksCodes } from "@flinks-authorize/client";
import { GraphQLEnumType } from "graphql";
import { describe, expect, test } from "vitest";
import { schema } from "../../src/schema/index.js";
import {
  AUTHORIZE,
  authorized,
  fakeUpstream,
  graphql,
  issuesOf,
  LIVE_ENV,
  LOGIN_ID,
  mfaRequired,
  REQUEST_ID,
  TOKEN,
  testGateway,
  typenameOfCode,
  type UpstreamAnswer,
} from "../harness.js";

const cached = { loginId: LOGIN_ID };

async function authorizeWith(answer: UpstreamAnswer, input: Record<string, unknown> = cached) {
  const upstream = fakeUpstream({ authorize: () => answer });
  const response = await graphql(testGateway(upstream), AUTHORIZE, { input });
  expect(response.body.errors).toBeUndefined();
  return { result: response.body.data?.authorize, upstream };
}

describe("authorize: session outcomes", () => {
  test("cached mode opens a session with a freshly minted token", async () => {
    const upstream = fakeUpstream({});
    const response = await graphql(testGateway(upstream, { FLINKS_SECRET_KEY: "the-secret" }), AUTHORIZE, {
      input: cached,
    });
    expect(response.body.data?.authorize).toEqual({
      __typename: "Authorized",
      requestId: authorized.RequestId,
      institution: "FlinksCapital",
      institutionId: 14,
      institutionName: "FlinksCapital",
      login: {
        id: LOGIN_ID,
        username: "Greatday",
        type: "Personal",
        isScheduledRefresh: false,
        // Flinks' offset-less UTC timestamp becomes an RFC 3339 instant.
        lastRefresh: "2026-01-21T20:47:47.145Z",
      },
      links: [
        { rel: "AccountsDetail", href: "/GetAccountsDetail" },
        { rel: "AccountsSummary", href: "/GetAccountsSummary" },
        { rel: "Statements", href: "/GetStatements" },
      ],
    });
    const [mint, call] = upstream.calls;
    expect(mint?.operation).toBe("GenerateAuthorizeToken");
    expect(mint?.headers.get("flinks-auth-key")).toBe("the-secret");
    expect(call?.operation).toBe("Authorize");
    expect(call?.headers.get("flinks-auth-key")).toBe(TOKEN);
    expect(call?.body).toEqual({ LoginId: LOGIN_ID, MostRecentCached: true });
  });

  test.each([
    [
      "live mode",
      {
        institution: "FlinksCapital",
        username: "Greatday",
        password: "Everyday",
        language: "FR",
        save: false,
        tag: "t-1",
      },
      {
        Institution: "FlinksCapital",
        Username: "Greatday",
        Password: "Everyday",
        MostRecentCached: false,
        Language: "fr",
        Save: false,
        Tag: "t-1",
      },
    ],
    [
      "a live refresh of a known login",
      { loginId: LOGIN_ID, mostRecentCached: false },
      { LoginId: LOGIN_ID, MostRecentCached: false },
    ],
    [
      "live mode with mostRecentCached: false",
      { institution: "I", username: "u", password: "p", mostRecentCached: false },
      {
        Institution: "I",
        Username: "u",
        Password: "p",
        MostRecentCached: false,
      },
    ],
  ])("%s sends the matching Authorize body", async (_, input, body) => {
    const { result, upstream } = await authorizeWith({ status: 200, body: authorized }, input);
    expect(result?.__typename).toBe("Authorized");
    expect(upstream.calls[1]?.body).toEqual(body);
  });

  test("a 203 becomes MfaRequired with typed challenges and a handle that hides the token", async () => {
    const body = {
      ...mfaRequired(),
      SecurityChallenges: [
        { Type: "QuestionAndAnswer", Prompt: "What shape do people like most?" },
        { Type: "MultipleChoice", Prompt: "Send the code by", Iterables: ["Text", "Call"] },
        { Type: "PushToPhone", Prompt: "Approve on your phone" },
      ],
    };
    const { result } = await authorizeWith({ status: 203, body });
    expect(result).toMatchObject({
      __typename: "MfaRequired",
      requestId: REQUEST_ID,
      institution: "FlinksCapital",
      challenges: [
        {
          type: "QUESTION_AND_ANSWER",
          rawType: "QuestionAndAnswer",
          prompt: "What shape do people like most?",
          choices: [],
        },
        {
          type: "MULTIPLE_CHOICE",
          rawType: "MultipleChoice",
          prompt: "Send the code by",
          choices: ["Text", "Call"],
        },
        // A challenge type newer than the spec still arrives, as UNKNOWN with its raw name.
        { type: "UNKNOWN", rawType: "PushToPhone", prompt: "Approve on your phone", choices: [] },
      ],
    });
    expect(typeof result?.handle).toBe("string");
    expect(String(result?.handle)).not.toContain(TOKEN);
  });

  test.each(["OPERATION_PENDING", "OPERATION_DISPATCHED"])("a 202 %s becomes Pending", async (code) => {
    const { result } = await authorizeWith({
      status: 202,
      body: { HttpStatusCode: 202, FlinksCode: code, Message: "still going", RequestId: REQUEST_ID },
    });
    expect(result).toEqual({
      __typename: "Pending",
      reason: code,
      message: "still going",
      requestId: REQUEST_ID,
      handle: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
    });
    expect(String(result?.handle)).not.toContain(TOKEN);
  });
});

// Which FlinksCode becomes which type is outcome-to-result's (test/flinks/outcome-to-result.test.ts) and the
// contract suite's against Prism's examples; here, that each rejection type reaches a consumer whole.
describe("authorize: a Flinks refusal reaches the consumer as a typed member", () => {
  const enumType = schema.getType("FlinksCode");
  if (!(enumType instanceof GraphQLEnumType)) throw new Error("FlinksCode enum missing");
  const graphqlCodes = enumType.getValues().map((value) => value.name);

  test("the GraphQL enum is the spec's codes plus UNKNOWN", () => {
    expect(graphqlCodes.sort()).toEqual([...knownFlinksCodes, "UNKNOWN"].sort());
  });

  test.each([
    ["INVALID_PASSWORD", 401, false],
    ["INVALID_SECURITY_RESPONSE", 401, false],
    ["CARD_IN_USE", 400, true],
    ["DISABLED_LOGIN", 401, false],
    ["AGGREGATION_ERROR", 500, true],
    ["ACCESS_DENIED", 401, false],
  ] as const)(
    "%s: its type, the code, Flinks' message and RequestId, retryable",
    async (code, status, retryable) => {
      const { result } = await authorizeWith({
        status,
        body: {
          HttpStatusCode: status,
          FlinksCode: code,
          Message: `message for ${code}`,
          RequestId: REQUEST_ID,
        },
      });
      expect(result).toEqual({
        __typename: typenameOfCode[code],
        code,
        flinksCode: code,
        message: `message for ${code}`,
        flinksRequestId: REQUEST_ID,
        retryable,
      });
    },
  );

  test("a code newer than the spec arrives as UnknownFlinksError with the exact code", async () => {
    const { result } = await authorizeWith({
      status: 401,
      body: { HttpStatusCode: 401, FlinksCode: "BRAND_NEW_CODE", Message: "new" },
    });
    expect(result).toEqual({
      __typename: "UnknownFlinksError",
      code: "UNKNOWN",
      flinksCode: "BRAND_NEW_CODE",
      message: "new",
      flinksRequestId: null,
      retryable: false,
    });
  });
});

describe("authorize: upstream failures are typed results", () => {
  test.each([
    ["an undocumented status", { status: 418, body: {} }, "UpstreamContractError", false],
    [
      "a body breaking the schema",
      { status: 200, body: { HttpStatusCode: 200 } },
      "UpstreamContractError",
      false,
    ],
    ["a non-JSON body", { status: 200, raw: "<html>welcome</html>" }, "UpstreamContractError", false],
    [
      "an edge's error page",
      { status: 500, raw: "<html>bad gateway</html>" },
      "UpstreamUnavailableError",
      true,
    ],
    ["an edge's 503", { status: 503, raw: "Service Unavailable" }, "UpstreamUnavailableError", true],
    ["an edge's 429", { status: 429, body: { message: "slow down" } }, "UpstreamUnavailableError", true],
    ["an edge's 502", { status: 502, raw: "" }, "UpstreamUnavailableError", true],
  ] as const)("%s → %s", async (_, answer, typename, retryable) => {
    const { result } = await authorizeWith(answer);
    expect(result).toMatchObject({ __typename: typename, code: null, retryable });
  });

  test("a refused connection → UpstreamUnavailableError", async () => {
    const upstream = fakeUpstream({});
    const gateway = testGateway(
      {
        ...upstream,
        fetch: () => Promise.reject(Object.assign(new Error("connect"), { code: "ECONNREFUSED" })),
      },
      {},
    );
    const response = await graphql(gateway, AUTHORIZE, { input: cached });
    expect(response.body.data?.authorize).toMatchObject({
      __typename: "UpstreamUnavailableError",
      retryable: true,
    });
  });

  test("a hung upstream → UpstreamTimeoutError after FLINKS_TIMEOUT_MS", async () => {
    const upstream = fakeUpstream({ authorize: () => new Promise<never>(() => {}) });
    const gateway = testGateway(
      {
        ...upstream,
        fetch: (request) =>
          request.url.endsWith("/Authorize")
            ? new Promise((_, reject) =>
                request.signal.addEventListener("abort", () => reject(request.signal.reason)),
              )
            : upstream.fetch(request),
      },
      { FLINKS_TIMEOUT_MS: "50" },
    );
    const response = await graphql(gateway, AUTHORIZE, { input: cached });
    expect(response.body.data?.authorize).toMatchObject({
      __typename: "UpstreamTimeoutError",
      message: expect.stringMatching(/^Flinks did not answer within \d+ ms\.$/),
      retryable: true,
    });
  });

  test("a refused secret key → GatewayAccessDeniedError, and Authorize is never called", async () => {
    const upstream = fakeUpstream({
      token: () => ({
        status: 401,
        body: { HttpStatusCode: 401, FlinksCode: "UNAUTHORIZED", Message: "bad key" },
      }),
    });
    const response = await graphql(testGateway(upstream), AUTHORIZE, { input: cached });
    expect(response.body.data?.authorize).toMatchObject({
      __typename: "GatewayAccessDeniedError",
      code: "ACCESS_DENIED",
      flinksCode: "UNAUTHORIZED",
      retryable: false,
    });
    expect(upstream.calls.map((call) => call.operation)).toEqual(["GenerateAuthorizeToken"]);
  });
});

describe("authorize: invalid input is a typed result naming the field, and nothing is sent", () => {
  const cases: Array<[string, Record<string, unknown>, string[][]]> = [
    ["no mode", {}, [["input", "loginId"]]],
    ["only a tag", { tag: "x" }, [["input", "loginId"]]],
    ["a malformed LoginId", { loginId: "not-a-uuid" }, [["input", "loginId"]]],
    [
      "loginId mixed with credentials",
      { loginId: LOGIN_ID, username: "u", password: "p" },
      [
        ["input", "username"],
        ["input", "password"],
      ],
    ],
    ["partial credentials", { institution: "FlinksCapital", username: "u" }, [["input", "password"]]],
    [
      "live mode with mostRecentCached: true",
      { institution: "I", username: "u", password: "p", mostRecentCached: true },
      [["input", "mostRecentCached"]],
    ],
    ["an empty password", { institution: "I", username: "u", password: "" }, [["input", "password"]]],
    [
      "a NUL byte in the username",
      { institution: "I", username: "a\u0000b", password: "p" },
      [["input", "username"]],
    ],
    ["a 10,000-character tag", { loginId: LOGIN_ID, tag: "t".repeat(10_000) }, [["input", "tag"]]],
  ];

  test.each(cases)("%s", async (_, input, paths) => {
    const upstream = fakeUpstream({});
    const response = await graphql(testGateway(upstream), AUTHORIZE, { input });
    const result = response.body.data?.authorize;
    expect(result?.__typename).toBe("InvalidInputError");
    expect(result).toMatchObject({ code: null, retryable: false });
    expect(issuesOf(result).map((issue) => issue.path)).toEqual(paths);
    expect(upstream.calls).toEqual([]);
  });

  test("issues never quote the value", async () => {
    const password = "hunter2-\u0000-canary";
    const response = await graphql(testGateway(fakeUpstream({})), AUTHORIZE, {
      input: { institution: "I", username: "u", password },
    });
    expect(response.text).not.toContain("hunter2");
  });

  test("a wrong variable type is a request error (400) naming the variable, not a crash", async () => {
    const response = await graphql(testGateway(fakeUpstream({})), AUTHORIZE, { input: { loginId: 4242 } });
    expect(response.status).toBe(400);
    // The path is named; the value is not quoted (it could be a password).
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message:
          'Variable "$input" got invalid value at "input.loginId"; String cannot represent a non string value.',
      }),
    ]);
    expect(response.text).not.toContain("4242");
  });
});

describe("Prefer forwarding", () => {
  test("mock mode forwards Prefer to Authorize only, never to GenerateAuthorizeToken", async () => {
    const upstream = fakeUpstream({});
    await graphql(testGateway(upstream), AUTHORIZE, { input: cached }, { prefer: "code=203" });
    expect(upstream.calls[0]?.headers.get("prefer")).toBeNull();
    expect(upstream.calls[1]?.headers.get("prefer")).toBe("code=203");
  });

  test("live mode never forwards Prefer", async () => {
    const upstream = fakeUpstream({});
    const gateway = testGateway(upstream, LIVE_ENV);
    await graphql(gateway, AUTHORIZE, { input: cached }, { prefer: "code=203" });
    expect(upstream.calls.map((call) => call.headers.get("prefer"))).toEqual([null, null]);
  });
});

describe("one token per authorize", () => {
  test("each authorize mints its own token and sends it once; when Flinks stops issuing them, the refusal is GatewayAccessDeniedError", async () => {
    let minted = 0;
    const upstream = fakeUpstream({
      // Flinks issues three tokens, then refuses.
      token: () =>
        ++minted <= 3
          ? { status: 200, body: { HttpStatusCode: 200, Token: `pooled-token-${minted}` } }
          : { status: 401, body: { HttpStatusCode: 401, FlinksCode: "UNAUTHORIZED" } },
    });
    const gateway = testGateway(upstream);
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await graphql(gateway, AUTHORIZE, { input: cached });
      results.push(String(response.body.data?.authorize?.__typename));
    }
    expect(results).toEqual(["Authorized", "Authorized", "Authorized", "GatewayAccessDeniedError"]);
    const used = upstream.calls
      .filter((call) => call.operation === "Authorize")
      .map((c) => c.headers.get("flinks-auth-key"));
    expect(new Set(used).size).toBe(3);
  });
});
