// The fake Flinks as a process of its own (the benchmark's upstream), configured by environment:
//   PORT                    where to listen on 127.0.0.1 (default: a free port, printed)
//   FAKE_FLINKS_LATENCY_MS  time to answer per operation, e.g. "GenerateAuthorizeToken=50,Authorize=2000"
// Calls are counted, not kept; GET /__stats shows the counts and the calls in flight, DELETE resets them.
import { startFakeFlinks } from "./fake-flinks.js";
import { parseLatency } from "./fake-flinks-process.js";

const fake = await startFakeFlinks({
  port: Number(process.env.PORT ?? 0),
  latencyMs: parseLatency(process.env.FAKE_FLINKS_LATENCY_MS ?? ""),
  record: false,
});
console.log(`fake Flinks on ${fake.url}`);
