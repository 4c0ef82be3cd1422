import { documentedOperations } from "@flinks-authorize/spec/test-support/examples";
import { describe, expect, test } from "vitest";
import { type AuthorizeOutcome, type FlinksClient, knownFlinksCodes, type Outcome } from "../src/index.js";
import { createObservedClient } from "./helpers.js";

const cachedRequest = { LoginId: "5e115eac-1209-4f19-641c-08d6d484e2fe", MostRecentCached: true };
const pollRequest = { RequestId: "077785a3-fd0f-42f7-9251-ee2ff7f3b4ff" };
const examples = documentedOperations().flatMap((operation) => operation.examples);

/** One call per operation of the spec; an operation missing here fails the examples below. */
const calls: Record<string, (client: FlinksClient) => Promise<Outcome>> = {
  generateAuthorizeToken: (client) => client.generateAuthorizeToken("secret"),
  authorize: (client) => client.authorize("token", cachedRequest),
  authorizeAsync: (client) => client.authorizeAsync("token", pollRequest),
};

async function outcomeFor(operationId: string, status: number, body: unknown): Promise<Outcome> {
  const call = calls[operationId];
  if (!call) throw new Error(`no call for the spec's operation ${operationId}`);
  const { client } = createObservedClient(() => ({ status, body }));
  return call(client);
}

const expectedKind: Record<number, Outcome["kind"]> = {
  200: "authorized",
  202: "pending",
  203: "mfaRequired",
  400: "flinksError",
  401: "flinksError",
  405: "flinksError",
  500: "flinksError",
};

describe("every named example of the spec becomes its typed outcome", () => {
  test("the spec has examples for every documented status", () => {
    expect(examples.length).toBeGreaterThanOrEqual(30);
    expect(new Set(examples.map((e) => e.operationId))).toEqual(new Set(Object.keys(calls)));
  });

  test("AuthorizeAsync answers with every example of Authorize (decision 10)", () => {
    const named = (operationId: string) =>
      examples.filter((e) => e.operationId === operationId).map((e) => e.prefer);
    expect(named("authorizeAsync")).toEqual(named("authorize"));
  });

  test.each(examples.map((e) => [`${e.operationId} ${e.status} ${e.name}`, e] as const))(
    "%s",
    async (_, example) => {
      const outcome = await outcomeFor(example.operationId, example.status, example.value);
      const kind =
        example.operationId === "generateAuthorizeToken" && example.status === 200
          ? "token"
          : expectedKind[example.status];
      expect(outcome.kind).toBe(kind);
      switch (outcome.kind) {
        case "authorized":
        case "mfaRequired":
          expect(outcome.body).toEqual(example.value);
          break;
        case "pending":
          expect(outcome.flinksCode).toBe(example.value.FlinksCode);
          expect(outcome.requestId).toBe(example.value.RequestId);
          break;
        case "flinksError":
          expect(outcome).toMatchObject({
            status: example.status,
            flinksCode: example.value.FlinksCode,
            message: example.value.Message,
            requestId: example.value.RequestId,
          });
          expect(typeof outcome.retryable).toBe("boolean");
          break;
        case "token":
          expect(outcome.token.reveal()).toBe(example.value.Token);
          break;
        default:
          throw new Error(`unexpected outcome ${outcome.kind}`);
      }
    },
  );

  test("every known FlinksCode has an example an outcome can be tested with", () => {
    const exampled = new Set(examples.map((e) => e.value.FlinksCode));
    expect(knownFlinksCodes.filter((code) => !exampled.has(code))).toEqual([]);
  });
});

