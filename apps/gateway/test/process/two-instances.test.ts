import { randomUUID } from "node:crypto";
import { TOOLBOX_CUSTOMER_ID } from "@flinks-authorize/client";
import { type FakeFlinks, type FlinksCall, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { MFA_REQUEST_ID, mfaRequired, tokenAnswer } from "@flinks-authorize/kit/fixtures";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { authorized, CALLER_KEY, LOGIN_ID } from "../harness.js";
import { postGraphQL } from "./support.js";

/**
 * The MFA round trip across gateway processes with no shared state: `authorize` on one process,
 * `submitMfa` on another, against a fake Flinks on loopback that records what it receives.
 */

const SECRET_KEY = `shared-secret-${randomUUID()}`;
const OTHER_SECRET_KEY = `other-secret-${randomUUID()}`;
/** Written with escapes so the bytes are unambiguous: precomposed letters and a plain space before "?". */
const PROMPT = "O\u00f9 \u00eates-vous n\u00e9 ?";
const ANSWER = "Montr\u00e9al";

let upstream: FakeFlinks;
const instances: GatewayProcess[] = [];

/**
 * The spec's answers, with a token of its own per mint (so a reused token is told from a fresh one), and
 * a 203 asking PROMPT until an Authorize call carries SecurityResponses.
 */
const flinksScript = (call: FlinksCall) => {
  if (call.operation === "GenerateAuthorizeToken") {
    return { status: 200, body: { ...tokenAnswer, Token: `token-${randomUUID()}` } };
  }
  if (call.body?.SecurityResponses === undefined) {
    const [question] = mfaRequired.SecurityChallenges;
    return { status: 203, body: { ...mfaRequired, SecurityChallenges: [{ ...question, Prompt: PROMPT }] } };
  }
  return undefined;
};

const authKey = (call: FlinksCall | undefined) => call?.headers["flinks-auth-key"];
const minted = (call: FlinksCall | undefined) =>
  (call?.answer?.body as { Token?: string } | undefined)?.Token;

const graphql = (instance: GatewayProcess, query: string, variables: Record<string, unknown>) =>
  postGraphQL(instance.port, query, variables);

const RESULT = `
  __typename
  ... on Authorized { requestId institution login { id } }
  ... on MfaRequired { requestId handle institution challenges { type prompt } }
  ... on Error { message code retryable }
  ... on InvalidInputError { issues { path message } }
`;
const AUTHORIZE = `mutation ($input: AuthorizeInput!) { authorize(input: $input) { ${RESULT} } }`;
const SUBMIT_MFA = `mutation ($input: SubmitMfaInput!) { submitMfa(input: $input) { ${RESULT} } }`;

let a: GatewayProcess;
let b: GatewayProcess;
let c: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeFlinks();
  upstream.script = flinksScript;
  const startInstance = (secretKey: string) =>
    startGateway({
      entry: inject("gatewayBundle"),
      env: {
        FLINKS_BASE_URL: upstream.url,
        FLINKS_SECRET_KEY: secretKey,
        GATEWAY_API_KEYS: CALLER_KEY,
        // The upstream calls are counted: no background token minting.
        NODE_ENV: "test",
      },
    });
  [a, b, c] = await Promise.all([
    startInstance(SECRET_KEY),
    startInstance(SECRET_KEY),
    startInstance(OTHER_SECRET_KEY),
  ]);
  instances.push(a, b, c);
}, 70_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await upstream?.close();
}, 20_000);

