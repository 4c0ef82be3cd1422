import { describe, expect, test } from "vitest";
import { graphiqlDefaultTabs } from "../../src/graphiql/examples.js";
import { graphql } from "../harness.js";
import { contractGateway, mockOnly, NOT_ON_MOCK } from "./support.js";

// GraphiQL's tabs, each run as GraphiQL runs it (its document, variables and headers) through the gateway
// to Prism: they answer what their comments say, and the MFA walkthrough works as written.
const { gateway, guard } = contractGateway();

const tab = (operation: string) => {
  const found = graphiqlDefaultTabs.find((candidate) => candidate.query?.includes(`mutation ${operation}`));
  if (!found) throw new Error(`GraphiQL has no tab with mutation ${operation}.`);
  return found;
};

/** Runs a tab; `variables` replace the tab's own, as a person pasting a handle does. */
async function run(operation: string, variables?: Record<string, unknown>) {
  const { query, headers, variables: own } = tab(operation);
  const response = await graphql(
    gateway,
    query ?? "",
    variables ?? JSON.parse(own ?? "{}"),
    JSON.parse(headers ?? "{}"),
  );
  guard.assertClean();
  expect(response.body.errors, response.text).toBeUndefined();
  return Object.values(response.body.data ?? {})[0];
}

describe.skipIf(NOT_ON_MOCK)(mockOnly("GraphiQL's tabs against Prism"), () => {
  test("AuthorizeCached and AuthorizeLive: Authorized", async () => {
    expect((await run("AuthorizeCached"))?.__typename).toBe("Authorized");
    expect((await run("AuthorizeLive"))?.__typename).toBe("Authorized");
  });

  test("the MFA walkthrough: step 1 is MfaRequired, step 2 with its handle is Authorized", async () => {
    const step1 = await run("MfaStep1Authorize");
    expect(step1?.__typename).toBe("MfaRequired");
    const step2 = await run("MfaStep2SubmitMfa", { handle: step1?.handle });
    expect(step2?.__typename).toBe("Authorized");
  });

  // Why step 2 is a tab of its own: with step 1's Prefer, Prism answers the answer with another 203.
  test("step 2 with step 1's Prefer header would loop back to MfaRequired", async () => {
    const step1 = await run("MfaStep1Authorize");
    const { query } = tab("MfaStep2SubmitMfa");
    const looped = await graphql(gateway, query ?? "", { handle: step1?.handle }, { prefer: "code=203" });
    expect(looped.body.data?.submitMfa?.__typename).toBe("MfaRequired");
  });
});
