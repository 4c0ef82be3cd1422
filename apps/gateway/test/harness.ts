import { Writable } from "node:stream";
import {
  authorized,
  MFA_REQUEST_ID,
  mfaRequired as mfaChallenge,
  tokenAnswer,
} from "@flinks-authorize/kit/fixtures";
import { loadConfig } from "../src/config/index.js";
import { createGateway, type Gateway, type GatewayOptions } from "../src/gateway.js";

/** What the fake upstream saw: one entry per call the gateway made to Flinks. */
export interface UpstreamCall {
  operation: "GenerateAuthorizeToken" | "Authorize" | "AuthorizeAsync";
  headers: Headers;
  body: Record<string, unknown> | undefined;
}

export type UpstreamAnswer = { status: number; body?: unknown; raw?: string };

export interface FakeUpstream {
  calls: UpstreamCall[];
  fetch: (request: Request) => Promise<Response>;
}

/**
 * A caller key: live mode and production require caller authentication. `graphql()` sends it unless
 * the test sets its own `authorization` header.
 */
export const CALLER_KEY = "test-caller-key-0123456789abcdef";
/** Live mode on the injected fake: any base URL, a secret key and the caller key. */
export const LIVE_ENV = {
  FLINKS_BASE_URL: "http://flinks.test",
  FLINKS_SECRET_KEY: "test-secret-key",
  GATEWAY_API_KEYS: CALLER_KEY,
};
/** The spec's examples (through the kit), under the names these tests use. */
export { authorized, LOGIN_ID, TOKEN } from "@flinks-authorize/kit/fixtures";
export const REQUEST_ID = MFA_REQUEST_ID;

/** The spec's 203 (one free-text question), asking these questions instead. */
export const mfaRequired = (
  prompts: string[] = mfaChallenge.SecurityChallenges.map(({ Prompt }) => Prompt),
  requestId = REQUEST_ID,
) => ({
  ...mfaChallenge,
  SecurityChallenges: prompts.map((Prompt) => ({ ...mfaChallenge.SecurityChallenges[0], Prompt })),
  RequestId: requestId,
});

/**
 * An in-memory Flinks: GenerateAuthorizeToken answers a token unless told otherwise; Authorize answers
 * with `authorize(call)`. Every call is recorded with its headers and JSON body.
 */
export function fakeUpstream(options: {
  authorize?: (call: UpstreamCall) => UpstreamAnswer | Promise<UpstreamAnswer>;
  /** AuthorizeAsync; by default it answers like `authorize`. */
  authorizeAsync?: (call: UpstreamCall) => UpstreamAnswer | Promise<UpstreamAnswer>;
  token?: (call: UpstreamCall) => UpstreamAnswer | Promise<UpstreamAnswer>;
}): FakeUpstream {
  const calls: UpstreamCall[] = [];
  return {
    calls,
    fetch: async (request) => {
      const text = await request.text();
      const operation = request.url.endsWith("/GenerateAuthorizeToken")
        ? "GenerateAuthorizeToken"
        : request.url.endsWith("/AuthorizeAsync")
          ? "AuthorizeAsync"
          : "Authorize";
      const call: UpstreamCall = {
        operation,
        headers: request.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      calls.push(call);
      const answer =
        operation === "GenerateAuthorizeToken"
          ? await (options.token?.(call) ?? { status: 200, body: tokenAnswer })
          : operation === "AuthorizeAsync" && options.authorizeAsync
            ? await options.authorizeAsync(call)
            : await (options.authorize?.(call) ?? { status: 200, body: authorized });
      const payload = answer.raw ?? JSON.stringify(answer.body);
      return new Response(payload, {
        status: answer.status,
        headers: { "content-type": "application/json" },
      });
    },
  };
}

/** A gateway on a fake upstream, configured from an environment like an operator would. */
export function testGateway(
  upstream: FakeUpstream,
  env: Record<string, string> = {},
  options: Omit<GatewayOptions, "fetch"> = {},
): Gateway {
  return createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", ...env }), {
    ...options,
    fetch: upstream.fetch,
  });
}

/** A log destination that keeps every line, for tests that read what the gateway logged. */
export function logCapture(): {
  lines: string[];
  destination: Writable;
  records(): Array<Record<string, unknown>>;
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination, records: () => lines.map((line) => JSON.parse(line)) };
}

export interface GraphQLResponse {
  status: number;
  body: { data?: Record<string, Record<string, unknown> & { __typename: string }>; errors?: unknown[] };
  text: string;
}

