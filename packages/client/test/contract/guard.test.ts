import { contractProblem, guardFetch, violationsOf } from "@flinks-authorize/kit/contract-guard";
import { beforeEach, describe, expect, test } from "vitest";
import { CUSTOMER_ID, mockOnly, NOT_ON_MOCK, requests, TARGET_URL } from "./support.js";

// Negative control: the check every contract test relies on does catch a request that breaks the spec.
// These requests are sent raw with fetch, since the typed client refuses to build them.
const guard = guardFetch((request) => fetch(request));
const authorizeUrl = (customerId = CUSTOMER_ID) => `${TARGET_URL}/v3/${customerId}/BankingServices/Authorize`;
const post = (url: string, headers: Record<string, string>, body?: unknown) =>
  guard.fetch(
    new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

describe.skipIf(NOT_ON_MOCK)(mockOnly(`the contract guard`), () => {
  beforeEach(() => {
    guard.take();
  });

  test("control: a valid raw request has no violation", async () => {
    const response = await post(authorizeUrl(), { "flinks-auth-key": "token" }, requests.cached);
    expect(response.status).toBe(200);
    expect(violationsOf(response)).toEqual([]);
    expect(guard.take()).toEqual([]);
  });

  test("a customerId that is not a UUID: Prism flags the path parameter", async () => {
    const response = await post(authorizeUrl("not-a-uuid"), { "flinks-auth-key": "token" }, requests.cached);
    expect(violationsOf(response)).toContainEqual(
      expect.objectContaining({ location: ["request", "path", "customerid"], severity: "Error" }),
    );
    const [problem, ...more] = guard.take();
    expect(more).toEqual([]);
    expect(problem).toMatch(/POST \/v3\/not-a-uuid\/BankingServices\/Authorize breaks the contract/);
    expect(problem).toMatch(/request\.path\.customerid: .*must match format "uuid"/i);
  });

  test("no flinks-auth-key: Prism flags the security scheme", async () => {
    const response = await post(authorizeUrl(), {}, requests.cached);
    expect(response.status).toBe(401);
    expect(violationsOf(response)).toContainEqual(
      expect.objectContaining({ location: ["request"], message: "Invalid security scheme used" }),
    );
    expect(guard.take()).toEqual([expect.stringContaining("Invalid security scheme used")]);
  });

  test("a poll sent to Authorize: only AuthorizeAsync takes a RequestId alone", async () => {
    const response = await post(authorizeUrl(), { "flinks-auth-key": "token" }, requests.poll);
    expect(response.status).toBe(400);
    expect(violationsOf(response)).toContainEqual(
      expect.objectContaining({ location: ["request", "body"], code: "anyOf" }),
    );
    expect(guard.take()).toEqual([expect.stringMatching(/must match a schema in anyOf/)]);
    const polled = await post(
      authorizeUrl().replace(/Authorize$/, "AuthorizeAsync"),
      { "flinks-auth-key": "token" },
      requests.poll,
    );
    expect(polled.status).toBe(200);
    expect(guard.take()).toEqual([]);
  });

  test("a body property the closed schema does not allow", async () => {
    const response = await post(
      authorizeUrl(),
      { "flinks-auth-key": "token" },
      { ...requests.cached, DaysOfTransactions: "Days90" },
    );
    expect(violationsOf(response).some((v) => v.location[0] === "request")).toBe(true);
    expect(guard.take()).toEqual([expect.stringMatching(/additional properties|DaysOfTransactions/i)]);
  });

  test("an operation without a 400 answers 422, which the guard reports with Prism's detail", async () => {
    const response = await post(`${TARGET_URL}/v3/not-a-uuid/BankingServices/GenerateAuthorizeToken`, {
      "flinks-auth-key": "secret",
    });
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(guard.take()).toEqual([
      expect.stringMatching(/HTTP 422 from Prism: .*customerid must match format "uuid"/is),
    ]);
  });

  test("a response violation alone is not our request's fault", async () => {
    const request = new Request(authorizeUrl(), { method: "POST" });
    const response = new Response("{}", {
      status: 200,
      headers: {
        "sl-violations": JSON.stringify([
          { location: ["response", "body"], severity: "Error", code: "required", message: "x" },
        ]),
      },
    });
    expect(await contractProblem(request, response)).toBeUndefined();
  });
});
