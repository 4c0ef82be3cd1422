import { TOKEN } from "@flinks-authorize/kit/fixtures";
import { documentedOperations, type ResponseExample } from "@flinks-authorize/spec/test-support/examples";
import { describe, expect, test } from "vitest";
import type { AuthorizeRequest, Outcome } from "../../src/index.js";
import { contractClient, mockOnly, NOT_ON_MOCK, requests, SECRET_KEY } from "./support.js";

// Every named example of every documented status, served by Prism (`Prefer: code=…, example=…`) and read
// through the real client over HTTP: the typed outcome must carry exactly the example's values.
const operations = documentedOperations();
const { client, guard } = contractClient();

const expectedKind = (example: ResponseExample): Outcome["kind"] => {
  if (example.operationId === "generateAuthorizeToken")
    return example.status === 200 ? "token" : "flinksError";
  const kinds: Record<number, Outcome["kind"]> = { 200: "authorized", 202: "pending", 203: "mfaRequired" };
  return kinds[example.status] ?? "flinksError";
};

// The request mode each outcome plausibly answers, so all three modes of the request body are sent.
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

describe("the spec", () => {
  test("documents both operations, and a named example for every status they document", () => {
    expect(operations.map((op) => op.operationId).sort()).toEqual(["authorize", "generateAuthorizeToken"]);
    for (const operation of operations) {
      const exampled = new Set(operation.examples.map((example) => example.status));
      expect(operation.statuses.filter((status) => !exampled.has(status))).toEqual([]);
    }
  });
});

for (const operation of operations) {
  describe(`${operation.operationId} through Prism`, () => {
    test.skipIf(NOT_ON_MOCK).each(operation.examples.map((example) => [example.prefer, example] as const))(
      mockOnly("Prefer: %s"),
      async (prefer, example) => {
        const options = { headers: { prefer } };
        const outcome =
          example.operationId === "authorize"
            ? await client.authorize(TOKEN, requestFor(example), options)
            : await client.generateAuthorizeToken(SECRET_KEY, options);
        guard.assertClean();
        expect(outcome.kind).toBe(expectedKind(example));
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
      },
    );
  });
}
