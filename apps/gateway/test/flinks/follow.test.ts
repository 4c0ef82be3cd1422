import { Secret } from "@flinks-authorize/client";
import { describe, expect, test } from "vitest";
import { ANONYMOUS } from "../../src/access/consumers.js";
import { RateLimitedError } from "../../src/errors.js";
import { createFollowers } from "../../src/flinks/follow.js";
import type { Gateway } from "../../src/gateway.js";
import type { FlinksSession } from "../../src/handles/seal.js";
import {
  AUTHORIZE,
  authorized,
  fakeUpstream,
  follow,
  graphql,
  LIVE_ENV,
  LOGIN_ID,
  testGateway,
  type UpstreamAnswer,
  type UpstreamCall,
} from "../harness.js";

// The authorization subscription's polls (flinks/follow.ts): one per session, paid for, bounded.

const PENDING_ID = "077785a3-fd0f-42f7-9251-ee2ff7f3b4ff";
const pending: UpstreamAnswer = {
  status: 202,
  body: { HttpStatusCode: 202, FlinksCode: "OPERATION_PENDING", Message: "still", RequestId: PENDING_ID },
};
const asyncCalls = (calls: UpstreamCall[]) =>
  calls.filter((call) => call.operation === "AuthorizeAsync").length;

async function pendingFrom(gateway: Gateway) {
  const response = await graphql(gateway, AUTHORIZE, { input: { loginId: LOGIN_ID } });
  expect(response.body.data?.authorize?.__typename).toBe("Pending");
  return String(response.body.data?.authorize?.handle);
}

describe("streams of one session share one poll", () => {
  test("three streams on one Pending: Flinks is polled as for one, and all three see it settle", async () => {
    let polls = 0;
    const upstream = fakeUpstream({
      authorize: () => pending,
      authorizeAsync: () => (++polls < 4 ? pending : { status: 200, body: authorized }),
    });
    const gateway = testGateway(upstream, { FLINKS_POLL_INTERVAL_MS: "100" });
    try {
      const handle = await pendingFrom(gateway);
      const streams = await Promise.all([
        follow(gateway, handle),
        follow(gateway, handle),
        follow(gateway, handle),
      ]);
      for (const events of streams) expect(events.at(-1)?.__typename).toBe("Authorized");
      expect(asyncCalls(upstream.calls)).toBe(4);
    } finally {
      await gateway.close();
    }
  });
});

describe("a stream pays for its polls", () => {
  test("past the consumer's budget of session calls, the stream ends with RateLimitedError and polls no more", async () => {
    const upstream = fakeUpstream({ authorize: () => pending, authorizeAsync: () => pending });
    // authorize 1, the subscription 1, its first poll free, then 1 a poll: a budget of 4 pays 2 more.
    const gateway = testGateway(upstream, {
      ...LIVE_ENV,
      FLINKS_POLL_INTERVAL_MS: "100",
      GATEWAY_LIMIT_CONSUMER_PER_MINUTE: "4",
    });
    try {
      const events = await follow(gateway, await pendingFrom(gateway));
      expect(events.map((event) => event.__typename)).toEqual([
        "Pending",
        "Pending",
        "Pending",
        "RateLimitedError",
      ]);
      expect(asyncCalls(upstream.calls)).toBe(3);
    } finally {
      await gateway.close();
    }
  });
});

describe("open streams per consumer", () => {
  test("past the bound, a new stream is refused at once and calls nothing; others are not affected", async () => {
    let polls = 0;
    const stalled = new AbortController();
    const session: FlinksSession = {
      id: "s",
      requestId: PENDING_ID,
      token: new Secret("t"),
      endpoint: "async",
      step: "pending",
      mintedAt: Date.now(),
      expiresAt: Date.now() + 60_000,
      consumer: ANONYMOUS.id,
      round: 0,
      epoch: undefined,
    };
    const followers = createFollowers({
      callsOf: () =>
        ({
          poll: async () => {
            polls++;
            return { kind: "busy", retryAfterSeconds: 1 };
          },
          log: { warn() {} },
        }) as never,
      handles: { seal: () => "h" },
      limits: { call: async () => undefined },
      pollIntervalMs: 60_000,
      draining: stalled.signal,
      maxStreamsPerConsumer: 2,
    });
    const scope = { requestId: "r", consumer: ANONYMOUS.id, receivedAt: Date.now(), prefer: null };
    const leave = [new AbortController(), new AbortController()];
    const open = leave.map((controller, index) =>
      followers.follow({ ...session, id: `s${index}` }, { ...scope, signal: controller.signal }, ANONYMOUS),
    );
    // Started (each polls once, then waits for the next interval).
    const pendingNext = open.map((stream) => stream.next());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(polls).toBe(2);
    const third = followers.follow(
      { ...session, id: "s2" },
      { ...scope, signal: new AbortController().signal },
      ANONYMOUS,
    );
    const refused = await third.next();
    expect(refused.value).toBeInstanceOf(RateLimitedError);
    expect(refused.value).toMatchObject({ scope: "consumer" });
    expect(polls).toBe(2);
    for (const controller of leave) controller.abort();
    stalled.abort();
    await Promise.all(pendingNext);
  });
});
