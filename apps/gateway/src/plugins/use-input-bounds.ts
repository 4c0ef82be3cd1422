import {
  coerceInputValue,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  isInputType,
  typeFromAST,
} from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { scrubMessage } from "./use-scrubbed-input-errors.js";

/**
 * Bounds what refusing a request can cost. graphql-js words a variable that does not fit its type by
 * quoting the whole input object in each error: 7,000 unknown fields in a 55 KB `variables` object
 * (well under the body cap) cost about a second of event loop per request, doubling with the field
 * count, and no budget was charged since it is only a validation failure. Here the variables and
 * extensions are counted before graphql-js sees them (one walk, linear in what was already parsed), and
 * a request past the bounds is refused with HTTP 400 at once. The largest legitimate input (submitMfa with
 * 20 challenges of 20 answers) is about 450 entries and 4 levels deep.
 */
export const INPUT_BOUNDS = {
  /** Object keys and array elements, every level counted. */
  maxEntries: 1_000,
  maxDepth: 10,
} as const;

/**
 * What graphql-js prints of an input object or list in an error: its `inspect` formats every key of an
 * object once per error, but prints `toJSON()` instead when a value has one. Each object and list of
 * the variables gets this one, not enumerable (so coercion, which reads keys, never sees it): an error
 * costs the same whatever the input's size. The scrubber (use-scrubbed-input-errors.ts) cuts the quoted
 * value out of the message anyway.
 */
const summary = (value: object) => () => (Array.isArray(value) ? "[list]" : "{input}");

/**
 * Whether `value` stays within the bounds (stops counting at the first step past them); the objects and
 * lists it walked print as a short summary in graphql-js's errors from then on.
 */
export function withinBounds(value: unknown, { maxEntries, maxDepth } = INPUT_BOUNDS): boolean {
  let entries = 0;
  const walk = (node: unknown, depth: number): boolean => {
    if (node === null || typeof node !== "object") return true;
    if (depth > maxDepth) return false;
    for (const key in node) {
      if (++entries > maxEntries) return false;
      if (!walk((node as Record<string, unknown>)[key], depth + 1)) return false;
    }
    Object.defineProperty(node, "toJSON", { value: summary(node), enumerable: false, configurable: true });
    return true;
  };
  return walk(value, 1);
}

/** Structure a request's JSON may have around its variables: its own keys and a little slack. */
const ENVELOPE = { entries: 16, depth: 3 };

/**
 * Whether JSON text can hold no more than the bounds allow, found by one scan of its characters (about a
 * tenth of a millisecond for 64 KiB) before `JSON.parse` builds anything: parsing an object of 7,000 keys
 * alone costs milliseconds. Counts the structural `:` and `,` and the nesting outside strings; it may
 * overcount (a list of n elements has n − 1 commas), never undercount.
 */
export function jsonWithinBounds(text: string, { maxEntries, maxDepth } = INPUT_BOUNDS): boolean {
  const limit = 2 * (maxEntries + ENVELOPE.entries);
  let structural = 0;
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x22) {
      // A string: jump to its closing quote (one not escaped by an odd run of backslashes).
      for (;;) {
        index = text.indexOf('"', index + 1);
        if (index === -1) return true;
        let backslashes = 0;
        while (text.charCodeAt(index - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
    } else if (char === 0x3a || char === 0x2c) {
      if (++structural > limit) return false;
    } else if (char === 0x7b || char === 0x5b) {
      if (++depth > maxDepth + ENVELOPE.depth) return false;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return true;
}

/** The refusal of input past the bounds, wherever it is found. */
export const inputTooLarge = () =>
  createGraphQLError(
    `The request's variables or extensions are too large (at most ${INPUT_BOUNDS.maxEntries} entries and ${INPUT_BOUNDS.maxDepth} levels).`,
    { extensions: { code: "INPUT_TOO_LARGE", http: { status: 400 } } },
  );

const STOP = Symbol("first coercion error");

/**
 * The first error coercing the operation's variables, or undefined when they fit. graphql-js stops at the
 * first error here (the executor Yoga runs would make up to 50, each with a stack trace, a search for
 * suggestions and a print of the input), and the message names where, never the value.
 */
export function firstVariableError(
  {
    schema,
    document,
    operationName,
    variableValues,
  }: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
  },
  hideSuggestions: boolean,
): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName);
  for (const definition of operation?.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const value = variableValues?.[name];
    const type = typeFromAST(schema, definition.type);
    // Missing, or not an input type: the executor's own errors say so, once.
    if (value === undefined || !type || !isInputType(type)) continue;
    let found: GraphQLError | undefined;
    try {
      coerceInputValue(
        value,
        type,
        (path, _invalid, error) => {
          const at = path.length > 0 ? ` at "${name}.${path.join(".")}"` : "";
          // Worded as graphql-js would, without the value (the reason scrubbed as its own errors are).
          const message = `Variable "$${name}" got invalid value${at}; ${scrubMessage(error.message, hideSuggestions)}`;
          found = new GraphQLError(message, {
            nodes: [definition],
            // A request error, as Yoga answers the executor's own coercion errors.
            extensions: { http: { status: 400 } },
          });
          throw STOP;
        },
        hideSuggestions,
      );
    } catch (error) {
      if (error !== STOP) throw error;
    }
    if (found) return found;
  }
  return undefined;
}

/**
 * Past the bounds, the request is refused at once. Within them, the variables are coerced here first,
 * stopping at the first error, so that refusing any input under the body cap costs about as much as
 * parsing it.
 */
export function useInputBounds({ hideSuggestions = false }: { hideSuggestions?: boolean } = {}): Plugin {
  return {
    onParams({ params }) {
      if (!withinBounds(params.variables) || !withinBounds(params.extensions)) throw inputTooLarge();
    },
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = firstVariableError(args, hideSuggestions);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = firstVariableError(args, hideSuggestions);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
  };
}
