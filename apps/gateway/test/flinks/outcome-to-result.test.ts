import { type FlinksError, knownFlinksCodes, Secret, type TransportFailure } from "@flinks-authorize/client";
import { describe, expect, test } from "vitest";
import {
  GatewayAccessDeniedError,
  GatewayBusyError,
  SessionError,
  UnknownFlinksError,
  UpstreamContractError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "../../src/errors.js";
import type { SessionLease, UpstreamStep } from "../../src/flinks/calls.js";
import {
  boundedText,
  MAX_CODE_CHARS,
  MAX_MESSAGE_CHARS,
  refusalOfHandle,
  rejectionFromFlinks,
  resultOf,
} from "../../src/flinks/outcome-to-result.js";
import type { SessionToSeal } from "../../src/handles/seal.js";
import { typenameOfCode } from "../harness.js";

// The outcome → union-member mapping, without GraphQL.

const refusal = (flinksCode: string | undefined, overrides: Partial<FlinksError> = {}): FlinksError => ({
  kind: "flinksError",
  status: 401,
  flinksCode,
  message: "Flinks says no",
  requestId: "9022abc2-8a2e-4b06-a06e-c3e5449c4d10",
  retryable: false,
  body: { HttpStatusCode: 401 },
  ...overrides,
});

const session: SessionLease = {
  id: "session-1",
  token: new Secret("the-token"),
  mintedAt: 1_000,
  endpoint: "sync",
  consumer: "key:lender",
  round: 0,
};
const sealed: SessionToSeal[] = [];
const recorder = {
  seal(toSeal: SessionToSeal) {
    sealed.push(toSeal);
    return `handle-${sealed.length}`;
  },
};
const answered = (outcome: Extract<UpstreamStep, { kind: "answered" }>["outcome"], call = "start" as const) =>
  resultOf({ kind: "answered", call, outcome, session, sent: ["the-token", "hunter22"] }, recorder);

describe("rejectionFromFlinks", () => {
  test.each(knownFlinksCodes)("%s becomes its error type and keeps the exact code", (code) => {
    const error = rejectionFromFlinks(refusal(code));
    expect(error.constructor.name).toBe(typenameOfCode[code]);
    expect(error).toMatchObject({ code, flinksCode: code, message: "Flinks says no" });
  });

  test("a code newer than the spec is UNKNOWN, with the raw code kept", () => {
    const error = rejectionFromFlinks(refusal("BRAND_NEW_CODE"));
    expect(error).toBeInstanceOf(UnknownFlinksError);
    expect(error).toMatchObject({ code: "UNKNOWN", flinksCode: "BRAND_NEW_CODE" });
  });

  test("ACCESS_DENIED is the operator's problem on a fresh token, the session's on a later call", () => {
    expect(rejectionFromFlinks(refusal("ACCESS_DENIED"), "start")).toBeInstanceOf(GatewayAccessDeniedError);
    expect(rejectionFromFlinks(refusal("ACCESS_DENIED"), "answer")).toBeInstanceOf(SessionError);
    expect(rejectionFromFlinks(refusal("ACCESS_DENIED"), "poll")).toBeInstanceOf(SessionError);
  });

  test("an upstream message and code reach the consumer bounded, one line, without what was sent", () => {
    const error = rejectionFromFlinks(
      refusal("X".repeat(100_000), {
        message: `Bad answer hunter22 for the-token\n${"m".repeat(5_000_000)}`,
      }),
      "answer",
      ["the-token", "hunter22"],
    );
    expect(error.flinksCode?.length).toBe(MAX_CODE_CHARS);
    expect(error.message.length).toBe(MAX_MESSAGE_CHARS);
    expect(error.message).not.toContain("hunter22");
    expect(error.message).not.toContain("the-token");
    expect(error.message).not.toContain("\n");
  });
});

describe("boundedText", () => {
  test.each([
    ["plain", "Your operation is still processing", 100, [], "Your operation is still processing"],
    ["control characters folded", "a\u0000b\r\nc\u001b[31m", 100, [], "a b c [31m"],
    ["cut with an ellipsis", "abcdef", 4, [], "abc…"],
    ["sent values redacted", "secret-value echoed", 100, ["secret-value"], "[redacted] echoed"],
    ["values under 4 characters are not redacted", "an ok", 100, ["ok"], "an ok"],
  ] as const)("%s", (_, text, max, sent, want) => {
    expect(boundedText(text, max, sent)).toBe(want);
  });
});

describe("resultOf", () => {
  test("busy: a retryable GatewayBusyError saying when to retry", () => {
    const result = resultOf({ kind: "busy", retryAfterSeconds: 1 }, recorder);
    expect(result).toBeInstanceOf(GatewayBusyError);
    expect(result).toMatchObject({ retryable: true, retryAfterSeconds: 1 });
  });

  test.each<[TransportFailure, new (...args: never[]) => Error]>([
    [{ kind: "timeout", timeoutMs: 5, message: "late" }, UpstreamTimeoutError],
    [{ kind: "networkError", code: "ECONNREFUSED", message: "down" }, UpstreamUnavailableError],
    [{ kind: "aborted", message: "gone" }, UpstreamUnavailableError],
    [{ kind: "unexpectedResponse", status: 200, reason: "notJson", message: "html" }, UpstreamContractError],
  ])("transport failure %o", (outcome, type) => {
    expect(answered(outcome)).toBeInstanceOf(type);
    expect(resultOf({ kind: "tokenFailure", outcome }, recorder)).toBeInstanceOf(type);
  });

  test("a refused secret key is GatewayAccessDeniedError naming the variable to check", () => {
    const result = resultOf({ kind: "tokenFailure", outcome: refusal("UNAUTHORIZED") }, recorder);
    expect(result).toBeInstanceOf(GatewayAccessDeniedError);
    expect((result as Error).message).toContain("FLINKS_SECRET_KEY");
  });

  test("a 203 is sealed for submitMfa with the session's token, mint time and endpoint", () => {
    sealed.length = 0;
    const result = answered({
      kind: "mfaRequired",
      status: 203,
      body: { HttpStatusCode: 203, SecurityChallenges: [], Institution: "FlinksCapital", RequestId: "r-203" },
    });
    expect(result).toMatchObject({ kind: "mfaRequired", handle: "handle-1" });
    expect(sealed[0]).toMatchObject({ requestId: "r-203", step: "mfa", endpoint: "sync", mintedAt: 1_000 });
    expect(sealed[0]?.token).toBe(session.token);
  });

  test("a 202 is sealed as a Pending, continued on AuthorizeAsync", () => {
    sealed.length = 0;
    const result = answered({
      kind: "pending",
      status: 202,
      flinksCode: "OPERATION_DISPATCHED",
      requestId: "r-202",
      body: { HttpStatusCode: 202, FlinksCode: "OPERATION_DISPATCHED", RequestId: "r-202" },
    });
    expect(result).toMatchObject({ kind: "pending", handle: "handle-1" });
    expect(sealed[0]).toMatchObject({
      requestId: "r-202",
      step: "pending",
      endpoint: "async",
      mintedAt: 1_000,
    });
  });
});

describe("refusalOfHandle", () => {
  test.each([
    ["malformed", "InvalidInputError"],
    ["wrongStep", "InvalidInputError"],
    ["expired", "SessionError"],
    ["spent", "SessionError"],
  ] as const)("%s → %s, never retryable", (reason, typename) => {
    const error = refusalOfHandle(reason, "MfaRequired");
    expect(error.constructor.name).toBe(typename);
    expect(error.retryable).toBe(false);
  });
});
