// Bundles the gateway (with the workspace client) into dist/server.mjs, run by plain `node` in
// production: no TypeScript loader at run time (docs/contributors/performance.md). What is imported only on demand
// goes to dist/chunks/ beside it: GraphiQL's 9 MB page (src/graphiql.ts), which a production gateway with
// GraphiQL off never loads, so it costs neither start-up time nor heap. Deploy dist/ as a whole.
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export async function buildServer(
  outfile = fileURLToPath(new URL("../dist/server.mjs", import.meta.url)),
  /** Another entry bundled the same way (the benchmark's gateway variants). */
  entry = fileURLToPath(new URL("../src/main.ts", import.meta.url)),
) {
  await build({
    entryPoints: [entry],
    outdir: dirname(outfile),
    entryNames: basename(outfile, ".mjs"),
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    // Some bundled CommonJS dependencies call require() for Node built-ins, which ESM output lacks.
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built ${await buildServer()}`);
}
