import { envelop, useEngine, useSchema } from "@envelop/core";
import { execute, parse, specifiedRules, subscribe, validate } from "graphql";
import { schema } from "../src/schema/index.js";
import { median } from "./load.js";
import { num, type Scenario, table } from "./results.js";
import { intEnv } from "./settings.js";
import { inProcessProductionGateway, MUTATION } from "./targets.js";

/**
 * `pnpm bench armor`: what parse + validate of a document the gateway has not seen yet costs through its
 * own pipeline (graphql-armor's limits, and in production the introspection rule), against graphql-js
 * through envelop alone. The limits are read from the gateway itself (createGateway → yoga.getEnveloped),
 * never copied. Yoga caches parse and validation per document, so a repeated document pays none of it;
 * each timed document here is new (a unique comment).
 */
const DOCUMENTS = {
  benchMutation: MUTATION,
  fullSelection: `mutation Authorize($input: AuthorizeInput!) { authorize(input: $input) { __typename
  ... on Authorized { requestId institution institutionId institutionName
    login { id username type isScheduledRefresh lastRefresh } links { rel href } }
  ... on MfaRequired { requestId handle institution challenges { type rawType prompt choices } }
  ... on Pending { reason message requestId }
  ... on Error { message code retryable } } }`,
};

export type ArmorData = Record<keyof typeof DOCUMENTS, { withoutUs: number; withUs: number }> & {
  rounds: number;
};

const ITERATIONS = 5_000;

export const armor: Scenario<ArmorData> = {
  title: "graphql-armor: parse and validation of a new document",
  async run() {
    const gateway = inProcessProductionGateway();
    const plain = envelop({
      plugins: [useEngine({ parse, validate, execute, subscribe, specifiedRules }), useSchema(schema)],
    });
    // What Yoga hands its plugins for a POST to /graphql.
    const shipped = () =>
      gateway.yoga.getEnveloped({
        request: new Request("http://gateway/graphql", { method: "POST" }),
        params: {},
      } as never);
    const pipelines = { withUs: shipped, withoutUs: () => plain({}) };
    let unique = 0;
    const timePerDocument = (pipeline: () => ReturnType<typeof plain>, document: string) => {
      const started = performance.now();
      for (let i = 0; i < ITERATIONS; i++) {
        const run = pipeline();
        const errors: readonly Error[] = run.validate(run.schema, run.parse(`# ${unique++}\n${document}`));
        if (errors.length > 0) throw new Error(errors.map((error) => error.message).join("; "));
      }
      return ((performance.now() - started) * 1_000) / ITERATIONS;
    };
    const rounds = intEnv("BENCH_ROUNDS", 3, 1, 20) + 2;
    const data = { rounds } as ArmorData;
    try {
      for (const [name, document] of Object.entries(DOCUMENTS) as Array<[keyof typeof DOCUMENTS, string]>) {
        for (const pipeline of Object.values(pipelines)) timePerDocument(pipeline, document); // warm-up
        const samples = { withUs: [] as number[], withoutUs: [] as number[] };
        for (let round = 0; round < rounds; round++) {
          for (const [key, pipeline] of Object.entries(pipelines) as Array<
            [keyof typeof samples, () => ReturnType<typeof plain>]
          >) {
            samples[key].push(timePerDocument(pipeline, document));
          }
        }
        data[name] = { withUs: median(samples.withUs), withoutUs: median(samples.withoutUs) };
      }
    } finally {
      await gateway.close();
    }
    return data;
  },
  render(data) {
    const rows = (Object.keys(DOCUMENTS) as Array<keyof typeof DOCUMENTS>).map((name) => [
      name,
      num(data[name].withoutUs, 1),
      num(data[name].withUs, 1),
      num(data[name].withUs - data[name].withoutUs, 1),
    ]);
    return [
      `µs per new document, median of ${data.rounds} rounds of ${num(ITERATIONS)}; in process.`,
      "",
      table(["Document", "graphql-js through envelop", "the gateway's pipeline", "added"], rows),
    ].join("\n");
  },
};
