import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * graphql-js quotes the offending value when a variable or literal has the wrong type
 * (`Variable "$input" got invalid value 42 at "input.password"…`). That value may be a password or an
 * MFA answer, and error messages reach logs and clients, so it is cut out; the path stays.
 */
const patterns: Array<[RegExp, string]> = [
  [/^(Variable "\$[^"]+" got invalid value) [\s\S]*?( at "[^"]*";|;)/, "$1$2"],
  [/^(Variable "\$[^"]+" got invalid value) (?!at ")[\s\S]*$/, "$1."],
  [/^([\w ]+ cannot represent [\w -]*value): [\s\S]*$/, "$1."],
  [/^(Expected value of type "[^"]+"), found [\s\S]*?(;|$)/, "$1$2"],
];

export function scrubMessage(message: string): string {
  let scrubbed = message;
  for (const [pattern, replacement] of patterns) scrubbed = scrubbed.replace(pattern, replacement);
  // A nested reason can quote the value again ("…; String cannot represent a non string value: 42").
  return scrubbed.replace(/(cannot represent [\w -]*value): [\s\S]*$/, "$1.");
}

const scrub = (error: unknown) =>
  error instanceof GraphQLError && scrubMessage(error.message) !== error.message
    ? new GraphQLError(scrubMessage(error.message), {
        nodes: error.nodes,
        path: error.path,
        extensions: error.extensions,
      })
    : error;

export function useScrubbedInputErrors(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length > 0) setResult(result.map((error) => scrub(error) as GraphQLError));
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if ("errors" in result && result.errors?.length) {
            setResult({ ...result, errors: result.errors.map((error) => scrub(error) as GraphQLError) });
          }
        },
      };
    },
  };
}
