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
      // Isolated: transport-timeouts fakes the clock before undici starts its tick timer, which a shared
      // module graph would have started already.
      unit: { isolate: true, typecheck: { enabled: true, include: ["test/**/*.test-d.ts"] } },
      contract: { testTimeout: 15_000, hookTimeout: 45_000 },
      // The packed tarball installed outside the workspace (pnpm pack, publint, attw, npm install, tsc,
      // a run against its own Prism): about half a minute, each step bounded in the suite.
      process: { testTimeout: 120_000 },
    }),
  },
});
