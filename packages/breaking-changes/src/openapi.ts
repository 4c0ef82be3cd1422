import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type ContractChange, describeChange } from "./contracts.js";

/** The members of `redocly diff --format json` (report version 1) that the gate reads. */
interface RedoclyDiffReport {
  reportVersion: string;
  changes: Array<{
    /** JSON pointer of the changed node, through the first operation that reaches it. */
    path: string;
    verdicts?: Array<{
      ruleId: string;
      impact: "major" | "minor" | "patch";
      message: string;
      /** Where the rule looked: the component a $ref leads to, or the operation itself. */
      location?: { pointer: string };
    }>;
  }>;
}

const require = createRequire(import.meta.url);

/** Redocly's CLI entry, from the `bin` of the version this package pins (the diff command is experimental). */
function redoclyBin(): string {
  const manifestPath = require.resolve("@redocly/cli/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: Record<string, string> };
  const bin = manifest.bin.redocly;
  if (!bin) throw new Error(`@redocly/cli at ${manifestPath} has no "redocly" bin.`);
  return join(dirname(manifestPath), bin);
}

function runDiff(base: string, revision: string, config: string): Promise<string> {
  const args = [redoclyBin(), "diff", base, revision, "--config", config, "--format", "json"];
  // --fail-on none: the exit code then says only whether the tool worked; the verdicts are read below.
  args.push("--fail-on", "none");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      {
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: "off",
          REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
          NO_COLOR: "1",
        },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`redocly diff failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/**
 * The changes from `base` to `revision` that `redocly diff` rates major (its `diff-recommended` rules):
 * a removed path, operation, response or property, a lost enum value in a request, a new required
 * request property, a narrowed or changed type or constraint, and the like.
 */
export async function openapiBreakingChanges(
  base: string,
  revision: string,
  redoclyConfig: string,
): Promise<ContractChange[]> {
  const output = await runDiff(base, revision, redoclyConfig);
  const report = JSON.parse(output) as RedoclyDiffReport;
  if (report.reportVersion !== "1") {
    throw new Error(`redocly diff wrote report version ${report.reportVersion}; this gate reads version 1.`);
  }
  const found = new Map<string, ContractChange>();
  for (const change of report.changes) {
    for (const verdict of change.verdicts ?? []) {
      if (verdict.impact !== "major") continue;
      const description = describeChange(verdict.message, verdict.location?.pointer ?? change.path);
      found.set(description, { contract: "OpenAPI", description });
    }
  }
  return [...found.values()];
}
