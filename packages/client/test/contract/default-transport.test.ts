import { type PrismServer, startPrism } from "@flinks-authorize/kit/prism";
import { documentedOperations } from "@flinks-authorize/spec/test-support/examples";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  createFlinksClient,
  createKeepAliveFetch,
  type FlinksClient,
  type Outcome,
} from "../../src/index.js";
import { callForExample, expectExampleOutcome } from "./example-calls.js";
import {
  authorizeToken,
  CUSTOMER_ID,
  mockOnly,
  NOT_ON_MOCK,
  requests,
  SECRET_KEY,
  TARGET_URL,
} from "./support.js";

// The other suites hand the client a guarded fetch, so what ships (the undici adapter, WireRequest,
// WireResponse) never meets the contract there. Here the client runs as shipped, with no fetch, and the
// guard is a `prism proxy --errors` in front of this run's target: it forwards a valid exchange untouched,
// answers a request that breaks the spec with a 422 (a 401 problem+json for a missing credential), and an
// answer that breaks it with a 500 problem+json. None of these is a documented answer, so the client
// reports each as `unexpectedResponse`: expecting the exact typed outcome is the check, and the controls
// below show the gate does refuse what breaks the spec.
let gate: PrismServer;
let client: FlinksClient;
beforeAll(async () => {
  gate = await startPrism({ mode: "proxy", upstream: TARGET_URL, errors: true });
  client = createFlinksClient({ baseUrl: gate.url, customerId: CUSTOMER_ID });
});
afterAll(async () => {
  await client?.close();
  await gate?.stop();
});

/** What the gate refused shows as an undocumented status or a body that breaks the schema. */
const expectPassedTheGate = (outcome: Outcome) => {
  expect(outcome.kind, `${JSON.stringify(outcome)}\n${gate.output()}`).not.toMatch(
    /^(unexpectedResponse|invalidRequest|networkError|timeout)$/,
  );
};

describe("every operation through the shipped transport and a validating proxy", () => {
  test("GenerateAuthorizeToken", async () => {
    const outcome = await client.generateAuthorizeToken(SECRET_KEY);
    expectPassedTheGate(outcome);
    expect(outcome.kind).toBe("token");
  });

  test.each([
    ["Authorize, cached", (token: string) => client.authorize(token, requests.cached)],
    ["Authorize, live", (token: string) => client.authorize(token, requests.live)],
    ["Authorize, MFA answer", (token: string) => client.authorize(token, requests.mfaAnswer)],
    ["AuthorizeAsync, start", (token: string) => client.authorizeAsync(token, requests.live)],
    ["AuthorizeAsync, poll", (token: string) => client.authorizeAsync(token, requests.poll)],
    ["AuthorizeAsync, MFA answer", (token: string) => client.authorizeAsync(token, requests.mfaAnswer)],
  ])("%s", async (_, call) => {
    expectPassedTheGate(await call(await authorizeToken(client)));
  });
});

describe.skipIf(NOT_ON_MOCK)(mockOnly("every named example through the shipped transport"), () => {
  const examples = documentedOperations().flatMap((operation) => operation.examples);
  test.each(examples.map((example) => [`${example.operationId} ${example.prefer}`, example] as const))(
    "%s",
    async (_, example) => {
      expectExampleOutcome(example, await callForExample(client, example));
    },
  );

  // The gateway's mock mode relies on this rule of Prism 5.14.2 (NegotiatorHelpers.ts,
  // negotiateOptionsForUnspecifiedCode → findLowest2XXResponse): without `code`, the lowest 2xx is served.
  test("without Prefer, AuthorizeAsync's start answers its lowest 2xx: 200, not the 202 Flinks would send", async () => {
    expect(await client.authorizeAsync("t", requests.live)).toMatchObject({
      kind: "authorized",
      status: 200,
    });
  });
});

describe.skipIf(NOT_ON_MOCK)(mockOnly("controls: the gate refuses what breaks the spec"), () => {
  test("a client request sent with a media type the spec does not take is a 422, seen as unexpectedResponse", async () => {
    const outcome = await client.authorizeAsync("t", requests.poll, {
      headers: { "content-type": "text/plain" },
    });
    expect(outcome).toMatchObject({ kind: "unexpectedResponse", status: 422, reason: "undocumentedStatus" });
  });

  test("a poll sent to Authorize through the shipped transport is a 422", async () => {
    const fetch = createKeepAliveFetch();
    const response = await fetch(
      new Request(`${gate.url}/v3/${CUSTOMER_ID}/BankingServices/Authorize`, {
        method: "POST",
        headers: { "content-type": "application/json", "flinks-auth-key": "t" },
        body: JSON.stringify(requests.poll),
      }),
    );
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toMatch(/must match a schema in anyOf/);
    await fetch.close();
  });
});
