import readChangesets from "@changesets/read";
import type { ContractName } from "./contracts.js";

/** A breaking change a pending changeset names, with what that changeset does to each package. */
export interface Acknowledgement {
  contract: ContractName;
  /** The change's description as the gate prints it. */
  description: string;
  /** `.changeset/<id>.md`. */
  changeset: string;
  /** Each package the changeset bumps, and by what. */
  bumps: ReadonlyMap<string, "major" | "minor" | "patch" | "none">;
}

/**
 * One acknowledgement per line of a changeset's summary, as a list item:
 * `- Breaking (OpenAPI): <description>` or `- Breaking (GraphQL): <description>`.
 * It lands in the CHANGELOG as written, and `changeset version` deletes it with its changeset.
 */
const ACKNOWLEDGEMENT = /^[ \t]*[-*][ \t]+Breaking \((OpenAPI|GraphQL)\):[ \t]*(.*?)[ \t]*$/gm;

/** Every acknowledgement in the pending changesets of `root/.changeset`, read the way changesets reads them. */
export async function readAcknowledgements(root: string): Promise<Acknowledgement[]> {
  const changesets = await readChangesets(root);
  return changesets.flatMap((changeset) => {
    const bumps = new Map(changeset.releases.map((release) => [release.name, release.type] as const));
    return [...changeset.summary.matchAll(ACKNOWLEDGEMENT)].map(([, contract, description]) => ({
      contract: contract as ContractName,
      description: description ?? "",
      changeset: `.changeset/${changeset.id}.md`,
      bumps,
    }));
  });
}

/**
 * The bumps that tell users a change breaks them: major, or minor while the version is 0.x (semver gives
 * 0.x no compatibility promise, and a minor is how this project marks a break before 1.0).
 */
export const breakingBumps = (currentVersion: string): readonly string[] =>
  currentVersion.startsWith("0.") ? ["minor", "major"] : ["major"];

/** The breaking bumps of a version, as the gate's messages say them. */
export const breakingBumpsInWords = (currentVersion: string): string =>
  currentVersion.startsWith("0.") ? "minor (it is 0.x) or major" : "major";
