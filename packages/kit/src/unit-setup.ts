// Setup file of every `unit` project (test-projects.ts): a unit test that starts a process fails, naming
// where it belongs. Tests import child_process as a built-in module, so they see these replacements.
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";

const starters = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;
for (const name of starters) {
  Object.assign(childProcess, {
    [name]: () => {
      throw new Error(`A unit test started a process (child_process.${name}): it belongs in test/process/.`);
    },
  });
}
syncBuiltinESMExports();
