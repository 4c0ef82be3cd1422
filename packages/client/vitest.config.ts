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
          exclude: [...configDefaults.exclude, "test/contract/**", "test/package/**"],
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
      {
        // The packed tarball installed outside the workspace (pnpm pack, publint, attw, npm install, tsc,
        // a run against its own Prism): about half a minute, each step bounded in the suite.
        extends: true,
        test: {
          name: "package",
          include: ["test/package/**/*.test.ts"],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
