import { defineConfig } from "vitest/config";
import { testProjects } from "./src/test-projects.js";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: testProjects(),
  },
});
