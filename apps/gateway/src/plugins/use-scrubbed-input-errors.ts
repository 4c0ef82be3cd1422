import { type ExecutionResult, GraphQLError } from "graphql";
import {
  createGraphQLError,
  handleStreamOrSingleExecutionResult,
  isAsyncIterable,
  type Plugin,
} from "graphql-yoga";

/**
 * graphql-js quotes the offending value when a variable or literal has the wrong type
 * (`Variable "$input" got invalid value 42 at "input.password"…`). That value may be a password or an
 * MFA answer, and error messages reach logs and clients, so it is cut out; the path stays.
 */
const patterns: Array<[RegExp, string]> = [
  [/^(Variable "\$[^"]+" got invalid value)(?: [\s\S]*?)??( at "[^"]*";|;)/, "$1$2"],
  [/^(Variable "\$[^"]+" got invalid value) (?!at ")[\s\S]*$/, "$1."],
  [/^([\w ]+ cannot represent [\w -]*value): [\s\S]*$/, "$1."],
  [/^(Expected value of type "[^"]+"), found [\s\S]*?(;|$)/, "$1$2"],
];

/** A variable graphql-js could not coerce: `Variable "$input" of required type … was not provided.` and kin. */
const VARIABLE_ERROR = /^Variable "\$/;

/** An unknown enum value is quoted wherever it appears, in a literal or a variable. */
const UNKNOWN_ENUM_VALUE = /Value (?:"(?:[^"\\]|\\.)*"|\S+) does not exist in ("[^"]+" enum)/g;
/** graphql-js's suggestions name schema fields and enum values ("Did you mean the enum value "EN"?"). */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function scrubMessage(message: string, hideSuggestions = false): string {
  let scrubbed = message;
  for (const [pattern, replacement] of patterns) scrubbed = scrubbed.replace(pattern, replacement);
  scrubbed = scrubbed.replace(UNKNOWN_ENUM_VALUE, "Value does not exist in $1");
  if (hideSuggestions) scrubbed = scrubbed.replace(SUGGESTION, "");
  // A nested reason can quote the value again ("…; String cannot represent a non string value: 42").
  return scrubbed.replace(/(cannot represent [\w -]*value): [\s\S]*$/, "$1.");
}

export interface ScrubbedInputErrorsOptions {
  /**
   * Also drop graphql-js's "Did you mean …?" suggestions, which name schema fields and enum values.
   * @default false
   */
  hideSuggestions?: boolean;
}

/**
 * Scrubs every error graphql-js can word from the caller's input: validation (literals), execution
 * (variables of a query or mutation) and subscription (variables of a subscription, coerced by
 * `subscribe`, not `execute`), over POST or GET, streamed or not. Also answers a GET whose `variables` or
 * `extensions` parameter is not JSON with a 400 naming the parameter, where Yoga answered 500.
 */
export function useScrubbedInputErrors({ hideSuggestions = false }: ScrubbedInputErrorsOptions = {}): Plugin {
  const scrub = (error: unknown) => {
    if (!(error instanceof GraphQLError)) return error;
    const message = scrubMessage(error.message, hideSuggestions);
    // graphql-js words a variable's coercion failure (missing, null, wrong type) with no code: every 4xx
    // of the gateway carries one, so a client can branch on it (Apollo Server's code for the same).
    const code = error.extensions.code ?? (VARIABLE_ERROR.test(error.message) ? "BAD_USER_INPUT" : undefined);
    return message === error.message && code === error.extensions.code
      ? error
      : new GraphQLError(message, {
          nodes: error.nodes,
          path: error.path,
          extensions: { ...error.extensions, ...(code !== undefined && { code }) },
        });
  };
  const scrubResult = ({
    result,
    setResult,
  }: {
    result: ExecutionResult;
    setResult: (result: ExecutionResult) => void;
  }) => {
    if (result.errors?.length) {
      setResult({ ...result, errors: result.errors.map((error) => scrub(error) as GraphQLError) });
    }
  };

  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (request.method !== "GET" || !requestParser) return;
      setRequestParser(async (get) => {
        try {
          return await requestParser(get);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          // Node's JSON.parse message quotes the input: never passed on.
          throw createGraphQLError("The variables and extensions parameters must be JSON objects.", {
            extensions: { http: { status: 400 }, code: "BAD_REQUEST" },
          });
        }
      });
    },
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length > 0) setResult(result.map((error) => scrub(error) as GraphQLError));
      };
    },
    onExecute() {
      return {
        onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, scrubResult),
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) return { onNext: scrubResult };
          scrubResult({ result, setResult });
          return undefined;
        },
      };
    },
  };
}
