import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { AUTHORIZE, graphql, SUBMIT_MFA } from "../harness.js";
import { contractGateway, mockOnly, NOT_ON_MOCK, ON_MOCK } from "./support.js";

/*
 * Property: whatever valid input a consumer sends, the request the gateway makes is valid for the spec.
 * Prism judges every upstream call (a request violation in sl-violations, or a 422, fails the run with
 * Prism's message), and the GraphQL result is never InvalidInputError nor a GraphQL `errors` entry.
 *
 * On failure fast-check prints the seed, the path and the shrunk counterexample; replay one with
 * `fc.assert(property, { seed, path, endOnFailure: true })`. On a real upstream (FLINKS_TEST_BASE_URL)
 * the runs are cut to 20 so as not to flood it.
 */
const NUM_RUNS = ON_MOCK ? 200 : 20;
const { gateway, guard } = contractGateway();

/** One unit of text: any code point, or one of the characters that break naive handling. */
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "😀",
      "👩‍💻", // ZWJ sequence
      "🇨🇦",
      "\u202E", // right-to-left override
      "\u200F", // right-to-left mark
      "\u2066", // left-to-right isolate
      "שלום",
      "مرحبا",
      " ",
      "\u00A0",
      "\t",
      "\n",
      "e\u0301", // decomposed é
      "é",
      "\uFEFF",
      "\uD800", // a lone surrogate: still a string for GraphQL, JSON and the spec
      '"',
      "\\",
      "__proto__",
    ),
  },
);

const noNul = (value: string) => !value.includes("\u0000");
/** Non-empty text of at most `max` UTF-16 code units (the gateway's and the spec's measure). */
const text = (max: number, { allowNul = false, minLength = 1 } = {}) =>
  fc
    .oneof(
      { weight: 9, arbitrary: fc.string({ unit, minLength, maxLength: max, size: "medium" }) },
      // At the limit exactly.
      { weight: 1, arbitrary: unit.map((u) => u.repeat(Math.ceil(max / u.length)).slice(0, max)) },
    )
    .map((value) => value.slice(0, max))
    .filter((value) => value.length >= minLength && (allowNul || noNul(value)));

const nullable = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof(arbitrary, fc.constant(null), fc.constant(undefined));
const uuid = fc.tuple(fc.uuid(), fc.boolean()).map(([value, upper]) => (upper ? value.toUpperCase() : value));

const shared = {
  language: nullable(fc.constantFrom("EN", "FR")),
  save: nullable(fc.boolean()),
  // The spec allows any string as a Tag, NUL included; the gateway only bounds its length.
  tag: nullable(text(256, { allowNul: true })),
};

const cachedInput = fc.record(
  { loginId: uuid, mostRecentCached: nullable(fc.boolean()), ...shared },
  { requiredKeys: ["loginId"] },
);

const liveInput = fc.record(
  {
    institution: text(100),
    username: text(256),
    password: text(256),
    mostRecentCached: nullable(fc.constant(false)),
    ...shared,
  },
  { requiredKeys: ["institution", "username", "password"] },
);

const mfaResponses = fc.uniqueArray(text(1000), { minLength: 1, maxLength: 5 }).chain((prompts) =>
  fc.tuple(
    ...prompts.map((prompt) =>
      fc.record({
        prompt: fc.constant(prompt),
        answers: fc.array(text(1000, { minLength: 0 }), { minLength: 1, maxLength: 5 }),
      }),
    ),
  ),
);

/** Throws, so fast-check shrinks, when Prism flagged a call or the gateway refused a valid input. */
function check(result: Awaited<ReturnType<typeof graphql>>, field: "authorize" | "submitMfa") {
  const problems = guard.take();
  if (problems.length > 0) throw new Error(problems.join("\n"));
  if (result.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(result.body.errors)}`);
  const member = result.body.data?.[field];
  if (member?.__typename === "InvalidInputError") {
    throw new Error(`InvalidInputError for a valid input: ${JSON.stringify(member.issues)}`);
  }
  // Without Prefer the mock serves the 200's first example.
  if (ON_MOCK && member?.__typename !== "Authorized") throw new Error(`Got ${JSON.stringify(member)}`);
}

const options = { numRuns: NUM_RUNS, verbose: 1 } as const;

describe("valid GraphQL input always makes a spec-valid upstream request", () => {
  test(`authorize, cached mode (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(cachedInput, async (input) => {
        check(await graphql(gateway, AUTHORIZE, { input }), "authorize");
      }),
      options,
    );
    expect(guard.calls.length).toBeGreaterThanOrEqual(2 * NUM_RUNS);
  });

  test(`authorize, live mode (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(liveInput, async (input) => {
        check(await graphql(gateway, AUTHORIZE, { input }), "authorize");
      }),
      options,
    );
  });

  test.skipIf(NOT_ON_MOCK)(
    mockOnly(`submitMfa after a 203, unicode prompts and answers (${NUM_RUNS} runs)`),
    async () => {
      await fc.assert(
        fc.asyncProperty(mfaResponses, async (responses) => {
          const started = await graphql(
            gateway,
            AUTHORIZE,
            { input: { loginId: "5e115eac-1209-4f19-641c-08d6d484e2fe" } },
            { prefer: "code=203, example=mfaQuestionAndAnswer" },
          );
          const handle = started.body.data?.authorize?.handle;
          if (typeof handle !== "string") throw new Error(`No MfaRequired: ${started.text}`);
          const before = guard.calls.length;
          check(await graphql(gateway, SUBMIT_MFA, { input: { handle, responses } }), "submitMfa");
          // The prompts reached Flinks byte for byte, in order.
          const sent = JSON.parse(guard.calls[before]?.body ?? "{}") as { SecurityResponses?: object };
          expect(Object.keys(sent.SecurityResponses ?? {})).toEqual(responses.map(({ prompt }) => prompt));
        }),
        options,
      );
    },
  );
});
