import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import type { Plugin } from "graphql-yoga";

export interface SessionCallLimitOptions {
  /**
   * Root mutation fields one operation may select. Each reaches Flinks (a token and an Authorize for
   * `authorize`, one call for the others), so this bounds what one HTTP request makes Flinks do.
   * @default 1
   */
  maxFields?: number;
}

/**
 * Counts the root fields of a mutation, through aliases and fragments, and refuses the operation before
 * anything runs when it selects more than `maxFields`. Alias limits alone let one request make five
 * Authorize calls (four aliased `authorize` and a `submitMfa`).
 */
export function useSessionCallLimit({ maxFields = 1 }: SessionCallLimitOptions = {}): Plugin {
  const rule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      if (operation.operation !== "mutation") return;
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const count = rootFields(operation.selectionSet, fragments, new Set());
      if (count > maxFields) {
        context.reportError(
          new GraphQLError(
            `A mutation may select at most ${maxFields} session field${maxFields === 1 ? "" : "s"} (authorize, submitMfa, continueAuthorization): send one per request.`,
            { nodes: [operation], extensions: { code: "TOO_MANY_SESSION_CALLS" } },
          ),
        );
      }
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
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
