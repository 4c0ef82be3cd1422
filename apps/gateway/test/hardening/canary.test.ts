import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createGateway } from "../../src/yoga.js";
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

// Unique values for every secret the gateway handles. None may appear in any log line (at the most
// verbose level), any response body or header, or any error, whatever path a request takes.
const CANARY = {
  secretKey: "CANARY-SECRET-7f3a9c",
  token: "CANARY-TOKEN-51be02",
  password: "CANARY-PASSWORD-c0ffee",
  answer: "CANARY-ANSWER-d15ea5e",
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

const live = { institution: "FlinksCapital", username: "Greatday", password: CANARY.password };
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
