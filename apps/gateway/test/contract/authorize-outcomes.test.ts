import type { components } from "@flinks-authorize/client";
import { examplesOf, type ResponseExample } from "@flinks-authorize/spec/test-support/examples";
import { describe, expect, test } from "vitest";
import { AUTHORIZE, graphql } from "../harness.js";
import { contractGateway, LOGIN_ID, mockOnly, NOT_ON_MOCK, typenameOfCode } from "./support.js";

// GraphQL authorize → gateway (mock mode: the caller's Prefer goes to Authorize) → Prism serving each named
// example of each documented Authorize status. The union member and its fields must carry the example.
const authorizeExamples = examplesOf("authorize");
const tokenExamples = examplesOf("generateAuthorizeToken");
const [defaultToken] = tokenExamples;
const { gateway, guard } = contractGateway();

const LIVE_CODES = new Set(["INVALID_USERNAME", "INVALID_PASSWORD", "INVALID_REQUEST", "RETRY_LATER"]);
const inputFor = (example: ResponseExample) =>
  example.status === 203 || LIVE_CODES.has(String(example.value.FlinksCode))
    ? { institution: "FlinksCapital", username: "Greatday", password: "Everyday", language: "EN" }
    : { loginId: LOGIN_ID };

type Schemas = components["schemas"];
const challengeType = (type: string) => type.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

/** The union member the gateway must return for an Authorize example, with every selected field. */
function expectedResult(example: ResponseExample): Record<string, unknown> {
  switch (example.status) {
    case 200: {
      const v = example.value as Schemas["AuthorizeSuccess"];
      return {
        __typename: "Authorized",
        requestId: v.RequestId,
        institution: v.Institution,
        institutionId: v.InstitutionId ?? null,
        institutionName: v.InstitutionName ?? null,
        login: {
          id: v.Login.Id,
          username: v.Login.Username ?? null,
          type: v.Login.Type ?? null,
          isScheduledRefresh: v.Login.IsScheduledRefresh ?? null,
          // Flinks sends LastRefresh in UTC without an offset (spec decision 7).
          lastRefresh: v.Login.LastRefresh ? new Date(`${v.Login.LastRefresh}Z`).toISOString() : null,
        },
        links: (v.Links ?? []).map(({ rel, href }) => ({ rel, href })),
      };
    }
    case 202: {
      const v = example.value as Schemas["OperationPending"];
      return {
        __typename: "Pending",
        reason: v.FlinksCode,
        message: v.Message,
        requestId: v.RequestId,
        handle: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      };
    }
    case 203: {
      const v = example.value as Schemas["MfaChallenge"];
      return {
        __typename: "MfaRequired",
        requestId: v.RequestId,
        handle: expect.any(String),
        institution: v.Institution,
        challenges: v.SecurityChallenges.map((c) => ({
          type: challengeType(c.Type),
          rawType: c.Type,
          prompt: c.Prompt,
          choices: c.Iterables ?? [],
        })),
      };
    }
    default: {
      const v = example.value as Schemas["FlinksError"];
      return {
        __typename: typenameOfCode[String(v.FlinksCode)],
        code: v.FlinksCode,
        flinksCode: v.FlinksCode,
        flinksRequestId: v.RequestId ?? null,
        message: v.Message,
        retryable: expect.any(Boolean),
      };
    }
  }
}

