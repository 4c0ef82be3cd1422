import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/**
 * pnpm's own CLI script (pnpm.cjs), for a test that runs `pnpm start` as a person does: the workspace's
 * own pnpm (a devDependency of the kit, the version of `packageManager`), so that a test never depends on
 * the machine's global pnpm, which may be reinstalled or upgraded under a running suite. Else the pnpm
 * that runs this test (`npm_execpath` under `pnpm test`), else the one on PATH. It is a Node script, so
 * the kit's spawnNode starts it like any other (own process group, clean environment, watchdog).
 */
export function pnpmCli(): string {
  try {
    // pnpm's exports name its package.json alone; its CLI sits beside it.
    return join(dirname(require.resolve("pnpm")), "bin", "pnpm.cjs");
  } catch {
    // Not installed: fall back on the machine's.
  }
  const running = process.env.npm_execpath;
  if (running && /pnpm\.c?js$/.test(running) && existsSync(running)) return running;
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(folder, "pnpm");
    if (!folder || !existsSync(candidate)) continue;
    const script = realpathSync(candidate);
    if (/\.[cm]?js$/.test(script)) return script;
  }
  throw new Error("No pnpm on PATH that runs under node: npm install -g pnpm@10.34.9");
}
