import { describe, expect, test } from "vitest";
import { graphqlChanges } from "../src/graphql.js";
import { currentSchema, schemaWith, schemaWithout } from "./variants.js";

describe("the GraphQL gate (graphql-inspector)", () => {
  test("finds nothing between a schema and itself", async () => {
    expect(await graphqlChanges(currentSchema(), currentSchema())).toEqual({ breaking: [], dangerous: [] });
  });

  test("catches a removed field and names it", async () => {
    const { breaking } = await graphqlChanges(currentSchema(), schemaWithout("Authorized", "requestId"));
    expect(breaking).toEqual([
      {
        contract: "GraphQL",
        description: "Field 'requestId' was removed from object type 'Authorized' (Authorized.requestId)",
      },
    ]);
  });

  test("lets an added optional field through", async () => {
    const changes = await graphqlChanges(currentSchema(), schemaWith("Authorized", "nickname", "String"));
    expect(changes).toEqual({ breaking: [], dangerous: [] });
  });

  test("rates a new union member dangerous, not breaking", async () => {
    const withoutBusy = currentSchema().replace(/ \| GatewayBusyError(?= \|)/, "");
    expect(withoutBusy).not.toBe(currentSchema());
    const { breaking, dangerous } = await graphqlChanges(withoutBusy, currentSchema());
    expect(breaking).toEqual([]);
    expect(dangerous.map((change) => change.description)).toContainEqual(
      expect.stringContaining("Member 'GatewayBusyError' was added"),
    );
  });
});
