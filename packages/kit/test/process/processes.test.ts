import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { startFakeFlinksProcess } from "../../src/fake-flinks-process.js";
import { waitFor } from "../../src/ports.js";
import { isRunning, spawnNode } from "../../src/processes.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe("spawnNode", () => {
  test("a child gets PATH, HOME and TMPDIR of this environment, its parent's pid, and what it is given", async () => {
    process.env.FLINKS_SECRET_KEY ??= "from a developer's shell";
    const child = spawnNode({ entry: fixture("print-env.mjs"), env: { GIVEN: "1", UNSET: undefined } });
    await child.exited;
    const names = JSON.parse(child.stdout()) as string[];
    expect(names).toContain("GIVEN");
    const expected = ["PATH", "HOME", "TMPDIR", "PARENT_WATCHDOG_PID", "GIVEN"];
    expect(names.filter((name) => !expected.includes(name))).toEqual([]);
  });

  test("stop() sends SIGTERM to the group, then SIGKILL after the grace", async () => {
    const child = spawnNode({ entry: fixture("deaf-to-sigterm.mjs"), graceMs: 300 });
    await waitFor(() => child.stdout().includes("up"), { timeoutMs: 10_000 });
    const started = performance.now();
    expect(await child.stop()).toMatchObject({ code: null, signal: "SIGKILL" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(isRunning(child.pid)).toBe(false);
  });

  test("a child whose parent was SIGKILLed stops by itself (the watchdog)", async () => {
    const parent = spawnNode({ entry: fixture("starts-a-child.ts") });
    await waitFor(() => /^\d+\n/.test(parent.stdout()), { timeoutMs: 20_000 });
    const orphan = Number.parseInt(parent.stdout(), 10);
    expect(isRunning(orphan)).toBe(true);
    process.kill(parent.pid, "SIGKILL");
    expect(await waitFor(() => !isRunning(orphan), { timeoutMs: 5_000, intervalMs: 100 })).toBe(true);
  });
});

describe("the fake Flinks as a process", () => {
  test("answers with its configured latency and reports calls in flight", async () => {
    const fake = await startFakeFlinksProcess({ Authorize: 200 });
    try {
      const url = `${fake.url}/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/Authorize`;
      const calls = [1, 2, 3].map(() => fetch(url, { method: "POST", body: "{}" }).then((r) => r.status));
      await waitFor(async () => (await fake.stats()).inFlight === 3, { timeoutMs: 5_000 });
      expect(await Promise.all(calls)).toEqual([200, 200, 200]);
      expect(await fake.stats()).toEqual({
        calls: { Authorize: 3 },
        inFlight: 0,
        peakInFlight: 3,
        aborted: 0,
      });
      await fake.resetStats();
      expect((await fake.stats()).peakInFlight).toBe(0);
    } finally {
      await fake.stop();
    }
  });
});