describe("every documented Authorize outcome through the gateway", () => {
  test("the spec documents 200, 202, 203, 400, 401, 405 and 500, each with named examples", () => {
    expect([...new Set(authorizeExamples.map((example) => example.status))]).toEqual([
      200, 202, 203, 400, 401, 405, 500,
    ]);
    expect(typenameOfCode).toEqual(
      expect.objectContaining(
        Object.fromEntries(
          authorizeExamples
            .filter((example) => example.status >= 400)
            .map((example) => [example.value.FlinksCode, expect.any(String)]),
        ),
      ),
    );
  });

  test.skipIf(NOT_ON_MOCK).each(authorizeExamples.map((example) => [example.prefer, example] as const))(
    mockOnly(`prefer: %s`),
    async (prefer, example) => {
      const before = guard.calls.length;
      const response = await graphql(gateway, AUTHORIZE, { input: inputFor(example) }, { prefer });
      guard.assertClean();
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.authorize).toEqual(expectedResult(example));

      // Prefer went to Authorize only, which got the token Prism minted.
      const [tokenCall, authorizeCall, ...more] = guard.calls.slice(before);
      expect(more).toEqual([]);
      expect(tokenCall?.url).toMatch(/\/GenerateAuthorizeToken$/);
      expect(tokenCall?.headers.get("prefer")).toBeNull();
      expect(authorizeCall?.url).toMatch(/\/Authorize$/);
      expect(authorizeCall?.headers.get("prefer")).toBe(prefer);
      expect(authorizeCall?.headers.get("flinks-auth-key")).toBe(defaultToken?.value.Token);
    },
  );

  test
    .skipIf(NOT_ON_MOCK)
    .each([
      "code=500, example=INVALID_PASSWORD",
      "code=401, example=NO_SUCH_EXAMPLE",
      "code=418",
      "example=INVALID_PASSWORD",
    ])(
    mockOnly("a Prefer Prism cannot serve (%s) is a mock-mode error naming the header"),
    async (prefer) => {
      const response = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } }, { prefer });
      const [error, ...more] = (response.body.errors ?? []) as Array<{
        message: string;
        extensions?: { code?: string };
      }>;
      expect(more).toEqual([]);
      expect(error?.extensions?.code).toBe("MOCK_PREFER_UNSERVED");
      expect(error?.message).toContain(`"Prefer: ${prefer}"`);
      expect(error?.message).toContain("Prefer table");
    },
  );
});

// The gateway forwards Prefer to Authorize only, so a second gateway adds it to the token call on the way
// out: the same real client and Prism, with GenerateAuthorizeToken's own documented answers.
describe("every documented GenerateAuthorizeToken outcome through the gateway", () => {
  let tokenPrefer = "";
  const tokenGateway = contractGateway((request) => {
    if (!request.url.endsWith("/GenerateAuthorizeToken")) return request;
    const headers = new Headers(request.headers);
    headers.set("prefer", tokenPrefer);
    return new Request(request, { headers });
  });

  test.skipIf(NOT_ON_MOCK).each(tokenExamples.map((example) => [example.prefer, example] as const))(
    mockOnly(`prefer on the token call: %s`),
    async (prefer, example) => {
      tokenPrefer = prefer;
      const before = tokenGateway.guard.calls.length;
      const response = await graphql(tokenGateway.gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
      tokenGateway.guard.assertClean();
      expect(response.body.errors).toBeUndefined();
      const result = response.body.data?.authorize;
      const calls = tokenGateway.guard.calls.slice(before);
      const authorizeCalls = calls.filter((call) => call.url.endsWith("/Authorize"));
      const v = example.value;
      if (example.status === 200) {
        expect(result?.__typename).toBe("Authorized");
        expect(authorizeCalls.map((call) => call.headers.get("flinks-auth-key"))).toEqual([v.Token]);
        return;
      }
      // No token, no Authorize call.
      expect(authorizeCalls).toEqual([]);
      expect(calls.length).toBeGreaterThan(0);
      if (example.status === 401) {
        // Flinks refused the gateway's secret key: the operator must act, whatever the code.
        expect(result).toEqual({
          __typename: "GatewayAccessDeniedError",
          code: "ACCESS_DENIED",
          flinksCode: v.FlinksCode,
          flinksRequestId: null,
          message: expect.stringContaining("FLINKS_SECRET_KEY"),
          retryable: false,
        });
      } else {
        expect(result).toEqual({
          __typename: typenameOfCode[String(v.FlinksCode)],
          code: v.FlinksCode,
          flinksCode: v.FlinksCode,
          flinksRequestId: v.RequestId ?? null,
          message: v.Message,
          retryable: expect.any(Boolean),
        });
      }
    },
  );
});
