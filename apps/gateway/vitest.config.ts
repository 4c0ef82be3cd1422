import { createRequire } from "node:module";
import { tsImport } from "tsx/esm/api";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);
// Vite bundles this file but leaves packages to Node, which cannot load the kit's TypeScript: tsx does.
const { testProjects }: typeof import("@flinks-authorize/kit/test-projects") = await tsImport(
  "@flinks-authorize/kit/test-projects",
  import.meta.url,
);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node, and so Pothos and Yoga, load the CJS one;
    // Vite would give our code the ESM one, and graphql refuses types from "another realm". One copy.
    // Shared by every project (`extends: true`).
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    // Process tests start servers; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: testProjects({ process: { globalSetup: ["test/process/build-bundle.ts"] } }),
  },
});
