import { startFakeFlinksProcess } from "@flinks-authorize/kit/fake-flinks-process";
import { cpuMs, rssBytes, sampleRss } from "@flinks-authorize/kit/rss";
import { closedLoop, percentile } from "./load.js";
import { type Goal, goalLines, mb, num, type Scenario, table } from "./results.js";
import { intEnv, listEnv } from "./settings.js";
import { rawForwarder, shippedGateway, startTarget, type Target } from "./targets.js";

/**
 * `pnpm bench slow` (issue 9): capacity against an upstream as slow as Flinks, which answers
 * GenerateAuthorizeToken in tens of milliseconds and Authorize in seconds. The fake Flinks, in its own
 * process, answers after SLOW_TOKEN_MS (50) and SLOW_AUTHORIZE_MS (2,000); the gateway as shipped and the
 * raw forwarder are each driven by C closed-loop consumers for SLOW_SECONDS (40), C = 500 and 2,000.
 *
 * There, capacity is concurrency. By Little's law, C consumers each waiting at least
 * L = L_token + L_authorize per authorization complete at most C / L per second. The consumers start
 * evenly over the first L seconds and no answer can arrive sooner than L after a start, so every consumer
 * is in its loop from 2L on: the rate is the Authorized answers received from 2L to the end, divided by
 * (duration − 2L). The share of the limit is that rate ÷ (C / L).
 *
 * For a quicker look while tuning: SLOW_CONSUMERS (e.g. 2000) and SLOW_TARGETS (raw, gateway) narrow the
 * run, and GATEWAY_NODE_FLAGS replaces the production node flags (e.g. "--max-old-space-size=256").
 */
const KEYS = ["raw", "gateway"] as const;

export interface SlowRun {
  target: string;
  consumers: number;
  durationMs: number;
  /** Authorized answers in the window, per second, and as a share of C / L. */
  ratePerSecond: number;
  limitPerSecond: number;
  share: number;
  p50Ms: number;
  p99Ms: number;
  /** GraphQL errors, results other than Authorized, and requests that got no HTTP answer. */
  errors: number;
  /** Of the errors, those without an HTTP answer (refused, reset). */
  noAnswer: number;
  non2xx: number;
  /** Requests still waiting at the end, abandoned (not counted as errors). */
  unanswered: number;
  /** Upstream calls in flight at the fake Flinks, at the most. */
  peakUpstreamInFlight: number;
  rssIdle?: number;
  rssPeak?: number;
  /** The server's CPU time (user + system) per Authorized answer over the whole run, in ms. */
  cpuMsPerAuthorization?: number;
  /** Set when the server did not survive the run: the end of what it wrote to stderr. */
  died?: string;
}

export interface SlowData {
  latencyMs: { GenerateAuthorizeToken: number; Authorize: number };
  runs: SlowRun[];
}

/** Why a server died, from its stderr: V8's fatal line when there is one, else its last line. */
const lastWords = (stderr: string) =>
  /^.*(FATAL ERROR|Error:).*$/m.exec(stderr)?.[0].trim() ?? stderr.trim().split("\n").at(-1) ?? "exited";

