import { createRequire } from "node:module";
import { configDefaults, defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node, and so Pothos and Yoga, load the CJS one;
    // Vite would give our code the ESM one, and graphql refuses types from "another realm". One copy.
    // Shared by both projects below (`extends: true`).
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    // Process-level tests start servers; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/contract/**"],
        },
      },
      {
        // GraphQL → gateway → Prism: one mock Prism per run (or FLINKS_TEST_BASE_URL when set).
        extends: true,
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          globalSetup: [require.resolve("@flinks-authorize/spec/test-support/prism-global-setup")],
        },
      },
    ],
  },
});
