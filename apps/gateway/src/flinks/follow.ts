import type { Consumer } from "../access/consumers.js";
import type { SessionLimits } from "../access/limits.js";
import {
  GatewayBusyError,
  RateLimitedError,
  SessionError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "../errors.js";
import type { FlinksSession, SessionHandles } from "../handles/seal.js";
import type { FlinksCalls, RequestScope } from "./calls.js";
import { type ResultValue, resultOf } from "./outcome-to-result.js";

/**
 * The `authorization` subscription's polls, one per session in this process however many streams follow
 * it: a second stream on the same session (any of its handles) joins the running poll and gets its
 * latest result at once, instead of polling Flinks again. The poll stops when its last stream goes, when
 * the session settles or its token expires, or when the process drains. Each poll after the first is
 * charged to the consumer's session-call budget (the subscription paid for the first), and one consumer
 * keeps at most `maxStreamsPerConsumer` streams open here: a stream is no longer a way to have Flinks
 * called for free.
 */
export interface Followers {
  follow(session: FlinksSession, scope: RequestScope, consumer: Consumer): AsyncGenerator<ResultValue>;
}

export interface FollowersOptions {
  callsOf: (scope: RequestScope) => FlinksCalls;
  handles: Pick<SessionHandles, "seal">;
  limits: Pick<SessionLimits, "call">;
  pollIntervalMs: number;
  /** Aborted when the process drains: every poll ends after its current call. */
  draining: AbortSignal;
  maxStreamsPerConsumer: number;
}

export const MAX_STREAMS_PER_CONSUMER = 20;

interface Subscriber {
  push(result: ResultValue): void;
  fail(error: unknown): void;
  end(): void;
}

interface Poll {
  subscribers: Set<Subscriber>;
  latest?: ResultValue;
  /** Aborted when its last stream goes. */
  abandoned: AbortController;
}

/** Failures on the gateway's side of a poll: the next poll may well succeed, so the stream goes on. */
const isTransient = (result: ResultValue) =>
  result instanceof GatewayBusyError ||
  result instanceof UpstreamTimeoutError ||
  result instanceof UpstreamUnavailableError;

const isPending = (result: ResultValue) => "kind" in result && result.kind === "pending";

/** Resolves after `ms`, or at once when `signal` aborts. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

export function createFollowers(options: FollowersOptions): Followers {
  const { callsOf, handles, limits, pollIntervalMs, draining, maxStreamsPerConsumer } = options;
  const polls = new Map<string, Poll>();
  const streams = new Map<string, number>();

  const publish = (poll: Poll, result: ResultValue) => {
    poll.latest = result;
    for (const subscriber of poll.subscribers) subscriber.push(result);
  };

  const run = async (poll: Poll, session: FlinksSession, scope: RequestScope, consumer: Consumer) => {
    // Its own signal: the stream that started it may leave while others follow.
    const calls = callsOf({ ...scope, signal: poll.abandoned.signal });
    const stopped = AbortSignal.any([poll.abandoned.signal, draining]);
    let requestId = session.requestId;
    try {
      for (let polled = 0; !stopped.aborted; polled++) {
        if (polled > 0) {
          const refusal = await limits.call(consumer);
          if (refusal) return publish(poll, refusal);
        }
        const result = resultOf(await calls.poll(session, requestId), handles);
        if (poll.abandoned.signal.aborted) return;
        if (isTransient(result)) {
          calls.log.warn({ result: result.constructor.name }, "poll failed; polling on");
        } else {
          publish(poll, result);
          if (!isPending(result)) return;
          requestId = (result as { requestId: string }).requestId;
        }
        if (Date.now() + pollIntervalMs >= session.expiresAt) {
          return publish(
            poll,
            new SessionError({
              code: "SESSION_EXPIRED",
              message: "The session's token expires before the next poll: start again with authorize.",
              retryable: false,
            }),
          );
        }
        await pause(pollIntervalMs, stopped);
      }
    } catch (error) {
      for (const subscriber of poll.subscribers) subscriber.fail(error);
    } finally {
      polls.delete(session.id);
      for (const subscriber of poll.subscribers) subscriber.end();
    }
  };

  async function* follow(session: FlinksSession, scope: RequestScope, consumer: Consumer) {
    const open = streams.get(consumer.id) ?? 0;
    if (open >= maxStreamsPerConsumer) {
      yield new RateLimitedError({
        message: `This consumer has ${open} authorization streams open on this gateway, its most: close one first.`,
        retryAfterSeconds: Math.ceil(pollIntervalMs / 1000),
        scope: "consumer",
      });
      return;
    }
    streams.set(consumer.id, open + 1);
    const queue: ResultValue[] = [];
    let ended = false;
    let failure: { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    const subscriber: Subscriber = {
      push: (result) => {
        queue.push(result);
        wake?.();
      },
      fail: (error) => {
        failure = { error };
        wake?.();
      },
      end: () => {
        ended = true;
        wake?.();
      },
    };
    let poll = polls.get(session.id);
    const joined = poll !== undefined;
    if (!poll) {
      poll = { subscribers: new Set(), abandoned: new AbortController() };
      polls.set(session.id, poll);
    }
    poll.subscribers.add(subscriber);
    if (joined && poll.latest) queue.push(poll.latest);
    const leave = () => subscriber.end();
    scope.signal.addEventListener("abort", leave, { once: true });
    if (!joined) void run(poll, session, scope, consumer);
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          if (!isPending(next)) return;
          continue;
        }
        if (failure) throw failure.error;
        if (ended || scope.signal.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      scope.signal.removeEventListener("abort", leave);
      poll.subscribers.delete(subscriber);
      if (poll.subscribers.size === 0) poll.abandoned.abort();
      const left = (streams.get(consumer.id) ?? 1) - 1;
      if (left > 0) streams.set(consumer.id, left);
      else streams.delete(consumer.id);
    }
  }

  return { follow };
}
