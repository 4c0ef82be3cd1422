import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createGateway } from "../../src/gateway.js";
import {
  AUTHORIZE,
  authorized,
  CALLER_KEY,
  fakeUpstream,
  graphql,
  LOGIN_ID,
  mfaRequired,
  SUBMIT_MFA,
  type UpstreamAnswer,
  type UpstreamCall,
} from "../harness.js";
import { AUDIENCE, ISSUER, signingKey, startIdentityProvider } from "../identity-provider.js";

// Unique values for every secret the gateway handles. None may appear in any log line (at the most
// verbose level), any response body or header, or any error, whatever path a request takes.
const CANARY = {
  secretKey: "CANARY-SECRET-7f3a9c",
  token: "CANARY-TOKEN-51be02",
  password: "CANARY-PASSWORD-c0ffee",
  answer: "CANARY-ANSWER-d15ea5e",
  username: "CANARY-USERNAME-0b5e55",
};
const PROMPT = "What shape do people like most?";

type Scenario = (call: UpstreamCall) => UpstreamAnswer | Promise<UpstreamAnswer>;
const echoRequest: Scenario = (call) => ({ status: 500, raw: `<pre>${JSON.stringify(call)}</pre>` });

function harness(authorize: Scenario, token?: Scenario, extraEnv: Record<string, string> = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const upstream = fakeUpstream({
    authorize,
    token: token ?? (() => ({ status: 200, body: { HttpStatusCode: 200, Token: CANARY.token } })),
  });
  const gateway = createGateway(
    loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "trace",
      FLINKS_BASE_URL: "http://flinks.test",
      FLINKS_SECRET_KEY: CANARY.secretKey,
      GATEWAY_API_KEYS: CALLER_KEY,
      FLINKS_TIMEOUT_MS: "100",
      FLINKS_LIVE_TIMEOUT_MS: "100",
      FLINKS_TOKEN_TIMEOUT_MS: "100",
      ...extraEnv,
    }),
    { fetch: upstream.fetch, logDestination: destination },
  );
  return { gateway, upstream, lines };
}

const live = { institution: "FlinksCapital", username: CANARY.username, password: CANARY.password };
const answers = (handle: unknown) => ({ handle, responses: [{ prompt: PROMPT, answers: [CANARY.answer] }] });

