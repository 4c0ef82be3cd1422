import { median } from "./load.js";
import { num, type Scenario, table } from "./results.js";
import { intEnv } from "./settings.js";
import { API_KEY, inProcessProductionGateway } from "./targets.js";

/**
 * `pnpm bench refusals`: what refusing the costliest requests under the 64 KiB body cap costs, in CPU
 * time per request through the whole in-process pipeline (yoga.fetch: body cap, caller key, input
 * bounds, parse, graphql-armor, validation, variable coercion, error scrubbing). The worst a red team
 * found was an input object packed with unknown fields, which graphql-js quotes whole into each error.
 */
const AUTHORIZE = "mutation Authorize($input: AuthorizeInput!) { authorize(input: $input) { __typename } }";
const LOGIN_ID = "5e115eac-1209-4f19-641c-08d6d484e2fe";
const fields = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index.toString(36)}`, 0]));

const REQUESTS: Record<string, { body: string; why: string }> = {
  unknownFields7000: {
    body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID, ...fields(7_000) } } }),
    why: "7,000 unknown fields on authorize(input:), ~63 KB: refused by the input bounds",
  },
  unknownFields990: {
    body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID, ...fields(990) } } }),
    why: "990 unknown fields, just inside the bounds: graphql-js refuses them, errors capped",
  },
  deepVariables: {
    body: `{"query": ${JSON.stringify(AUTHORIZE)}, "variables": {"input": ${"[".repeat(5_000)}${"]".repeat(5_000)}}}`,
    why: "variables nested 5,000 levels deep",
  },
  manyTokens: {
    body: JSON.stringify({
      query: `mutation { authorize(input: { ${"a: 1 ".repeat(6_000)} }) { __typename } }`,
    }),
    why: "a 36 KB document of 18,000 tokens: refused by graphql-armor's token limit",
  },
  notJson: {
    body: `{"query": "${"x".repeat(60_000)}`,
    why: "60 KB of broken JSON",
  },
};

export type RefusalsData = Record<string, { status: number; cpuUs: number; wallUs: number }> & {
  rounds: number;
};

const ITERATIONS = 200;

export const refusals: Scenario<RefusalsData> = {
  title: "Refusals: the CPU cost of the costliest requests under the body cap",
  async run() {
    const gateway = inProcessProductionGateway({ GATEWAY_RATE_LIMITS: "off" });
    const send = async (body: string) => {
      const response = await gateway.yoga.fetch("http://gateway/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
        body,
      });
      await response.text();
      return response.status;
    };
    const rounds = intEnv("BENCH_ROUNDS", 3, 1, 20);
    const data = { rounds } as RefusalsData;
    try {
      for (const [name, { body }] of Object.entries(REQUESTS)) {
        const status = await send(body);
        for (let i = 0; i < 20; i++) await send(body); // warm-up
        const cpu: number[] = [];
        const wall: number[] = [];
        for (let round = 0; round < rounds; round++) {
          const cpuBefore = process.cpuUsage();
          const started = performance.now();
          for (let i = 0; i < ITERATIONS; i++) await send(body);
          const used = process.cpuUsage(cpuBefore);
          cpu.push((used.user + used.system) / ITERATIONS);
          wall.push(((performance.now() - started) * 1_000) / ITERATIONS);
        }
        data[name] = { status, cpuUs: median(cpu), wallUs: median(wall) };
      }
    } finally {
      await gateway.close();
    }
    return data;
  },
  render(data) {
    const rows = Object.entries(REQUESTS).map(([name, { why }]) => {
      const run = data[name];
      return [why, String(run?.status ?? ""), num(run?.cpuUs ?? 0, 0), num(run?.wallUs ?? 0, 0)];
    });
    return [
      `µs per request, median of ${data.rounds} rounds of ${ITERATIONS}, in process (the load generator is this process too); CPU is the process's user + system time.`,
      "",
      table(["Request", "HTTP status", "CPU µs per request", "wall µs per request"], rows),
    ].join("\n");
  },
};
