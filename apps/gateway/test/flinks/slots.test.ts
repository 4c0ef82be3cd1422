import { describe, expect, test } from "vitest";
import { createUpstreamSlots } from "../../src/flinks/slots.js";

describe("createUpstreamSlots", () => {
  test("grants up to max at once, then waits at most waitMs and says no", async () => {
    const slots = createUpstreamSlots(2);
    const first = await slots.acquire({ waitMs: 0 });
    const second = await slots.acquire({ waitMs: 0 });
    expect(first && second).toBeTruthy();
    expect(slots.inFlight).toBe(2);
    const started = performance.now();
    expect(await slots.acquire({ waitMs: 30 })).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(slots.waiting).toBe(0);
  });

  test("a released slot goes to the oldest waiter, and the count never exceeds max", async () => {
    const slots = createUpstreamSlots(1);
    const held = await slots.acquire({ waitMs: 0 });
    const order: string[] = [];
    const a = slots.acquire({ waitMs: 1_000 }).then((release) => {
      order.push("a");
      return release;
    });
    const b = slots.acquire({ waitMs: 1_000 }).then((release) => {
      order.push("b");
      return release;
    });
    expect(slots.waiting).toBe(2);
    held?.();
    const releaseA = await a;
    expect(slots.inFlight).toBe(1);
    releaseA?.();
    (await b)?.();
    expect(order).toEqual(["a", "b"]);
    expect(slots.inFlight).toBe(0);
  });

  test("a waiter that gives up leaves the queue at once; releasing twice frees one slot", async () => {
    const slots = createUpstreamSlots(1);
    const held = await slots.acquire({ waitMs: 0 });
    expect(await slots.acquire({ waitMs: 10 })).toBeUndefined();
    expect(slots.waiting).toBe(0);
    held?.();
    held?.();
    expect(slots.inFlight).toBe(0);
    const again = await slots.acquire({ waitMs: 0 });
    expect(slots.inFlight).toBe(1);
    again?.();
  });

  test("an aborted request stops waiting", async () => {
    const slots = createUpstreamSlots(1);
    const held = await slots.acquire({ waitMs: 0 });
    const controller = new AbortController();
    const waiting = slots.acquire({ waitMs: 60_000, signal: controller.signal });
    controller.abort();
    expect(await waiting).toBeUndefined();
    expect(slots.waiting).toBe(0);
    held?.();
  });

  test("tryAcquire never waits", () => {
    const slots = createUpstreamSlots(1);
    const held = slots.tryAcquire();
    expect(held).toBeDefined();
    expect(slots.tryAcquire()).toBeUndefined();
    held?.();
    expect(slots.tryAcquire()).toBeDefined();
  });
});
