// The release step after `changeset version`: copies each contract into packages/breaking-changes/released/ and records the
// versions it belongs to. The breaking-change gates compare the contracts with this snapshot from then on.
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import readChangesets from "@changesets/read";
import { contracts, RELEASE_RECORD, repositoryRoot } from "../src/contracts.js";

const pending = await readChangesets(repositoryRoot);
if (pending.length > 0) {
  console.error(
    `${pending.length} changeset(s) are still pending (${pending.map((changeset) => changeset.id).join(", ")}): ` +
      "run `pnpm changeset version` first, so that what they acknowledge is released with this snapshot.",
  );
  process.exit(1);
}

const versions: Record<string, string> = {};
for (const contract of contracts) {
  await copyFile(join(repositoryRoot, contract.current), join(repositoryRoot, contract.released));
  const manifest = JSON.parse(await readFile(join(repositoryRoot, contract.owner.manifest), "utf8"));
  versions[contract.owner.name] = manifest.version;
  console.log(`${contract.current} → ${contract.released} (${contract.owner.name} ${manifest.version})`);
}
await writeFile(join(repositoryRoot, RELEASE_RECORD), `${JSON.stringify(versions, null, 2)}\n`);
