import { get } from "node:http";
import { createConnection, createServer } from "node:net";

/** Everything the kit starts listens on loopback only. */
export const LOOPBACK = "127.0.0.1";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A loopback port that was free a moment ago: bind port 0, read it, release it for a child to take.
 * Another process may take it in between; a caller that must not lose that race retries.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Whether something accepts TCP connections on host:port. Quiet: an HTTP probe would show up in the
 * server's log (Prism logs every unrouted request at warn).
 */
export function accepts(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1_000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/**
 * Whether GET url answers 200 within a second. node:http with no agent, not fetch: the first fetch of a
 * process loads undici, which would count in the start-up times the benchmark measures.
 */
export function answers200(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const call = get(url, { agent: false }, (answer) => {
      answer.resume();
      answer.on("end", () => resolve(answer.statusCode === 200));
      answer.on("error", () => resolve(false));
    });
    call.setTimeout(1_000, () => call.destroy());
    call.on("error", () => resolve(false));
  });
}

export interface WaitOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Pause between attempts (ms). Default 20. */
  intervalMs?: number;
  /** Checked before each attempt: a reason to stop waiting at once (e.g. the process exited). */
  abandon?: () => string | undefined;
}

/**
 * Polls `condition` until it holds; resolves true, or false once `timeoutMs` pass. Throws when
 * `abandon` gives a reason: waiting for a dead process to answer only wastes the timeout.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs, intervalMs = 20, abandon }: WaitOptions,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const reason = abandon?.();
    if (reason !== undefined) throw new Error(reason);
    if (await condition()) return true;
    if (performance.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}
