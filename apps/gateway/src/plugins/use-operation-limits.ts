import { EnvelopArmor } from "@escape.tech/graphql-armor";
import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { sessionFieldNames } from "../schema/session-fields.js";

/**
 * What one operation may ask for, checked before anything runs: graphql-armor's depth, alias, directive,
 * token and cost limits, tuned to this schema, and at most one session field per mutation.
 *
 * The deepest useful selection (authorize → login → lastRefresh inside fragments) is 5 levels and about
 * 200 tokens. Aliases are capped low because each aliased mutation is another upstream call.
 */
export const OPERATION_LIMITS = {
  maxDepth: 8,
  maxAliases: 3,
  maxDirectives: 10,
  maxTokens: 1_000,
  maxCost: 1_500,
  /**
   * Root mutation fields one operation may select. Each reaches Flinks (a token and an Authorize for
   * `authorize`, one call for the others), so this bounds what one HTTP request makes Flinks do: alias
   * limits alone let one request make five Authorize calls (four aliased `authorize` and a `submitMfa`).
   */
  maxSessionFields: 1,
} as const;

export interface OperationLimitsOptions {
  /**
   * Tell the caller which limit and value it broke, and suggest field names. Off in production: limits
   * and schema names help an attacker more than a consumer.
   * @default false
   */
  exposeLimits?: boolean;
}

export function useOperationLimits({ exposeLimits = false }: OperationLimitsOptions = {}): Plugin {
  const armor = new EnvelopArmor({
    maxDepth: { n: OPERATION_LIMITS.maxDepth, exposeLimits, flattenFragments: true },
    maxAliases: { n: OPERATION_LIMITS.maxAliases, exposeLimits },
    maxDirectives: { n: OPERATION_LIMITS.maxDirectives, exposeLimits },
    maxTokens: { n: OPERATION_LIMITS.maxTokens, exposeLimits },
    costLimit: { maxCost: OPERATION_LIMITS.maxCost, exposeLimits },
    blockFieldSuggestion: { enabled: !exposeLimits },
  }).protect();
  return {
    onPluginInit({ addPlugin }) {
      for (const plugin of armor.plugins) addPlugin(plugin as Plugin);
    },
    onValidate({ addValidationRule }) {
      addValidationRule(sessionFieldRule);
    },
  };
}

/** Counts the root fields of a mutation, through aliases and fragments. */
function sessionFieldRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation !== "mutation") return;
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const max = OPERATION_LIMITS.maxSessionFields;
      if (rootFields(operation.selectionSet, fragments, new Set()) > max) {
        const names = sessionFieldNames(context.getSchema(), "Mutation").join(", ");
        context.reportError(
          new GraphQLError(
            `A mutation may select at most ${max} session field${max === 1 ? "" : "s"} (${names}): send one per request.`,
            { nodes: [operation], extensions: { code: "TOO_MANY_SESSION_CALLS" } },
          ),
        );
      }
    },
  };
}

function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== "__typename") count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootFields(selection.selectionSet, fragments, visiting);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A cycle is graphql-js's own validation error; count it once.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      count += rootFields(fragment.selectionSet, fragments, visiting);
      visiting.delete(name);
    }
  }
  return count;
}
