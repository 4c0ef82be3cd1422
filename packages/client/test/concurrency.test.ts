import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createFlinksClient } from "../src/index.js";
import { CUSTOMER_ID } from "./helpers.js";

// The gateway bounds its concurrent upstream calls itself, with a bounded wait and a typed busy result.
// A cap inside the transport would queue every call past it where no one sees it, until its deadline
// (measured before: 64 calls in flight for 2,000 callers). More calls than that old cap must all reach
// a slow upstream at once.
const CALLS = 100;
/** With a cap, the held requests never reach CALLS: the server lets them go after this much quiet. */
const QUIET_MS = 500;

let held: ServerResponse[] = [];
let inFlight = 0;
let peak = 0;
let holding = true;
let quietTimer: NodeJS.Timeout | undefined;

const answer = (res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ HttpStatusCode: 200, Token: "d65f1adb-8ebc-48dc-be8b-20c773ba1565" }));
};
const releaseAll = () => {
  clearTimeout(quietTimer);
  holding = false;
  for (const res of held) answer(res);
  held = [];
};

/** A slow upstream: it holds every answer until all calls are in flight, or no new one came for a while. */
const server = createServer((req, res) => {
  req.resume();
  inFlight++;
  peak = Math.max(peak, inFlight);
  res.once("finish", () => inFlight--);
  if (!holding) return answer(res);
  held.push(res);
  clearTimeout(quietTimer);
  if (inFlight >= CALLS) releaseAll();
  else quietTimer = setTimeout(releaseAll, QUIET_MS);
});
let origin = "";
beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  releaseAll();
  server.closeAllConnections();
  server.close();
});

test.each([
  ["no cap by default: every call is in flight at once", undefined, CALLS],
  ["`connections` caps the sockets, for a caller who wants a bound here", 8, 8],
])("%s", async (_, connections, expectedPeak) => {
  held = [];
  peak = 0;
  holding = true;
  const client = createFlinksClient({
    baseUrl: origin,
    customerId: CUSTOMER_ID,
    timeoutMs: 10_000,
    connections,
  });
  const outcomes = await Promise.all(Array.from({ length: CALLS }, () => client.generateAuthorizeToken("s")));
  expect(outcomes.filter((outcome) => outcome.kind !== "token")).toEqual([]);
  expect(peak).toBe(expectedPeak);
  await client.close();
});

test.each([0, -1, 1.5])("connections %s is refused at creation", (connections) => {
  expect(() => createFlinksClient({ baseUrl: origin, customerId: CUSTOMER_ID, connections })).toThrow(
    /connections/,
  );
});
