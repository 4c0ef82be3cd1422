import { describe, expect, it } from "vitest";
import { createRestartBackoff, workerCount } from "../src/workers.js";

describe("workerCount", () => {
  it("a number is taken as is; auto is one per core, at least one", () => {
    expect(workerCount(1, 8)).toBe(1);
    expect(workerCount(3, 8)).toBe(3);
    expect(workerCount("auto", 8)).toBe(8);
    expect(workerCount("auto", 0)).toBe(1);
  });
});

describe("createRestartBackoff", () => {
  const options = { firstMs: 100, maxMs: 1_000, stableMs: 60_000 };

  it("doubles the wait for each crash in a row, up to the maximum", () => {
    const next = createRestartBackoff(options);
    expect([5, 5, 5, 5, 5, 5].map((lived) => next(lived))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it("starts over after a worker that ran past stableMs", () => {
    const next = createRestartBackoff(options);
    next(5);
    next(5);
    expect(next(5)).toBe(400);
    expect(next(60_000)).toBe(100);
    expect(next(5)).toBe(200);
  });

  it("stays finite through a long crash loop", () => {
    const next = createRestartBackoff(options);
    for (let i = 0; i < 2_000; i++) next(1);
    expect(next(1)).toBe(1_000);
  });
});
