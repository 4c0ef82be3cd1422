// `pnpm bench [scenario…]`: builds the production bundle from the current sources, runs the scenarios
// named (default: fast, slow and replicas), and writes bench/results.json and bench/results.md. Every process runs
// on 127.0.0.1 and stops with the benchmark, however it ends.
//
//   pnpm bench              fast, slow, replicas
//   pnpm bench fast         gateway vs raw node:http forwarder vs direct client, on a fake Flinks that answers at once
//   pnpm bench slow         gateway and raw forwarder at 500 and 2,000 consumers on a Flinks as slow as the real one
//   pnpm bench levers       the gateway with one thing changed at a time, paired with the shipped one
//   pnpm bench armor        parse + validate of a new document, through the shipped pipeline and without it
//   pnpm bench replicas     1 against 3 replicas behind HAProxy (needs Debian's haproxy)
//   pnpm bench refusals     the CPU cost of refusing the costliest requests under the body cap
//   pnpm bench profile      the gateway's CPU per authorization by layer, under --cpu-prof
//   pnpm bench all          all seven
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitOnSignals } from "@flinks-authorize/kit/processes";
import { buildServer } from "../scripts/build.js";
import { armor } from "./armor.js";
import { fast } from "./fast.js";
import { levers } from "./levers.js";
import { profile } from "./profile.js";
import { refusals } from "./refusals.js";
import { replicas } from "./replicas.js";
import { loadAverage, machine, readResults, writeResults } from "./results.js";
import { slow } from "./slow.js";

const scenarios = { fast, slow, levers, armor, refusals, profile, replicas };
type Name = keyof typeof scenarios;
const DEFAULT: Name[] = ["fast", "slow", "replicas"];

const isName = (word: string): word is Name => Object.hasOwn(scenarios, word);

function chosen(words: string[]): Name[] {
  if (words.length === 0) return DEFAULT;
  if (words.includes("all")) return Object.keys(scenarios) as Name[];
  const unknown = words.filter((word) => !isName(word));
  if (unknown.length > 0) {
    console.error(
      `pnpm bench: no scenario ${unknown.join(", ")}; choose from ${Object.keys(scenarios).join(", ")}, all.`,
    );
    process.exit(2);
  }
  return words.filter(isName);
}

async function main() {
  const names = chosen(process.argv.slice(2));
  exitOnSignals();
  const scratch = mkdtempSync(join(tmpdir(), "gateway-bench-"));
  try {
    const bundle = await buildServer(join(scratch, "server.mjs"));
    const results = readResults();
    for (const name of names) {
      const scenario = scenarios[name];
      const before = loadAverage();
      console.log(`\n${scenario.title} (pnpm bench ${name}); load average ${before.join(", ")}`);
      const started = performance.now();
      const data = await scenario.run({ bundle, scratch });
      results[name] = {
        date: new Date().toISOString(),
        loadAverage: { before, after: loadAverage() },
        machine: machine(),
        data,
      };
      writeResults(results, scenarios);
      console.log(
        `\n${scenario.render(data as never)}\n\n(${((performance.now() - started) / 1_000).toFixed(0)} s)`,
      );
    }
    console.log("\nWrote apps/gateway/bench/results.json and results.md.");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
// autocannon and undici may leave timers behind; the measurements are written.
process.exit(0);
