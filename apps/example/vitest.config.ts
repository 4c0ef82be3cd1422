import { tsImport } from "tsx/esm/api";
import { defineConfig } from "vitest/config";

// Vite bundles this file but leaves packages to Node, which cannot load the kit's TypeScript: tsx does.
const { testProjects }: typeof import("@flinks-authorize/kit/test-projects") = await tsImport(
  "@flinks-authorize/kit/test-projects",
  import.meta.url,
);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // The browser test builds the app and starts Prism, the gateway and a preview server first.
    hookTimeout: 180_000,
    // No contract suite here: the browser test starts its own Prism.
    projects: testProjects().filter((project) => project.test?.name !== "contract"),
  },
});
