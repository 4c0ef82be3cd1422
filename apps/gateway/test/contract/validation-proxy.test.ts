import { createKeepAliveFetch } from "@flinks-authorize/client";
import { guardFetch } from "@flinks-authorize/kit/contract-guard";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { authorized, mfaRequired } from "@flinks-authorize/kit/fixtures";
import { type PrismServer, startPrism } from "@flinks-authorize/kit/prism";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createGateway, type Gateway } from "../../src/gateway.js";
import { AUTHORIZE, CALLER_KEY, graphql } from "../harness.js";
import { LOGIN_ID } from "./support.js";

/*
 * The validation gate: gateway → `prism proxy --errors` (the spec) → a fake Flinks. Prism checks both
 * directions: a request that breaks the spec is refused with 422 before it reaches the fake, and an
 * answer that breaks it becomes a 500 problem+json, which the gateway must turn into UpstreamContractError.
 *
 * Experiment (run while writing this suite): set `gate = fake.url` instead of `proxy.url` in beforeAll,
 * i.e. remove the gate. Three tests then fail: "a body that breaks the schema" (the gateway reports the
 * fake's HTTP 200, not the proxy's 500), "an undocumented status" (no sl-violations warning) and "a request
 * that breaks the spec never reaches Flinks" (the fake answers 200 and its counter moves). The control
 * "without the proxy" shows the client's own validators still refuse the broken body: only the
 * proxy-specific assertions tell the two layers apart, and they are what fails without the gate.
 */

type Behaviour = "valid200" | "broken200" | "status418" | "valid203";

const { RequestId: _dropped, ...authorizedWithoutRequestId } = authorized;
const answers: Record<Behaviour, { status: number; body: unknown }> = {
  valid200: { status: 200, body: authorized },
  broken200: { status: 200, body: authorizedWithoutRequestId },
  status418: { status: 418, body: { HttpStatusCode: 418, Message: "I'm a teapot" } },
  valid203: { status: 203, body: mfaRequired },
};

let behaviour: Behaviour = "valid200";
let fake: FakeFlinks;
let proxy: PrismServer;
/** Where the gateway under test and the raw calls go: the validation proxy. */
let gate = "";
const transport = createKeepAliveFetch();
const guard = guardFetch(transport);
let viaProxy: Gateway;
let direct: Gateway;

const gatewayOn = (baseUrl: string) =>
  createGateway(
    loadConfig({
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      FLINKS_BASE_URL: baseUrl,
      FLINKS_SECRET_KEY: "stub-secret-key",
      GATEWAY_API_KEYS: CALLER_KEY,
    }),
    { fetch: guard.fetch },
  );

beforeAll(async () => {
  fake = await startFakeFlinks();
  fake.script = (call) => (call.operation === "Authorize" ? answers[behaviour] : undefined);
  proxy = await startPrism({ mode: "proxy", upstream: fake.url, errors: true });
  gate = proxy.url;
  viaProxy = gatewayOn(gate);
  direct = gatewayOn(fake.url);
});

afterAll(async () => {
  await Promise.all([viaProxy?.close(), direct?.close(), transport.close(), proxy?.stop(), fake?.close()]);
});

beforeEach(() => {
  behaviour = "valid200";
  guard.take();
});

const authorize = async (gateway: Gateway) => {
  const response = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
  // Never a crash and never a GraphQL `errors` entry: every upstream answer maps to a union member.
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
  return response.body.data?.authorize;
};

/** A raw call to the proxy, bypassing the client, to read Prism's own verdict. */
const rawAuthorize = (body: unknown, headers: Record<string, string> = { "flinks-auth-key": "token" }) =>
  fetch(`${gate}/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/Authorize`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("gateway → prism proxy --errors → fake Flinks", () => {
  test("a valid 200 passes through: Authorized", async () => {
    const before = fake.count("Authorize");
    expect(await authorize(viaProxy)).toMatchObject({
      __typename: "Authorized",
      requestId: authorized.RequestId,
    });
    expect(fake.count("Authorize")).toBe(before + 1);
    guard.assertClean();
  });

  test("a valid 203 passes through: MfaRequired", async () => {
    behaviour = "valid203";
    expect(await authorize(viaProxy)).toMatchObject({
      __typename: "MfaRequired",
      requestId: mfaRequired.RequestId,
    });
    guard.assertClean();
  });

  test("a body that breaks the schema: the proxy answers 500 problem+json, the gateway UpstreamContractError", async () => {
    behaviour = "broken200";
    const result = await authorize(viaProxy);
    expect(result).toMatchObject({ __typename: "UpstreamContractError", code: null, retryable: false });
    // What the gateway received was the proxy's verdict, not the fake's 200 (depends on the gate).
    expect(result?.message).toMatch(/HTTP 500/);
    expect(guard.calls.at(-1)).toMatchObject({ status: 500 });
    guard.assertClean();

    const raw = await rawAuthorize({ LoginId: LOGIN_ID });
    expect(raw.status).toBe(500);
    expect(raw.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = (await raw.json()) as { type: string; validation?: Array<{ message: string }> };
    expect(problem.type).toMatch(/#VIOLATIONS$/);
    expect(JSON.stringify(problem.validation)).toMatch(/RequestId/);
  });

  test("control, without the proxy: the client's own validators refuse the same body", async () => {
    behaviour = "broken200";
    const result = await authorize(direct);
    expect(result).toMatchObject({ __typename: "UpstreamContractError", retryable: false });
    expect(result?.message).toMatch(/HTTP 200 .*RequestId/);
  });

  test("an undocumented status (418) passes the proxy with a warning: UpstreamContractError", async () => {
    behaviour = "status418";
    const result = await authorize(viaProxy);
    expect(result).toMatchObject({ __typename: "UpstreamContractError", retryable: false });
    expect(result?.message).toMatch(/HTTP 418/);

    const raw = await rawAuthorize({ LoginId: LOGIN_ID });
    expect(raw.status).toBe(418);
    expect(raw.headers.get("sl-violations")).toMatch(/"severity":"Warning"/);
  });

  test("a request that breaks the spec never reaches Flinks: 422 from the gate", async () => {
    const before = fake.count();
    const extraProperty = await rawAuthorize({ LoginId: LOGIN_ID, DaysOfTransactions: "Days90" });
    expect(extraProperty.status).toBe(422);
    expect(extraProperty.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const notUuid = await rawAuthorize({ LoginId: "not-a-uuid" });
    expect(notUuid.status).toBe(422);
    expect(JSON.stringify(await notUuid.json())).toMatch(/uuid/);
    expect(fake.count()).toBe(before);
  });
});
