import { describe, expectTypeOf, test } from "vitest";
import {
  type AuthorizeAsyncRequest,
  type AuthorizeOutcome,
  type AuthorizeRequest,
  type components,
  createFlinksClient,
  type GenerateAuthorizeTokenOutcome,
  type PollRequest,
  Secret,
} from "../src/index.js";

const client = createFlinksClient({ customerId: "43387ca6-0391-4c82-857d-70d95f087ecb" });

describe("the outcome union narrows by kind", () => {
  test("authorize", async () => {
    const outcome = await client.authorize("t", { LoginId: "5e115eac-1209-4f19-641c-08d6d484e2fe" });
    // 1. before narrowing, there is no body to read
    // @ts-expect-error: `body` is not on every member
    void outcome.body;
    switch (outcome.kind) {
      case "authorized":
        expectTypeOf(outcome.status).toEqualTypeOf<200>();
        expectTypeOf(outcome.body.RequestId).toEqualTypeOf<string>();
        expectTypeOf(outcome.body.Login.Id).toEqualTypeOf<string>();
        break;
      case "mfaRequired":
        // noUncheckedIndexedAccess: an index may be out of range
        expectTypeOf(outcome.body.SecurityChallenges[0]).toEqualTypeOf<
          components["schemas"]["SecurityChallenge"] | undefined
        >();
        break;
      case "pending":
        expectTypeOf(outcome.flinksCode).toEqualTypeOf<"OPERATION_PENDING" | "OPERATION_DISPATCHED">();
        break;
      case "flinksError":
        expectTypeOf(outcome.retryable).toEqualTypeOf<boolean>();
        expectTypeOf(outcome.flinksCode).toEqualTypeOf<string | undefined>();
        break;
      case "timeout":
        expectTypeOf(outcome.timeoutMs).toEqualTypeOf<number>();
        break;
      case "unexpectedResponse":
        expectTypeOf(outcome.reason).toEqualTypeOf<
          "undocumentedStatus" | "notJson" | "schemaMismatch" | "tooLarge"
        >();
        break;
      case "networkError":
      case "aborted":
      case "invalidRequest":
        expectTypeOf(outcome.message).toEqualTypeOf<string>();
        break;
      default:
        // 2. the switch is exhaustive: a new member would land here and fail to compile
        expectTypeOf(outcome).toEqualTypeOf<never>();
    }
  });

  test("authorizeAsync answers exactly what authorize answers", () => {
    expectTypeOf(client.authorizeAsync).returns.toEqualTypeOf<Promise<AuthorizeOutcome>>();
    expectTypeOf(client.authorize).returns.toEqualTypeOf<Promise<AuthorizeOutcome>>();
  });

  test("generateAuthorizeToken never answers with an Authorize member", () => {
    expectTypeOf<GenerateAuthorizeTokenOutcome["kind"]>().toEqualTypeOf<
      "token" | "flinksError" | "timeout" | "aborted" | "networkError" | "unexpectedResponse"
    >();
    expectTypeOf<
      Extract<GenerateAuthorizeTokenOutcome, { kind: "token" }>["token"]
    >().toEqualTypeOf<Secret>();
  });
});

describe("misuse does not compile", () => {
  test("a request needs one of the three modes", () => {
    // @ts-expect-error: no mode
    void client.authorize("t", {});
    // @ts-expect-error: Tag alone is no mode
    void client.authorize("t", { Tag: "x" });
    // @ts-expect-error: live mode needs the three credentials
    void client.authorize("t", { Institution: "FlinksCapital", Username: "u" });
    // @ts-expect-error: an MFA answer needs SecurityResponses
    void client.authorize("t", { RequestId: "9022abc2-8a2e-4b06-a06e-c3e5449c4d10" });
    // @ts-expect-error: answers are lists of strings
    void client.authorize("t", { RequestId: "r", SecurityResponses: { q: "a" } });
    // @ts-expect-error: only en and fr
    void client.authorize("t", { LoginId: "l", Language: "de" });
    expectTypeOf<{ LoginId: string; MostRecentCached: false }>().toExtend<AuthorizeRequest>();
  });

  test("a poll goes to AuthorizeAsync only", () => {
    const poll = { RequestId: "077785a3-fd0f-42f7-9251-ee2ff7f3b4ff" };
    void client.authorizeAsync("t", poll);
    // @ts-expect-error: Authorize takes no poll; its 202 continues on AuthorizeAsync
    void client.authorize("t", poll);
    // Every Authorize request starts or answers an AuthorizeAsync flow as well.
    expectTypeOf<AuthorizeRequest>().toExtend<AuthorizeAsyncRequest>();
    expectTypeOf<PollRequest>().not.toExtend<AuthorizeRequest>();
    expectTypeOf<PollRequest>().toEqualTypeOf<{ RequestId: string }>();
    // @ts-expect-error: a poll needs its RequestId
    void client.authorizeAsync("t", {});
    // @ts-expect-error: answers are lists of strings on AuthorizeAsync too
    void client.authorizeAsync("t", { RequestId: "r", SecurityResponses: { q: "a" } });
  });

  test("a Secret is not a string", () => {
    // @ts-expect-error: reveal() is the only way to the value
    const leaked: string = new Secret("s");
    void leaked;
  });
});
