import { describe, expect, test } from "vitest";
import type { AuthorizeAsyncRequest, AuthorizeOutcome, AuthorizeRequest } from "../../src/index.js";
import { authorizeToken, contractClient, ON_MOCK, REQUEST_ID, requests, SECRET_KEY } from "./support.js";

// Valid requests of every mode, sent by the real client: Prism must find nothing wrong with them. The guard
// (support.ts) fails the test on any request violation or 422, in Prism's words.
const { client, guard } = contractClient();

describe("requests the client sends pass Prism's request validation", () => {
  test("GenerateAuthorizeToken", async () => {
    const outcome = await client.generateAuthorizeToken(SECRET_KEY);
    guard.assertClean();
    expect(outcome.kind).toBe("token");
  });

  const cases: Array<[string, AuthorizeRequest]> = [
    ["cached", requests.cached],
    [
      "cached, refresh (MostRecentCached false), French, tagged",
      { ...requests.cached, MostRecentCached: false, Language: "fr", Tag: "loan-2041 ✓", Save: false },
    ],
    ["live", requests.live],
    [
      "live, unicode credentials",
      {
        Institution: "Banque Épargne",
        Username: "zoë 🦊",
        Password: "pä ss\u202Eword",
        MostRecentCached: false,
      },
    ],
    ["MFA answer", requests.mfaAnswer],
    [
      "MFA answer, several prompts, unicode and empty answers",
      {
        RequestId: REQUEST_ID,
        SecurityResponses: {
          "Où êtes-vous né ?": ["Montréal"],
          "Quel pays ? ": [""],
          "🔐\u200F?": ["a", "b"],
        },
      },
    ],
  ];
  /**
   * Without Prefer, the mock serves the operation's lowest 2xx (200) with its first example; a real
   * upstream may answer anything documented.
   */
  const expectServed = (outcome: AuthorizeOutcome) => {
    guard.assertClean();
    expect(outcome.kind).not.toBe("invalidRequest");
    if (ON_MOCK) expect(outcome.kind).toBe("authorized");
    else expect(outcome.kind).not.toBe("unexpectedResponse");
  };
  test.each(cases)("Authorize, %s", async (_, request) => {
    expectServed(await client.authorize(await authorizeToken(client), request));
  });
  const asyncCases: Array<[string, AuthorizeAsyncRequest]> = [...cases, ["poll", requests.poll]];
  test.each(asyncCases)("AuthorizeAsync, %s", async (_, request) => {
    expectServed(await client.authorizeAsync(await authorizeToken(client), request));
  });
});
