import type { ResponseExample } from "@flinks-authorize/spec/test-support/examples";
import { expect } from "vitest";
import type { AuthorizeAsyncRequest, AuthorizeRequest, FlinksClient, Outcome } from "../../src/index.js";
import { requests, SECRET_KEY } from "./support.js";

// How a contract suite reaches one named example of the spec through the client, and what the typed
// outcome must then carry: exactly the example's values.

const TOKEN = "d65f1adb-8ebc-48dc-be8b-20c773ba1565";

// The request mode each outcome plausibly answers, so every mode of the request body is sent.
const MFA_CODES = new Set([
  "INVALID_SECURITY_RESPONSE",
  "INVALID_SECURITY_RESPONSE_NO_RETRY",
  "SECURITYRESPONSES_INCOMPLETE",
  "UNKNOWN_CHALLENGE_KEY",
  "SESSION_NONEXISTENT",
  "SESSION_EXPIRED",
  "ALREADY_AUTHORIZED",
]);
const LIVE_CODES = new Set(["INVALID_USERNAME", "INVALID_PASSWORD", "INVALID_REQUEST", "RETRY_LATER"]);
function requestFor(example: ResponseExample): AuthorizeRequest {
  const code = String(example.value.FlinksCode ?? "");
  if (example.status === 203 || LIVE_CODES.has(code)) return requests.live;
  if (MFA_CODES.has(code)) return requests.mfaAnswer;
  return requests.cached;
}
/** On AuthorizeAsync a flow starts with a 202, and a poll is what reaches its 200, 203 and session errors. */
function asyncRequestFor(example: ResponseExample): AuthorizeAsyncRequest {
  if (example.status === 202) return requests.live;
  if ([200, 203, 400].includes(example.status)) return requests.poll;
  return requestFor(example);
}

type ExampleCall = (client: FlinksClient, example: ResponseExample) => Promise<Outcome>;
/** One call per operation of the spec, asking Prism for the example with `Prefer`. */
export const exampleCalls: Record<string, ExampleCall> = {
  generateAuthorizeToken: (client, { prefer }) =>
    client.generateAuthorizeToken(SECRET_KEY, { headers: { prefer } }),
  authorize: (client, example) =>
    client.authorize(TOKEN, requestFor(example), { headers: { prefer: example.prefer } }),
  authorizeAsync: (client, example) =>
    client.authorizeAsync(TOKEN, asyncRequestFor(example), { headers: { prefer: example.prefer } }),
};

/** Calls the example's operation so that Prism serves that example. */
export function callForExample(client: FlinksClient, example: ResponseExample): Promise<Outcome> {
  const call = exampleCalls[example.operationId];
  if (!call) throw new Error(`No call for the spec's operation ${example.operationId}.`);
  return call(client, example);
}

const expectedKind = (example: ResponseExample): Outcome["kind"] => {
  if (example.operationId === "generateAuthorizeToken")
    return example.status === 200 ? "token" : "flinksError";
  const kinds: Record<number, Outcome["kind"]> = { 200: "authorized", 202: "pending", 203: "mfaRequired" };
  return kinds[example.status] ?? "flinksError";
};

/** The outcome is the example's typed outcome, carrying exactly its values. */
export function expectExampleOutcome(example: ResponseExample, outcome: Outcome): void {
  expect(outcome.kind, JSON.stringify(outcome)).toBe(expectedKind(example));
  const value = example.value;
  switch (outcome.kind) {
    case "authorized":
    case "mfaRequired":
      expect(outcome.status).toBe(example.status);
      expect(outcome.body).toEqual(value);
      break;
    case "pending":
      expect(outcome).toEqual({
        kind: "pending",
        status: 202,
        flinksCode: value.FlinksCode,
        requestId: value.RequestId,
        body: value,
      });
      break;
    case "flinksError":
      expect(outcome).toEqual({
        kind: "flinksError",
        status: example.status,
        flinksCode: value.FlinksCode,
        message: value.Message,
        requestId: value.RequestId,
        retryable: expect.any(Boolean),
        body: value,
      });
      break;
    case "token":
      expect(outcome.status).toBe(200);
      expect(outcome.token.reveal()).toBe(value.Token);
      break;
    default:
      throw new Error(`${example.prefer}: unexpected outcome ${JSON.stringify(outcome)}`);
  }
}
