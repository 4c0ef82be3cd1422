import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { type Fault, STATS_PATH, startFakeFlinks } from "../src/fake-flinks.js";
import { authorized, LOGIN_ID, mfaRequired, specExample, tokenAnswer } from "../src/fixtures.js";

const fake = await startFakeFlinks();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const urlOf = (operation: string) =>
  `${fake.url}/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/${operation}`;
const post = (operation: string, body?: unknown, signal?: AbortSignal) =>
  fetch(urlOf(operation), {
    method: "POST",
    headers: { "content-type": "application/json", "flinks-auth-key": "key" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });

describe("the fake Flinks", () => {
  test("answers each operation with the spec's 200 example and records the call", async () => {
    expect(await (await post("GenerateAuthorizeToken")).json()).toEqual(tokenAnswer);
    const answer = await post("Authorize", { LoginId: LOGIN_ID, MostRecentCached: true });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual(authorized);
    expect(fake.calls.map(({ operation, body }) => [operation, body])).toEqual([
      ["GenerateAuthorizeToken", undefined],
      ["Authorize", { LoginId: LOGIN_ID, MostRecentCached: true }],
    ]);
    expect(fake.calls[0]?.headers["flinks-auth-key"]).toBe("key");
    expect([fake.count("Authorize"), fake.count()]).toEqual([1, 2]);
  });

  test("a path the spec does not have is a 404, not a call", async () => {
    expect(
      (await fetch(`${fake.url}/v3/x/BankingServices/GetAccountsDetail`, { method: "POST" })).status,
    ).toBe(404);
    expect(fake.count()).toBe(0);
  });

  const answered: Array<[Fault, string, number, (body: string) => void]> = [
    ["status500", "Authorize", 500, (body) => expect(JSON.parse(body).FlinksCode).toBe("AGGREGATION_ERROR")],
    ["rejectedToken", "Authorize", 401, (body) => expect(JSON.parse(body).FlinksCode).toBe("ACCESS_DENIED")],
    [
      "rejectedToken",
      "GenerateAuthorizeToken",
      401,
      (body) => expect(JSON.parse(body).FlinksCode).toBe("UNAUTHORIZED"),
    ],
    ["notJson", "Authorize", 502, (body) => expect(body).toMatch(/^<html>/)],
    [
      "schemaBreaking",
      "Authorize",
      200,
      (body) => expect(typeof JSON.parse(body).RequestId).not.toBe("string"),
    ],
    ["schemaBreaking", "GenerateAuthorizeToken", 200, (body) => expect(JSON.parse(body).Token).toBe(0)],
  ];
  test.each(answered)("%s on %s answers %i", async (fault, operation, status, check) => {
    fake.faults[operation] = fault;
    const answer = await post(operation);
    expect(answer.status).toBe(status);
    check(await answer.text());
  });

  test.each<[Fault, RegExp]>([
    ["resetMidBody", /terminated|other side closed/],
    ["destroyBeforeAnswer", /fetch failed/],
  ])("%s breaks the connection", async (fault, error) => {
    fake.faults.Authorize = fault;
    await expect(post("Authorize").then((answer) => answer.text())).rejects.toThrow(error);
  });

  test("hang never answers; the caller's abort is counted", async () => {
    fake.faults.Authorize = "hang";
    await expect(post("Authorize", undefined, AbortSignal.timeout(100))).rejects.toThrow();
    await expect.poll(() => fake.stats().aborted).toBe(1);
  });

  test("slow answers the example after slowMs; latency delays every answer of its operation", async () => {
    fake.faults.Authorize = "slow";
    fake.slowMs = 60;
    let started = performance.now();
    expect(await (await post("Authorize")).json()).toEqual(authorized);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);

    fake.latencyMs.GenerateAuthorizeToken = 60;
    started = performance.now();
    await Promise.all([1, 2, 3].map(() => post("GenerateAuthorizeToken").then((answer) => answer.json())));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(fake.stats()).toMatchObject({
      inFlight: 0,
      peakInFlight: 3,
      calls: { GenerateAuthorizeToken: 3 },
    });
    fake.latencyMs.GenerateAuthorizeToken = 0;
  });

  test("a script answers a multi-step flow, and falls back to the example when it returns nothing", async () => {
    fake.script = (call) =>
      call.operation === "Authorize" && call.body?.SecurityResponses === undefined
        ? { status: 203, body: mfaRequired }
        : undefined;
    expect((await post("Authorize", { LoginId: LOGIN_ID })).status).toBe(203);
    const answer = await post("Authorize", { RequestId: mfaRequired.RequestId, SecurityResponses: {} });
    expect(await answer.json()).toEqual(authorized);
    expect(fake.calls.map((call) => call.answer?.status)).toEqual([203, 200]);
  });

  test("fixtures are the spec's examples, frozen; a name the spec lacks is an error naming those it has", () => {
    expect(authorized).toBe(specExample("authorize", "authorized").value);
    expect(Object.isFrozen(authorized.Login)).toBe(true);
    expect(() => specExample("authorize", "nope")).toThrow(
      /no example "nope".*authorized, OPERATION_PENDING/,
    );
  });

  test(`${STATS_PATH} shows the counts; DELETE resets them`, async () => {
    await post("Authorize");
    const stats = await (await fetch(`${fake.url}${STATS_PATH}`)).json();
    expect(stats).toEqual({ calls: { Authorize: 1 }, inFlight: 0, peakInFlight: 1, aborted: 0 });
    await fetch(`${fake.url}${STATS_PATH}`, { method: "DELETE" });
    expect(fake.stats()).toEqual({ calls: {}, inFlight: 0, peakInFlight: 0, aborted: 0 });
  });
});
