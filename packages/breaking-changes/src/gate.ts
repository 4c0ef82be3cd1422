import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type Acknowledgement,
  breakingBumps,
  breakingBumpsInWords,
  readAcknowledgements,
} from "./acknowledgements.js";
import {
  type Contract,
  type ContractChange,
  contracts,
  REDOCLY_CONFIG,
  RELEASE_RECORD,
  repositoryRoot,
} from "./contracts.js";
import { graphqlChanges } from "./graphql.js";
import { openapiBreakingChanges } from "./openapi.js";

export interface GateResult {
  /** Each a complete message naming the change and what to do; the gates pass when it is empty. */
  failures: string[];
  /** Breaking changes since the release that a pending changeset acknowledges. */
  acknowledged: ContractChange[];
  /** GraphQL changes graphql-inspector rates dangerous: reported for review, never gating. */
  dangerous: ContractChange[];
}

const readText = (root: string, path: string) => readFile(join(root, path), "utf8");
const readVersion = async (root: string, manifest: string) =>
  (JSON.parse(await readText(root, manifest)) as { version: string }).version;

async function breakingChanges(
  root: string,
  contract: Contract,
): Promise<{ breaking: ContractChange[]; dangerous: ContractChange[] }> {
  const [released, current] = await Promise.all([
    readText(root, contract.released),
    readText(root, contract.current),
  ]);
  // Right after a release nothing differs: no need to start redocly.
  if (released === current) return { breaking: [], dangerous: [] };
  if (contract.name === "OpenAPI") {
    const breaking = await openapiBreakingChanges(
      join(root, contract.released),
      join(root, contract.current),
      join(repositoryRoot, REDOCLY_CONFIG),
    );
    return { breaking, dangerous: [] };
  }
  return graphqlChanges(released, current);
}

const acknowledgementLine = (change: ContractChange) =>
  `- Breaking (${change.contract}): ${change.description}`;

/**
 * Compares each contract with its snapshot in `released/` and fails on every breaking change that no
 * pending changeset acknowledges with a breaking bump of the contract's owner; also on acknowledgements
 * that match no change (a typo, or a change since undone), and on a snapshot left behind by a release.
 */
export async function checkBreakingChanges(root = repositoryRoot): Promise<GateResult> {
  const failures: string[] = [];
  const acknowledged: ContractChange[] = [];
  const dangerous: ContractChange[] = [];
  const released = JSON.parse(await readText(root, RELEASE_RECORD)) as Record<string, string>;
  const acknowledgements = await readAcknowledgements(root);
  const used = new Set<Acknowledgement>();

  for (const contract of contracts) {
    const version = await readVersion(root, contract.owner.manifest);
    if (released[contract.owner.name] !== version) {
      failures.push(
        `${RELEASE_RECORD} holds the contracts of ${contract.owner.name} ${released[contract.owner.name]}, ` +
          `but ${contract.owner.manifest} says ${version}: after \`changeset version\`, run \`pnpm release:snapshot\`.`,
      );
    }
    const changes = await breakingChanges(root, contract);
    dangerous.push(...changes.dangerous);
    const unacknowledged: ContractChange[] = [];
    for (const change of changes.breaking) {
      const matching = acknowledgements.filter(
        (ack) => ack.contract === change.contract && ack.description === change.description,
      );
      for (const ack of matching) used.add(ack);
      const valid = matching.find((ack) =>
        breakingBumps(version).includes(ack.bumps.get(contract.owner.name) ?? "none"),
      );
      if (valid) {
        acknowledged.push(change);
      } else if (matching.length > 0) {
        failures.push(
          `${contract.name}: ${change.description}\n  is acknowledged in ${matching.map((ack) => ack.changeset).join(", ")}, ` +
            `which must bump ${contract.owner.name} (${version}) by ${breakingBumpsInWords(version)}.`,
        );
      } else {
        unacknowledged.push(change);
      }
    }
    if (unacknowledged.length > 0) {
      failures.push(
        [
          `${contract.name}: ${unacknowledged.length} breaking change(s) since the release of ${contract.owner.name} ${released[contract.owner.name]} (${contract.released} → ${contract.current}):`,
          ...unacknowledged.map((change) => `  ${change.description}`),
          `If they are meant, acknowledge each in a changeset (\`pnpm changeset\`) that bumps ${contract.owner.name} by ` +
            `${breakingBumpsInWords(version)}, with these lines in its summary:`,
          ...unacknowledged.map((change) => `  ${acknowledgementLine(change)}`),
        ].join("\n"),
      );
    }
  }

  for (const ack of acknowledgements) {
    if (used.has(ack)) continue;
    failures.push(
      `${ack.changeset} acknowledges a breaking ${ack.contract} change that the gate does not find:\n` +
        `  ${ack.description}\n  Quote the change as the gate prints it, or remove the line if the change was undone.`,
    );
  }
  return { failures, acknowledged, dangerous };
}
