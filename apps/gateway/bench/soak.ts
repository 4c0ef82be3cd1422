// `pnpm soak`: a bounded soak of the gateway as shipped, loopback only. The production bundle is built
// from the current sources and run with the production flags and settings against a fake Flinks that
// answers at once, or as slowly as Flinks (its own process); autocannon drives the authorize mutation
// at SOAK_CONNECTIONS (100) for SOAK_SECONDS (default 30, at most 300). Prints totals, latency and the
// gateway's RSS after warm-up, over time and at the end, then PASS (exit 0) or FAIL (exit 1) against:
// 0 errors, RSS growth < 10 %.
//
//   pnpm soak
//   SOAK_SECONDS=120 pnpm soak
//   SOAK_SECONDS=120 SOAK_CONNECTIONS=500 SOAK_TOKEN_MS=50 SOAK_AUTHORIZE_MS=1500 pnpm soak   # Flinks-like
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeFlinksProcess } from "@flinks-authorize/kit/fake-flinks-process";
import { exitOnSignals } from "@flinks-authorize/kit/processes";
import { rssBytes } from "@flinks-authorize/kit/rss";
import autocannon from "autocannon";
import { buildServer } from "../scripts/build.js";
import { intEnv } from "./settings.js";
import { isAuthorized, MUTATION, REQUEST_HEADERS, shippedGateway, startTarget } from "./targets.js";

const MAX_RSS_GROWTH = 0.1;

const mib = (bytes: number | undefined) =>
  bytes === undefined ? "n/a" : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<number> {
  const seconds = intEnv("SOAK_SECONDS", 30, 5, 300);
  const connections = intEnv("SOAK_CONNECTIONS", 100, 1, 2_000);
  const latencyMs = {
    GenerateAuthorizeToken: intEnv("SOAK_TOKEN_MS", 0, 0, 10_000),
    Authorize: intEnv("SOAK_AUTHORIZE_MS", 0, 0, 10_000),
  };
  // V8 grows its heap for the first ~10 s under this load before RSS levels off; growth is measured after.
  const warmUpMs = Math.max(12_000, Math.round(seconds * 400));
  const scratch = mkdtempSync(join(tmpdir(), "gateway-soak-"));
  const upstream = await startFakeFlinksProcess(latencyMs);
  try {
    const bundle = await buildServer(join(scratch, "server.mjs"));
    const gateway = await startTarget(shippedGateway(bundle), upstream.url);
    try {
      const url = `${gateway.url}/graphql`;
      console.log(
        `soak: ${seconds} s, ${connections} connections, no pipelining → ${url} (pid ${gateway.pid}); ` +
          `Flinks answers the token in ${latencyMs.GenerateAuthorizeToken} ms, Authorize in ${latencyMs.Authorize} ms; ` +
          `load average ${loadavg()
            .map((load) => load.toFixed(2))
            .join(", ")}`,
      );
      // Once a second for the peak; every tenth of the run kept, so a plateau tells itself from a leak.
      let peak = 0;
      let warm: number | undefined;
      const series: string[] = [];
      let tick = 0;
      const sampler = setInterval(() => {
        tick++;
        const rss = rssBytes(gateway.pid);
        peak = Math.max(peak, rss ?? 0);
        if (tick % Math.max(1, Math.round(seconds / 10)) === 0) {
          series.push(`${tick}s ${rss === undefined ? "n/a" : (rss / 2 ** 20).toFixed(0)}`);
        }
      }, 1_000);
      const warmUp = setTimeout(() => {
        warm = rssBytes(gateway.pid);
        console.log(`soak: RSS after ${warmUpMs / 1_000} s warm-up: ${mib(warm)}`);
      }, warmUpMs);
      const result = await autocannon({
        url,
        method: "POST",
        headers: REQUEST_HEADERS,
        body: JSON.stringify({ query: MUTATION }),
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        verifyBody: (body) => isAuthorized(String(body)),
      });
      clearInterval(sampler);
      clearTimeout(warmUp);
      const end = rssBytes(gateway.pid);
      const alive = gateway.running();
      // Every non-2xx body is also not Authorized: errors = socket errors + answers that are not Authorized.
      const errors = result.errors + result.mismatches;
      const growth = warm && end !== undefined ? (end - warm) / warm : undefined;
      const errorsPass = errors === 0 && result.requests.total > 0 && alive;
      const rssPass = growth !== undefined && growth < MAX_RSS_GROWTH;

      console.log(`total requests:      ${result.requests.total} (sent ${result.requests.sent})`);
      console.log(
        `errors:              ${errors} (socket errors ${result.errors} incl. timeouts ${result.timeouts}, non-2xx ${result.non2xx}, not Authorized ${result.mismatches})`,
      );
      console.log(`throughput:          ${result.requests.average.toFixed(1)} req/s`);
      console.log(
        `latency:             p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (max ${result.latency.max} ms)`,
      );
      console.log(`upstream calls:      ${JSON.stringify((await upstream.stats()).calls)}`);
      console.log(`RSS after warm-up:   ${mib(warm)}`);
      console.log(`RSS at end:          ${mib(end)} (peak ${mib(peak || undefined)})`);
      console.log(`RSS over time (MiB): ${series.join(", ")}`);
      console.log(`RSS growth:          ${growth === undefined ? "n/a" : `${(growth * 100).toFixed(1)} %`}`);
      console.log(
        `load average after:  ${loadavg()
          .map((load) => load.toFixed(2))
          .join(", ")}`,
      );
      console.log(
        `goal 0 errors:       ${errorsPass ? "PASS" : "FAIL"}${alive ? "" : " (the gateway died)"}`,
      );
      console.log(`goal RSS growth < ${MAX_RSS_GROWTH * 100} %: ${rssPass ? "PASS" : "FAIL"}`);
      const pass = errorsPass && rssPass;
      console.log(`soak: ${pass ? "PASS" : "FAIL"}`);
      if (!pass) console.log(`last gateway output:\n${gateway.output().slice(-4_000)}`);
      return pass ? 0 : 1;
    } finally {
      await gateway.stop(12_000);
    }
  } catch (error) {
    console.error(`soak: FAIL: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await upstream.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

exitOnSignals();
process.exit(await main());