/** One GraphQL POST through `yoga.fetch`, in process. */
export async function graphql(
  gateway: Gateway,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse> {
  const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

/** Selects every field of every union member, so tests see the whole result. */
export const RESULT_FIELDS = `
  __typename
  ... on Authorized {
    requestId institution institutionId institutionName
    login { id username type isScheduledRefresh lastRefresh }
    links { rel href }
  }
  ... on MfaRequired { requestId handle institution challenges { type rawType prompt choices } }
  ... on Pending { reason message requestId handle }
  ... on Error { message code retryable }
  ... on InvalidCredentialsError { flinksCode flinksRequestId }
  ... on MfaRejectedError { flinksCode flinksRequestId }
  ... on SessionError { flinksCode flinksRequestId }
  ... on AccountActionRequiredError { flinksCode flinksRequestId }
  ... on InstitutionUnavailableError { flinksCode flinksRequestId }
  ... on GatewayAccessDeniedError { flinksCode flinksRequestId }
  ... on UnknownFlinksError { flinksCode flinksRequestId }
  ... on InvalidInputError { issues { path message } }
`;

export const CONTINUE = `mutation Continue($input: ContinueAuthorizationInput!) { continueAuthorization(input: $input) { ${RESULT_FIELDS} } }`;
export const FOLLOW = `subscription Follow($handle: String!) { authorization(handle: $handle) { ${RESULT_FIELDS} } }`;

/**
 * Follows a Pending through the authorization subscription over server-sent events, in process, and
 * returns every result the stream carried once it completes.
 */
export async function follow(
  gateway: Gateway,
  handle: string,
  headers: Record<string, string> = {},
): Promise<Array<Record<string, unknown> & { __typename: string }>> {
  const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
    method: "POST",
    headers: {
      accept: "text/event-stream",
      "content-type": "application/json",
      authorization: `Bearer ${CALLER_KEY}`,
      ...headers,
    },
    body: JSON.stringify({ query: FOLLOW, variables: { handle } }),
  });
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    throw new Error(`not an event stream: HTTP ${response.status} ${await response.text()}`);
  }
  const events = (await response.text()).split("\n\n").filter((event) => event.startsWith("event: next"));
  return events.map((event) => JSON.parse(event.slice(event.indexOf("data: ") + 6)).data.authorization);
}

export const AUTHORIZE = `mutation Authorize($input: AuthorizeInput!) { authorize(input: $input) { ${RESULT_FIELDS} } }`;
export const SUBMIT_MFA = `mutation SubmitMfa($input: SubmitMfaInput!) { submitMfa(input: $input) { ${RESULT_FIELDS} } }`;

/** The issues of an InvalidInputError result (an empty list for any other member). */
export const issuesOf = (
  result: Record<string, unknown> | undefined,
): Array<{ path: string[]; message: string }> =>
  (result?.issues as Array<{ path: string[]; message: string }> | undefined) ?? [];

/** The GraphQL type each FlinksCode of the spec must come back as: written out, not read from the source. */
export const typenameOfCode: Record<string, string> = {
  INVALID_LOGIN: "InvalidCredentialsError",
  INVALID_USERNAME: "InvalidCredentialsError",
  INVALID_PASSWORD: "InvalidCredentialsError",
  INVALID_REQUEST: "InvalidCredentialsError",
  INVALID_SECURITY_RESPONSE: "MfaRejectedError",
  INVALID_SECURITY_RESPONSE_NO_RETRY: "MfaRejectedError",
  SECURITYRESPONSES_INCOMPLETE: "MfaRejectedError",
  UNKNOWN_CHALLENGE_KEY: "MfaRejectedError",
  QUESTION_NOT_FOUND: "MfaRejectedError",
  SESSION_NONEXISTENT: "SessionError",
  SESSION_EXPIRED: "SessionError",
  ALREADY_AUTHORIZED: "SessionError",
  CONCURRENT_SESSION: "SessionError",
  CARD_IN_USE: "SessionError",
  NEW_ACCOUNT: "AccountActionRequiredError",
  DISABLED_LOGIN: "AccountActionRequiredError",
  UNAUTHORIZED: "AccountActionRequiredError",
  RETRY_LATER: "InstitutionUnavailableError",
  TOO_MANY_REQUESTS: "InstitutionUnavailableError",
  DISABLED_INSTITUTION: "InstitutionUnavailableError",
  AGGREGATION_ERROR: "InstitutionUnavailableError",
  ACCESS_DENIED: "GatewayAccessDeniedError",
};
