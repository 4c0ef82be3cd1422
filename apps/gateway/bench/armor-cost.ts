import { envelop, type Plugin, useEngine, useSchema } from "@envelop/core";
import { EnvelopArmor } from "@escape.tech/graphql-armor";
import { execute, parse, specifiedRules, subscribe, validate } from "graphql";
import { schema } from "../src/schema/index.js";
import { MUTATION, median } from "./lib/load.js";

/**
 * Lever 4, measured indirectly: graphql-armor cannot be switched off in src/yoga.ts, so this child
 * times parse + validate of one document through envelop with and without the same armor plugins
 * (a copy of `operationLimits(false)`, the production settings). Yoga caches parse and validation per
 * document string, so this is the cost of a document the gateway has not seen yet; a repeated document
 * pays none of it. Prints one JSON line.
 */
const armor = new EnvelopArmor({
  maxDepth: { n: 8, exposeLimits: false, flattenFragments: true },
  maxAliases: { n: 3, exposeLimits: false },
  maxDirectives: { n: 10, exposeLimits: false },
  maxTokens: { n: 1_000, exposeLimits: false },
  costLimit: { maxCost: 1_500, exposeLimits: false },
  blockFieldSuggestion: { enabled: true },
}).protect();

const FULL = `mutation Authorize($input: AuthorizeInput!) { authorize(input: $input) { __typename
  ... on Authorized { requestId institution institutionId institutionName
    login { id username type isScheduledRefresh lastRefresh } links { rel href } }
  ... on MfaRequired { requestId handle institution challenges { type rawType prompt choices } }
  ... on Pending { reason message requestId }
  ... on Error { message code retryable } } }`;

const engine = useEngine({ parse, validate, execute, subscribe, specifiedRules });
const variants = {
  without: envelop({ plugins: [engine, useSchema(schema)] }),
  with: envelop({ plugins: [engine, useSchema(schema), ...(armor.plugins as Plugin[])] }),
};

function timePerOp(getEnveloped: (typeof variants)["with"], document: string, iterations: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const run = getEnveloped({});
    const errors: readonly { message: string }[] = run.validate(run.schema, run.parse(document));
    if (errors.length > 0) throw new Error(errors.map((error) => error.message).join("; "));
  }
  return Number(process.hrtime.bigint() - started) / 1_000 / iterations;
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 3) + 2;
const result: Record<string, { withoutUs: number; withUs: number; addedUs: number }> = {};
for (const [name, document] of [
  ["benchMutation", MUTATION],
  ["fullSelection", FULL],
] as const) {
  for (const getEnveloped of Object.values(variants)) timePerOp(getEnveloped, document, 2_000); // warm-up
  const samples = { without: [] as number[], with: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    samples.without.push(timePerOp(variants.without, document, 5_000));
    samples.with.push(timePerOp(variants.with, document, 5_000));
  }
  const withoutUs = Math.round(median(samples.without) * 10) / 10;
  const withUs = Math.round(median(samples.with) * 10) / 10;
  result[name] = { withoutUs, withUs, addedUs: Math.round((withUs - withoutUs) * 10) / 10 };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