describe("flinksError", () => {
  const retryable: Array<[string, number, boolean]> = [
    ["RETRY_LATER", 401, true],
    ["TOO_MANY_REQUESTS", 401, true],
    ["CARD_IN_USE", 400, true],
    ["AGGREGATION_ERROR", 500, true],
    ["DISABLED_INSTITUTION", 405, true],
    ["INVALID_PASSWORD", 401, false],
    ["INVALID_SECURITY_RESPONSE", 401, false],
    ["SESSION_NONEXISTENT", 400, false],
    // Codes newer than the spec still arrive with their code; retryable follows the status.
    ["BRAND_NEW_CODE", 401, false],
    ["BRAND_NEW_CODE", 503, true],
  ];

  test.each(retryable)("%s (HTTP %i) is retryable: %s", async (code, status, expected) => {
    const { client } = createObservedClient(() => ({
      status: status === 503 ? 500 : status,
      body: { HttpStatusCode: status, FlinksCode: code, Message: "m" },
    }));
    const outcome = await client.authorize("t", cachedRequest);
    expect(outcome).toMatchObject({ kind: "flinksError", flinksCode: code, retryable: expected });
  });

  test("a body with neither code nor message still yields a readable error", async () => {
    const { client } = createObservedClient(() => ({ status: 401, body: { HttpStatusCode: 401 } }));
    const outcome = await client.authorize("t", cachedRequest);
    expect(outcome).toEqual({
      kind: "flinksError",
      status: 401,
      flinksCode: undefined,
      message: "Flinks answered HTTP 401.",
      requestId: undefined,
      retryable: false,
      body: { HttpStatusCode: 401 },
    });
  });

  test("validation details reach the caller", async () => {
    const body = {
      HttpStatusCode: 401,
      FlinksCode: "INVALID_REQUEST",
      ValidationDetails: { Username: ["required"] },
    };
    const { client } = createObservedClient(() => ({ status: 401, body }));
    const outcome = await client.authorize("t", cachedRequest);
    expect(outcome.kind === "flinksError" && outcome.body.ValidationDetails).toEqual({
      Username: ["required"],
    });
  });
});

describe("answers the contract does not allow", () => {
  const cases: Array<[string, { status: number; body?: unknown; raw?: string }, Partial<AuthorizeOutcome>]> =
    [
      ["an undocumented status", { status: 418, body: {} }, { status: 418, reason: "undocumentedStatus" }],
      ["a 302 redirect", { status: 302, raw: "" }, { status: 302, reason: "undocumentedStatus" }],
      ["HTML instead of JSON", { status: 200, raw: "<html>oops</html>" }, { status: 200, reason: "notJson" }],
      ["an empty 200", { status: 200, raw: "" }, { status: 200, reason: "notJson" }],
      ["an empty 500", { status: 500, raw: "" }, { status: 500, reason: "notJson" }],
      [
        "a 200 without RequestId",
        { status: 200, body: { HttpStatusCode: 200 } },
        { reason: "schemaMismatch" },
      ],
      [
        "a 203 with no challenge",
        {
          status: 203,
          body: {
            HttpStatusCode: 203,
            RequestId: "9022abc2-8a2e-4b06-a06e-c3e5449c4d10",
            SecurityChallenges: [],
          },
        },
        { reason: "schemaMismatch" },
      ],
      [
        "a 202 with an unknown code",
        { status: 202, body: { HttpStatusCode: 202, FlinksCode: "NOPE" } },
        { reason: "schemaMismatch" },
      ],
      [
        "a Prism violation problem",
        { status: 500, body: { type: "x", title: "Request/Response not valid", status: 500 } },
        { reason: "schemaMismatch" },
      ],
    ];

  test.each(cases)("%s → unexpectedResponse", async (_, answer, expected) => {
    const { client } = createObservedClient(() => answer);
    for (const outcome of [
      await client.authorize("t", cachedRequest),
      await client.authorizeAsync("t", pollRequest),
    ]) {
      expect(outcome).toMatchObject({ kind: "unexpectedResponse", ...expected });
      expect(outcome.kind === "unexpectedResponse" && outcome.message).toMatch(/^Flinks answered HTTP \d+/);
    }
  });

  test("the schema mismatch names the offending field", async () => {
    const { client } = createObservedClient(() => ({
      status: 200,
      body: {
        HttpStatusCode: 200,
        Institution: "FlinksCapital",
        RequestId: "not-a-uuid",
        Login: { Id: "5e115eac-1209-4f19-641c-08d6d484e2fe" },
      },
    }));
    const outcome = await client.authorize("t", cachedRequest);
    expect(outcome).toMatchObject({
      message: expect.stringContaining('/RequestId must match format "uuid"'),
    });
  });
});
