import { expect, test } from "vitest";
import { checkBreakingChanges } from "../src/gate.js";

test("the contracts break nothing since the last release that a pending changeset does not acknowledge", async () => {
  const { failures, acknowledged, dangerous } = await checkBreakingChanges();
  for (const change of acknowledged)
    console.info(`acknowledged, breaking: ${change.contract}: ${change.description}`);
  for (const change of dangerous)
    console.info(`dangerous (not gating): ${change.contract}: ${change.description}`);
  expect(failures, failures.join("\n\n")).toEqual([]);
});
