import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import { execute, parse } from "graphql";
import { describe, expect, test } from "vitest";
import { ANONYMOUS } from "../../src/access/consumers.js";
import type { GatewayContext } from "../../src/context.js";
import { errorTypes, RateLimitedError } from "../../src/errors.js";
import { schema } from "../../src/schema/index.js";
import {
  countSessionResults,
  rootFields,
  SESSION_FIELD,
  SessionFields,
} from "../../src/schema/session-fields.js";

describe("every root field that reaches Flinks is registered as a session field", () => {
  test("each Mutation and Subscription field of the schema carries the mark", () => {
    const unmarked = rootFields(schema)
      .filter(({ marked }) => !marked)
      .map(({ type, field }) => `${type}.${field.name}`);
    // A new root field without `extensions: SESSION_FIELD` would go unlimited and unreported: mark it,
    // or, if it truly makes no call to Flinks, say so here.
    expect(unmarked).toEqual([]);
    expect(rootFields(schema).length).toBeGreaterThanOrEqual(4);
  });
});

/**
 * The worked example of docs/contributors/architecture.md: a new session field is its schema file (here,
 * inline) with the mark; the consumer's budget and the metrics follow without touching anything else.
 */
describe("a new field with the mark is limited and counted", () => {
  class Cancelled {
    readonly kind = "cancelled";
  }
  const builder = new SchemaBuilder<{ Context: GatewayContext }>({
    plugins: [ErrorsPlugin, SessionFields],
    errors: { defaultTypes: [] },
  });
  builder.objectType(Cancelled, {
    name: "Cancelled",
    isTypeOf: (value) => value instanceof Cancelled,
    fields: (t) => ({ kind: t.exposeString("kind") }),
  });
  const [, rateLimitedName = ""] = errorTypes.find(([type]) => type === RateLimitedError) ?? [];
  builder.objectType(RateLimitedError, {
    name: rateLimitedName,
    fields: (t) => ({ message: t.exposeString("message") }),
  });
  builder.queryType({ fields: (t) => ({ up: t.boolean({ resolve: () => true }) }) });
  builder.mutationType({});
  // The new field's own file: nothing else in the gateway names it.
  builder.mutationField("cancelAuthorization", (t) =>
    t.errorUnionField({
      types: [Cancelled, RateLimitedError],
      union: { name: "CancelResult" },
      extensions: SESSION_FIELD,
      resolve: () => new Cancelled(),
    }),
  );
  const example = countSessionResults(builder.toSchema());

  const run = async (budgetLeft: number) => {
    let charged = 0;
    const counted: string[][] = [];
    const context = {
      consumer: ANONYMOUS,
      limits: {
        call: async () => {
          charged++;
          return charged > budgetLeft
            ? new RateLimitedError({ message: "over budget", retryAfterSeconds: 1, scope: "consumer" })
            : undefined;
        },
      },
      metrics: { sessionResult: (...labels: string[]) => counted.push(labels) },
    } as unknown as GatewayContext;
    const result = await execute({
      schema: example,
      document: parse("mutation { cancelAuthorization { __typename ... on RateLimitedError { message } } }"),
      contextValue: context,
    });
    return { charged, counted, result };
  };

  test("it is registered, charged to the consumer's calls, and its results are counted", async () => {
    expect(rootFields(example).map(({ field, marked }) => [field.name, marked])).toEqual([
      ["cancelAuthorization", true],
    ]);
    const admitted = await run(1);
    expect(admitted.charged).toBe(1);
    expect(admitted.counted).toEqual([["cancelAuthorization", "Cancelled", "none"]]);
    const refused = await run(0);
    expect(refused.result.errors).toBeUndefined();
    expect(refused.result.data?.cancelAuthorization).toMatchObject({ __typename: "RateLimitedError" });
    expect(refused.counted).toEqual([["cancelAuthorization", "RateLimitedError", "none"]]);
  });
});