export const slow: Scenario<SlowData> = {
  title: "Slow upstream: concurrency against Little's law",
  async run({ bundle }) {
    const latencyMs = {
      GenerateAuthorizeToken: intEnv("SLOW_TOKEN_MS", 50, 0, 60_000),
      Authorize: intEnv("SLOW_AUTHORIZE_MS", 2_000, 0, 60_000),
    };
    const seconds = intEnv("SLOW_SECONDS", 40, 5, 120);
    const upstreamLatency = latencyMs.GenerateAuthorizeToken + latencyMs.Authorize;
    const flags = process.env.GATEWAY_NODE_FLAGS?.trim();
    const gateway = shippedGateway(bundle);
    const targets: Record<(typeof KEYS)[number], Target> = {
      raw: rawForwarder,
      gateway:
        flags === undefined
          ? gateway
          : { label: `${gateway.label}, ${flags}`, run: { ...gateway.run, nodeArgs: flags.split(/\s+/) } },
    };
    const upstream = await startFakeFlinksProcess(latencyMs);
    const runs: SlowRun[] = [];
    try {
      for (const consumers of listEnv("SLOW_CONSUMERS", ["500", "2000"]).map(Number)) {
        for (const key of KEYS.filter((target) => listEnv("SLOW_TARGETS", [...KEYS]).includes(target))) {
          const server = await startTarget(targets[key], upstream.url);
          try {
            const rssIdle = rssBytes(server.pid);
            const rss = sampleRss(server.pid);
            await upstream.resetStats();
            const cpuBefore = cpuMs(server.pid);
            const run = await closedLoop(server.url, { consumers, seconds, rampMs: upstreamLatency });
            const cpuAfter = cpuMs(server.pid);
            const { peak: rssPeak } = rss.stop();
            const authorizedAnswers = run.answered.filter((answer) => answer.outcome === "authorized").length;
            const windowStart = 2 * upstreamLatency;
            const inWindow = run.answered.filter(
              (answer) => answer.outcome === "authorized" && answer.at >= windowStart,
            ).length;
            const ratePerSecond = inWindow / ((run.durationMs - windowStart) / 1_000);
            const limitPerSecond = consumers / (upstreamLatency / 1_000);
            const latencies = run.answered.map((answer) => answer.latencyMs).sort((a, b) => a - b);
            const result: SlowRun = {
              target: targets[key].label,
              consumers,
              durationMs: run.durationMs,
              ratePerSecond,
              limitPerSecond,
              share: ratePerSecond / limitPerSecond,
              p50Ms: percentile(latencies, 50),
              p99Ms: percentile(latencies, 99),
              errors:
                run.transportErrors + run.answered.filter((answer) => answer.outcome === "error").length,
              noAnswer: run.transportErrors,
              non2xx: run.answered.filter((answer) => answer.outcome === "non2xx").length,
              unanswered: run.unanswered,
              peakUpstreamInFlight: (await upstream.stats()).peakInFlight,
              ...(rssIdle !== undefined && { rssIdle }),
              ...(rssPeak !== undefined && { rssPeak }),
              ...(cpuBefore !== undefined &&
                cpuAfter !== undefined &&
                authorizedAnswers > 0 && {
                  cpuMsPerAuthorization: (cpuAfter - cpuBefore) / authorizedAnswers,
                }),
              ...(!server.running() && { died: lastWords(server.stderr()) }),
            };
            runs.push(result);
            console.log(
              `  ${key} C=${consumers}: ${num(ratePerSecond, 1)}/s = ${num(result.share, 2)} of ${num(limitPerSecond, 1)}/s, p50 ${num(result.p50Ms)} ms, ${result.errors} errors, ${result.non2xx} non-2xx, ${num(result.cpuMsPerAuthorization, 2)} CPU ms per authorization, RSS peak ${num(mb(result.rssPeak), 1)} MB`,
            );
          } finally {
            await server.stop();
          }
        }
      }
    } finally {
      await upstream.stop();
    }
    return { latencyMs, runs };
  },
  render({ latencyMs, runs }) {
    const upstreamLatency = latencyMs.GenerateAuthorizeToken + latencyMs.Authorize;
    const rows = runs.map((run) => [
      run.target,
      num(run.consumers),
      num(run.ratePerSecond, 1),
      num(run.limitPerSecond, 1),
      num(run.share, 2),
      num(run.p50Ms),
      num(run.p99Ms),
      `${num(run.errors)} (${num(run.noAnswer)}) / ${num(run.non2xx)}`,
      num(run.unanswered),
      num(run.peakUpstreamInFlight),
      num(mb(run.rssPeak), 1),
      num(run.cpuMsPerAuthorization, 2),
      num(
        run.rssPeak !== undefined && run.rssIdle !== undefined
          ? (run.rssPeak - run.rssIdle) / run.consumers / 1024
          : undefined,
        1,
      ),
      run.died === undefined ? "yes" : `**no**: ${run.died.slice(0, 160)}`,
    ]);
    const at = (target: string, consumers: number) =>
      runs.find((run) => run.target.startsWith(target) && run.consumers === consumers);
    const gateway = at("gateway", 2_000);
    const raw = at("raw", 2_000);
    const goals: Goal[] = gateway
      ? [
          {
            name: "gateway at 2,000 consumers, share of C / L",
            measured: gateway.share,
            unit: "",
            atLeast: 0.9,
          },
          {
            name: "gateway errors and non-2xx at 2,000",
            measured: gateway.errors + gateway.non2xx,
            unit: "",
            atMost: 0,
            digits: 0,
          },
          {
            name: "gateway RSS peak at 2,000",
            measured: mb(gateway.rssPeak) ?? Number.NaN,
            unit: " MB",
            atMost: 300,
            digits: 0,
          },
        ]
      : [];
    return [
      `Fake Flinks: GenerateAuthorizeToken ${latencyMs.GenerateAuthorizeToken} ms, Authorize ${latencyMs.Authorize} ms, so L = ${upstreamLatency} ms; ${num((runs[0]?.durationMs ?? 0) / 1_000)} s per run.`,
      `Consumers start evenly over the first L; each sends its next authorize as soon as the previous answer arrives. Rate: Authorized answers received from 2L (every consumer in its loop by then) to the end ÷ (duration − 2L). Limit (Little's law): C / L. Latency percentiles over every answer received; requests still waiting at the end are abandoned and counted apart. RSS per in-flight request: (peak − idle) ÷ C. CPU ms per authorization: the server's user + system time over the run ÷ Authorized answers (the work a request costs, which the machine's other load does not change much).`,
      "",
      table(
        [
          "Target",
          "C",
          "Authorized/s",
          "C / L",
          "Share",
          "p50 ms",
          "p99 ms",
          "Errors (no answer) / non-2xx",
          "Unanswered",
          "Upstream in flight (peak)",
          "RSS peak MB",
          "CPU ms per authorization",
          "RSS KB per in-flight",
          "Survived",
        ],
        rows,
      ),
      "",
      "```",
      `load generator check: the raw forwarder reached ${num(raw?.share, 2)} of the limit at 2,000 (≈ 0.95 expected when the driver is not the bottleneck)`,
      goalLines(goals),
      "```",
    ].join("\n");
  },
};
