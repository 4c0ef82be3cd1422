import { readFileSync } from "node:fs";
import { PRODUCTION_NODE_FLAGS } from "@flinks-authorize/kit/gateway";
import { expect, test } from "vitest";

// The production command is written once in the README; the flags it shows are the ones the process
// tests, the benchmark and the soak run the bundle with.
test("the README's production command shows PRODUCTION_NODE_FLAGS", () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  expect(readme).toContain(`node ${PRODUCTION_NODE_FLAGS.join(" ")} apps/gateway/dist/server.mjs`);
});
