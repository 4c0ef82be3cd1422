// `pnpm --filter @flinks-authorize/client bench`: the CPU one client call costs on each HTTP client
// openapi-fetch could run on, against a loopback server that answers a small JSON body at once (so what
// is measured is the client's own work). Prints the load average beside the figures: a figure taken at
// a load average over 1 is marked busy.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { Agent, fetch as undiciFetch } from "undici";
import { createFlinksClient, createKeepAliveFetch, type FlinksClient } from "../src/index.js";

const CUSTOMER_ID = "43387ca6-0391-4c82-857d-70d95f087ecb";
const TOKEN = JSON.stringify({ HttpStatusCode: 200, Token: "d65f1adb-8ebc-48dc-be8b-20c773ba1565" });
const CALLS = Number(process.env.TRANSPORT_CALLS ?? 20_000);

const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => response.writeHead(200, { "content-type": "application/json" }).end(TOKEN));
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1");
await once(server, "listening");
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
const candidates: Record<string, () => FlinksClient> = {
  "undici Agent.request() behind a standard fetch (shipped)": () =>
    createFlinksClient({ baseUrl, customerId: CUSTOMER_ID, fetch: createKeepAliveFetch() }),
  "undici fetch() with an Agent": () =>
    createFlinksClient({
      baseUrl,
      customerId: CUSTOMER_ID,
      // undici's fetch takes its own Request class, not Node's: the parts of the standard one, then.
      fetch: async (request) => {
        const answer = await undiciFetch(request.url, {
          method: request.method,
          headers: [...request.headers],
          body: request.body ? await request.text() : undefined,
          signal: request.signal,
          redirect: "manual",
          dispatcher,
        });
        return new Response(await answer.arrayBuffer(), {
          status: answer.status,
          headers: [...answer.headers],
        });
      },
    }),
  "Node's global fetch": () =>
    createFlinksClient({ baseUrl, customerId: CUSTOMER_ID, fetch: (request) => fetch(request) }),
};

async function measure(client: FlinksClient, concurrency: number) {
  const call = async () => {
    const outcome = await client.generateAuthorizeToken("secret");
    if (outcome.kind !== "token") throw new Error(`unexpected ${outcome.kind}`);
  };
  for (let i = 0; i < 500; i++) await call();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let left = CALLS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  return { cpuUs: (used.user + used.system) / CALLS, perSecond: CALLS / seconds };
}

const before = loadavg();
console.log(`load average before: ${before.map((n) => n.toFixed(2)).join(", ")}`);
console.log(`${CALLS} calls each, in this process (the loopback server is this process too)\n`);
console.log(
  "| HTTP client | CPU µs per call, sequential | calls/s | CPU µs per call, 50 at once | calls/s |",
);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, make] of Object.entries(candidates)) {
  const client = make();
  const one = await measure(client, 1);
  const fifty = await measure(client, 50);
  await client.close();
  console.log(
    `| ${name} | ${one.cpuUs.toFixed(0)} | ${one.perSecond.toFixed(0)} | ${fifty.cpuUs.toFixed(0)} | ${fifty.perSecond.toFixed(0)} |`,
  );
}
const after = loadavg();
console.log(
  `\nload average after: ${after.map((n) => n.toFixed(2)).join(", ")}${Math.max(before[0] ?? 0, after[0] ?? 0) > 1 ? " (busy machine: figures are a smoke check)" : ""}`,
);
await dispatcher.close();
server.close();
