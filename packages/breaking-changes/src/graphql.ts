import { CriticalityLevel, diff } from "@graphql-inspector/core";
import { buildSchema } from "graphql";
import { type ContractChange, describeChange } from "./contracts.js";

export interface GraphqlChanges {
  /** What graphql-inspector rates breaking: a removed field, type, argument or enum value, a new required argument or input field, a changed type. */
  breaking: ContractChange[];
  /** What it rates dangerous (a new union member or enum value, a changed default): reported, never gating. */
  dangerous: ContractChange[];
}

/** The changes between two printed schemas, rated by graphql-inspector. */
export async function graphqlChanges(baseSdl: string, revisionSdl: string): Promise<GraphqlChanges> {
  const changes = await diff(buildSchema(baseSdl), buildSchema(revisionSdl));
  const rated = (level: CriticalityLevel) =>
    changes
      .filter((change) => change.criticality.level === level)
      .map((change) => ({
        contract: "GraphQL" as const,
        description: describeChange(change.message, change.path ?? "schema"),
      }));
  return { breaking: rated(CriticalityLevel.Breaking), dangerous: rated(CriticalityLevel.Dangerous) };
}
