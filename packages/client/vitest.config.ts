import { createRequire } from "node:module";
import { configDefaults, defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/contract/**"],
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"] },
        },
      },
      {
        // Against the Prism mock of the spec, started once per run (or FLINKS_TEST_BASE_URL when set).
        extends: true,
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          globalSetup: [require.resolve("@flinks-authorize/spec/test-support/prism-global-setup")],
          testTimeout: 15_000,
          hookTimeout: 45_000,
        },
      },
    ],
  },
});
