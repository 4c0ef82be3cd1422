import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql-inspector loads graphql's CommonJS build (what Node resolves); Vite would give the gate the
    // ESM one, and graphql refuses a schema built by "another realm". One copy, as in the gateway.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    // Each OpenAPI comparison starts redocly (about 1.5 s alone, more on a busy machine).
    testTimeout: 60_000,
  },
});
