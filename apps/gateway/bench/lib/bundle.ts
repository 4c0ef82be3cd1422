import { build } from "esbuild";

/**
 * Bundles a bench entry (bench/gateway-variant.ts) exactly like scripts/build.ts bundles src/server.ts
 * for production, so lever variants run as the shipped artifact does: one ESM file under plain node.
 */
export async function bundleEntry(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
  });
  return outfile;
}
