import { describe, expect, test } from "vitest";
import {
  AUTHORIZE,
  authorized,
  CALLER_KEY,
  fakeUpstream,
  graphql,
  LOGIN_ID,
  testGateway,
} from "../harness.js";

// The bound on concurrent upstream calls, in process: the next request past it is told at once, with a
// typed and retryable result, instead of queueing until its deadline.

const WAIT_MS = 50;

describe("FLINKS_MAX_IN_FLIGHT", () => {
  test("with the upstream stalled and the bound reached, the next authorize is GatewayBusyError within the wait, and the gateway recovers", async () => {
    const stalled: Array<() => void> = [];
    let stalling = true;
    const upstream = fakeUpstream({
      authorize: () =>
        stalling
          ? new Promise((resolve) => stalled.push(() => resolve({ status: 200, body: authorized })))
          : { status: 200, body: authorized },
    });
    const gateway = testGateway(upstream, {
      FLINKS_MAX_IN_FLIGHT: "2",
      FLINKS_SLOT_WAIT_MS: String(WAIT_MS),
    });
    const input = { input: { loginId: LOGIN_ID } };
    const held = [graphql(gateway, AUTHORIZE, input), graphql(gateway, AUTHORIZE, input)];
    while (stalled.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const authorizeCalls = () => upstream.calls.filter((call) => call.operation === "Authorize").length;
    expect(authorizeCalls()).toBe(2);

    const started = performance.now();
    const refused = await graphql(gateway, AUTHORIZE, input);
    const elapsed = performance.now() - started;
    expect(refused.body.data?.authorize).toMatchObject({
      __typename: "GatewayBusyError",
      retryable: true,
      code: null,
    });
    expect(elapsed).toBeLessThan(WAIT_MS + 500);
    // Nothing reached Flinks for it: no token minted, no Authorize.
    expect(authorizeCalls()).toBe(2);

    stalling = false;
    for (const release of stalled) release();
    for (const response of await Promise.all(held)) {
      expect(response.body.data?.authorize?.__typename).toBe("Authorized");
    }
    expect(gateway.slots.inFlight).toBe(0);
    const next = await graphql(gateway, AUTHORIZE, input);
    expect(next.body.data?.authorize?.__typename).toBe("Authorized");
    await gateway.close();
  });

  test("a waiter gets the slot a finishing call frees within the wait", async () => {
    let release: (() => void) | undefined;
    const upstream = fakeUpstream({
      authorize: () =>
        release === undefined
          ? new Promise((resolve) => {
              release = () => resolve({ status: 200, body: authorized });
            })
          : { status: 200, body: authorized },
    });
    const gateway = testGateway(upstream, { FLINKS_MAX_IN_FLIGHT: "1", FLINKS_SLOT_WAIT_MS: "2000" });
    const input = { input: { loginId: LOGIN_ID } };
    const first = graphql(gateway, AUTHORIZE, input);
    while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = graphql(gateway, AUTHORIZE, input);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(gateway.slots.waiting).toBe(1);
    release();
    expect((await first).body.data?.authorize?.__typename).toBe("Authorized");
    expect((await second).body.data?.authorize?.__typename).toBe("Authorized");
    await gateway.close();
  });
});

describe("admission by age", () => {
  test("a request that arrived longer ago than the token's budget is GatewayBusyError, and nothing reaches Flinks", async () => {
    const upstream = fakeUpstream({});
    const gateway = testGateway(upstream, { FLINKS_TOKEN_TIMEOUT_MS: "10000" });
    try {
      // As if it had sat 11 s in a starved event loop before the gateway could look at it.
      const response = await gateway.yoga.fetch(
        "http://gateway.test/graphql",
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}` },
          body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
        },
        { receivedAt: Date.now() - 11_000 },
      );
      const body = (await response.json()) as { data: { authorize: Record<string, unknown> } };
      expect(body.data.authorize).toMatchObject({ __typename: "GatewayBusyError", retryable: true });
      expect(upstream.calls).toEqual([]);
    } finally {
      await gateway.close();
    }
  });
});
