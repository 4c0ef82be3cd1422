import { defineBuildConfig } from "unbuild";

// The published artifact: one ESM bundle and its bundled declarations. The workspace itself runs
// src/index.ts directly (package.json `exports`); `publishConfig` points the packed package here.
// No source map: the bundle is unminified, so stack traces already read like the sources.
export default defineBuildConfig({
  entries: ["src/index"],
  outDir: "dist",
  clean: true,
  declaration: "node16",
  rollup: { emitCJS: false },
  failOnWarn: true,
});