/** Runs authorize, then submitMfa with its handle when there is one, and returns everything observable. */
async function drive(h: ReturnType<typeof harness>, input: Record<string, unknown> = live, raw?: string) {
  const seen: string[] = [];
  if (raw !== undefined) {
    const response = await h.gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}` },
      body: raw,
    });
    seen.push(await response.text(), JSON.stringify([...response.headers]));
    return seen;
  }
  const first = await graphql(h.gateway, AUTHORIZE, { input });
  seen.push(first.text);
  const handle = first.body.data?.authorize?.handle;
  if (typeof handle === "string") {
    const second = await graphql(h.gateway, SUBMIT_MFA, { input: answers(handle) });
    seen.push(second.text);
  }
  return seen;
}

const mfaThen =
  (after: UpstreamAnswer): Scenario =>
  (call) =>
    call.body?.SecurityResponses ? after : { status: 203, body: mfaRequired([PROMPT]) };

const scenarios: Array<[string, () => ReturnType<typeof harness>, Record<string, unknown>?, string?]> = [
  ["live authorize → Authorized", () => harness(() => ({ status: 200, body: authorized }))],
  [
    "cached authorize → Authorized",
    () => harness(() => ({ status: 200, body: authorized })),
    { loginId: LOGIN_ID },
  ],
  ["MFA round trip → Authorized", () => harness(mfaThen({ status: 200, body: authorized }))],
  [
    "MFA wrong answer → MfaRejectedError",
    () =>
      harness(
        mfaThen({ status: 401, body: { HttpStatusCode: 401, FlinksCode: "INVALID_SECURITY_RESPONSE" } }),
      ),
  ],
  ["MFA answer echoed back in an HTML error", () => harness(mfaThen({ status: 500, raw: "" }), undefined)],
  ["Authorize echoes the request in an HTML 500", () => harness(echoRequest)],
  [
    "a documented refusal whose Message quotes the username",
    () =>
      harness((call) => ({
        status: 401,
        body: {
          HttpStatusCode: 401,
          FlinksCode: "INVALID_PASSWORD",
          Message: `The password of ${String(call.body?.Username)} is wrong`,
        },
      })),
  ],
  [
    "Authorize echoes the request in a schema-breaking 200",
    () =>
      harness((call) => ({
        status: 200,
        body: { echo: call.body, token: call.headers.get("flinks-auth-key") },
      })),
  ],
  [
    "token call echoes the secret key in an HTML 500",
    () =>
      harness(
        () => ({ status: 200, body: authorized }),
        (call) => ({ status: 500, raw: `${call.headers.get("flinks-auth-key")}` }),
      ),
  ],
  [
    "secret key refused",
    () =>
      harness(
        () => ({ status: 200, body: authorized }),
        () => ({ status: 401, body: { HttpStatusCode: 401, FlinksCode: "UNAUTHORIZED" } }),
      ),
  ],
  ["Authorize hangs → timeout", () => harness(() => new Promise<never>(() => {}))],
  [
    "invalid input mixing modes",
    () => harness(() => ({ status: 200, body: authorized })),
    { ...live, loginId: LOGIN_ID },
  ],
  [
    "a password of the wrong type",
    () => harness(() => ({ status: 200, body: authorized })),
    { ...live, password: [CANARY.password] },
  ],
  [
    "a NUL byte in the password",
    () => harness(() => ({ status: 200, body: authorized })),
    { ...live, password: `${CANARY.password}\u0000` },
  ],
  [
    "malformed JSON carrying the password",
    () => harness(() => ({ status: 200, body: authorized })),
    {},
    `{"query":"x","variables":{"input":{"password":"${CANARY.password}" x}}}`,
  ],
  [
    "a password inline in the query text with a type error",
    () => harness(() => ({ status: 200, body: authorized })),
    {},
    JSON.stringify({
      query: `mutation { authorize(input: { institution: "I", username: "u", password: ${JSON.stringify(CANARY.password)}, save: "${CANARY.password}" }) { __typename } }`,
    }),
  ],
];

describe("no secret appears in any log line, response or error", () => {
  test.each(scenarios)("%s", async (_, make, input, raw) => {
    const h = make();
    const seen = await drive(h, input ?? live, raw);
    const everything = [...seen, ...h.lines].join("\n");
    for (const [name, value] of Object.entries(CANARY)) {
      expect(everything.includes(value), `${name} leaked in:\n${everything}`).toBe(false);
    }
    // The checks are not vacuous: the gateway did log, and did answer.
    expect(h.lines.length).toBeGreaterThan(0);
    expect(seen.join("").length).toBeGreaterThan(0);
  });

  test("the canaries really travelled: Flinks received the secret, token, password and answer", async () => {
    const h = harness(mfaThen({ status: 200, body: authorized }));
    await drive(h);
    const wire = h.upstream.calls.map((call) => JSON.stringify([...call.headers, call.body])).join("\n");
    for (const value of Object.values(CANARY)) expect(wire).toContain(value);
  });
});

describe("no caller credential or end user appears either: keys, tokens, usernames on the paths of limits", () => {
  const invalidPassword = () => ({
    status: 401,
    body: { HttpStatusCode: 401, FlinksCode: "INVALID_PASSWORD" },
  });
  const everythingOf = async (h: ReturnType<typeof harness>, responses: Response[]) =>
    [
      ...(await Promise.all(
        responses.map(async (r) => `${await r.text()}${JSON.stringify([...r.headers])}`),
      )),
      ...h.lines,
    ].join("\n");
  const post = (h: ReturnType<typeof harness>, authorization: string) =>
    h.gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ query: AUTHORIZE, variables: { input: live } }),
    });

  test("refused passwords, then a RateLimitedError: no key, username or password anywhere", async () => {
    const h = harness(invalidPassword, undefined, { GATEWAY_LIMIT_END_USER_PER_HOUR: "4" });
    const responses = [];
    for (let attempt = 0; attempt < 3; attempt++) responses.push(await post(h, `Bearer ${CALLER_KEY}`));
    const everything = await everythingOf(h, responses);
    expect(everything).toContain("RateLimitedError");
    expect(everything).toContain("rate limited");
    for (const value of [CALLER_KEY, CANARY.username, CANARY.password, CANARY.secretKey]) {
      expect(everything.includes(value), `${value} leaked in:\n${everything}`).toBe(false);
    }
  });

  test("token callers: valid, expired, forged, unknown: no token anywhere", async () => {
    const key = await signingKey("canary-key", "RS256");
    const idp = await startIdentityProvider([key]);
    try {
      const h = harness(() => ({ status: 200, body: authorized }), undefined, {
        GATEWAY_JWT_JWKS_URL: idp.url,
        GATEWAY_JWT_ISSUER: ISSUER,
        GATEWAY_JWT_AUDIENCE: AUDIENCE,
      });
      const tokens = [
        await idp.sign(key, { sub: "canary-subject" }),
        await idp.sign(key, { exp: Math.floor(Date.now() / 1000) - 600 }),
        await idp.sign(key, { aud: "another-api" }),
        await idp.sign(await signingKey("unknown", "RS256")),
        idp.unsigned(),
      ];
      const responses = [];
      for (const token of tokens) responses.push(await post(h, `Bearer ${token}`));
      expect(responses.map((response) => response.status)).toEqual([200, 401, 401, 401, 401]);
      const everything = await everythingOf(h, responses);
      expect(everything).toContain("token:canary-subject");
      for (const token of tokens) {
        // No part of a token (header, claims, signature) is logged or answered.
        for (const part of token.split(".").filter((segment) => segment.length > 20)) {
          expect(everything.includes(part), `a token part leaked in:\n${everything}`).toBe(false);
        }
      }
    } finally {
      await idp.close();
    }
  });
});
