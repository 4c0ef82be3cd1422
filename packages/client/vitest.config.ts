import { tsImport } from "tsx/esm/api";
import { defineConfig } from "vitest/config";

// Vite bundles this file but leaves packages to Node, which cannot load the kit's TypeScript: tsx does.
const { testProjects }: typeof import("@flinks-authorize/kit/test-projects") = await tsImport(
  "@flinks-authorize/kit/test-projects",
  import.meta.url,
);

export default defineConfig({
  test: {
    projects: testProjects({
      unit: { typecheck: { enabled: true, include: ["test/**/*.test-d.ts"] } },
      contract: { testTimeout: 15_000, hookTimeout: 45_000 },
    }),
  },
});
