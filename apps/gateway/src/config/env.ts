import { z } from "zod";

/**
 * The shapes every environment variable is read with. One rule for all: a variable that is unset or
 * blank is absent, so `FOO=` in a deployment file means "the default", never "an empty value".
 */
const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** A variable read through `schema`, blank counting as unset. */
export const env = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema);

export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** One of a few words; the message lists them. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: `must be ${values.length === 2 ? values.join(" or ") : `one of ${values.join(", ")}`}`,
  });

export const trueFalse = oneOf(["true", "false"]).transform((value) => value === "true");

export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** A comma-separated list: entries trimmed, empty entries dropped. */
export const commaList = (value: string) =>
  value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");

/** Where a cross-variable rule reports: the refinement context of the environment object. */
export type IssueSink = { addIssue(issue: { code: "custom"; path: string[]; message: string }): void };
