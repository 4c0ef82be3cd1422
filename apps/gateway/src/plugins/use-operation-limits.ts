import { EnvelopArmor } from "@escape.tech/graphql-armor";
import type { Plugin } from "graphql-yoga";

/**
 * Limits tuned to this schema: the deepest useful selection (authorize → login → lastRefresh inside
 * fragments) is 5 levels and about 200 tokens. Aliases are capped low because each aliased mutation is
 * another upstream call.
 */
export const OPERATION_LIMITS = {
  maxDepth: 8,
  maxAliases: 3,
  maxDirectives: 10,
  maxTokens: 1_000,
  maxCost: 1_500,
} as const;

export interface OperationLimitsOptions {
  /**
   * Tell the caller which limit and value it broke, and suggest field names. Off in production: limits
   * and schema names help an attacker more than a consumer.
   * @default false
   */
  exposeLimits?: boolean;
}

/** graphql-armor with OPERATION_LIMITS. */
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
  };
}
