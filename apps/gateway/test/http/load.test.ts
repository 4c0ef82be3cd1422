import { sleep } from "@flinks-authorize/kit/ports";
import { expect, test } from "vitest";
import { monitorLoad } from "../../src/http/load.js";

test("a blocked event loop is seen as lag, shed for, and forgotten once the loop runs freely", async () => {
  const load = monitorLoad(100);
  try {
    await sleep(250);
    // 600 ms of work that never yields: what a starved process looks like from inside.
    const until = performance.now() + 600;
    while (performance.now() < until) {}
    await sleep(150);
    expect(load.lagMs()).toBeGreaterThan(300);
    expect(load.shedding()).toBe(true);
    // The lag decays with each punctual tick; a machine busy with other work still ticks within 100 ms.
    let waited = 0;
    while (load.shedding() && waited < 5_000) {
      await sleep(100);
      waited += 100;
    }
    expect(load.shedding()).toBe(false);
    expect(load.overloaded()).toBe(false);
  } finally {
    load.stop();
  }
});