describe("MFA across gateway processes sharing FLINKS_SECRET_KEY", () => {
  let handle = "";

  it("authorize on instance A answers MfaRequired with a handle", async () => {
    expect(upstream.calls).toEqual([]);
    const data = await graphql(a, AUTHORIZE, { input: { loginId: LOGIN_ID, mostRecentCached: false } });
    expect(data.authorize).toMatchObject({
      __typename: "MfaRequired",
      requestId: MFA_REQUEST_ID,
      institution: "FlinksCapital",
      challenges: [{ type: "QUESTION_AND_ANSWER", prompt: PROMPT }],
    });
    handle = String(data.authorize?.handle);
    expect(handle.length).toBeGreaterThan(20);

    // A minted one token with the secret key, then opened the session with it.
    expect(upstream.calls.map(({ path }) => path)).toEqual([
      `/v3/${TOOLBOX_CUSTOMER_ID}/BankingServices/GenerateAuthorizeToken`,
      `/v3/${TOOLBOX_CUSTOMER_ID}/BankingServices/Authorize`,
    ]);
    const [mint, first] = upstream.calls;
    expect(authKey(mint)).toBe(SECRET_KEY);
    expect(minted(mint)).toMatch(/^token-/);
    expect(authKey(first)).toBe(minted(mint));
    expect(first?.body).toEqual({ LoginId: LOGIN_ID, MostRecentCached: false });
    // The handle carries neither the token nor the RequestId in clear.
    expect(handle).not.toContain(minted(mint));
    expect(handle).not.toContain(MFA_REQUEST_ID);
  });

  it("submitMfa on instance B with A's handle is Authorized, reusing A's token and RequestId", async () => {
    expect(handle).not.toBe("");
    const data = await graphql(b, SUBMIT_MFA, {
      input: { handle, responses: [{ prompt: PROMPT, answers: [ANSWER] }] },
    });
    expect(data.submitMfa).toMatchObject({
      __typename: "Authorized",
      requestId: authorized.RequestId,
      institution: "FlinksCapital",
      login: { id: LOGIN_ID },
    });

    // B minted no token of its own: exactly one more call, the answer.
    expect(upstream.calls).toHaveLength(3);
    const [mint, first, second] = upstream.calls;
    expect(second?.path).toBe(`/v3/${TOOLBOX_CUSTOMER_ID}/BankingServices/Authorize`);
    expect(authKey(second)).toBe(authKey(first));
    expect(authKey(second)).toBe(minted(mint));
    expect(authKey(second)).not.toBe(SECRET_KEY);
    expect(second?.body).toEqual({ RequestId: MFA_REQUEST_ID, SecurityResponses: { [PROMPT]: [ANSWER] } });

    // Byte for byte on the wire: UTF-8, precomposed letters, the space before "?", no escaping.
    const responses = (second?.body?.SecurityResponses ?? {}) as Record<string, string[]>;
    const [key] = Object.keys(responses);
    expect(Buffer.from(key ?? "", "utf8")).toEqual(
      Buffer.from([
        0x4f, 0xc3, 0xb9, 0x20, 0xc3, 0xaa, 0x74, 0x65, 0x73, 0x2d, 0x76, 0x6f, 0x75, 0x73, 0x20, 0x6e, 0xc3,
        0xa9, 0x20, 0x3f,
      ]),
    );
    expect(responses[key ?? ""]).toEqual([ANSWER]);
    const wire = second?.raw.toString("utf8") ?? "";
    expect(wire).toContain(`"SecurityResponses":{"${PROMPT}":["${ANSWER}"]}`);
    expect(second?.raw.includes(Buffer.from(`"Montr\u00e9al"`, "utf8"))).toBe(true);
  });

  it("an instance with a different FLINKS_SECRET_KEY rejects the handle as InvalidInputError", async () => {
    expect(handle).not.toBe("");
    const before = upstream.calls.length;
    const data = await graphql(c, SUBMIT_MFA, {
      input: { handle, responses: [{ prompt: PROMPT, answers: [ANSWER] }] },
    });
    expect(data.submitMfa).toMatchObject({
      __typename: "InvalidInputError",
      retryable: false,
      code: null,
      issues: [{ path: ["input", "handle"], message: expect.any(String) }],
    });
    // Refused before anything reached Flinks.
    expect(upstream.calls).toHaveLength(before);
  });
});
