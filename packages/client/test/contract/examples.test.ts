import { documentedOperations } from "@flinks-authorize/spec/test-support/examples";
import { describe, expect, test } from "vitest";
import { callForExample, exampleCalls, expectExampleOutcome } from "./example-calls.js";
import { contractClient, mockOnly, NOT_ON_MOCK } from "./support.js";

// Every named example of every documented status, served by Prism (`Prefer: code=…, example=…`) and read
// through the real client over HTTP: the typed outcome must carry exactly the example's values.
const operations = documentedOperations();
const { client, guard } = contractClient();

describe("the spec", () => {
  test("documents its operations, and a named example for every status they document", () => {
    expect(operations.map((op) => op.operationId).sort()).toEqual(Object.keys(exampleCalls).sort());
    for (const operation of operations) {
      const exampled = new Set(operation.examples.map((example) => example.status));
      expect(operation.statuses.filter((status) => !exampled.has(status))).toEqual([]);
    }
  });
});

for (const operation of operations) {
  describe(`${operation.operationId} through Prism`, () => {
    test.skipIf(NOT_ON_MOCK).each(operation.examples.map((example) => [example.prefer, example] as const))(
      mockOnly("Prefer: %s"),
      async (_, example) => {
        const outcome = await callForExample(client, example);
        guard.assertClean();
        expectExampleOutcome(example, outcome);
      },
    );
  });
}
