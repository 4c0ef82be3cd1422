import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import type { Logger } from "pino";
import type { GatewayConfig } from "./config.js";

/**
 * GATEWAY_WORKERS > 1: this process becomes the primary of a node:cluster. It serves nothing itself: it
 * holds the listening socket, hands connections to its workers round-robin (Node's default on Linux),
 * replaces a worker that dies, and on SIGTERM drains every worker before it exits. Each worker is a
 * whole gateway (serve.ts): /health and /ready, the upstream slots, the token pool and the limits are
 * per worker, as they are per replica.
 */

/** What a worker tells the primary. */
export interface WorkerMessage {
  gateway: "fatal";
  /** One line for a person: the port is taken, or the configuration changed under the worker. */
  message: string;
}

const isWorkerMessage = (value: unknown): value is WorkerMessage =>
  typeof value === "object" &&
  value !== null &&
  (value as WorkerMessage).gateway === "fatal" &&
  typeof (value as WorkerMessage).message === "string";

/** Worker processes for a GATEWAY_WORKERS setting: `auto` is one per core this process may run on. */
export function workerCount(setting: GatewayConfig["workers"], cores = availableParallelism()): number {
  return setting === "auto" ? Math.max(1, cores) : setting;
}

export interface RestartBackoffOptions {
  /** Wait before replacing the first worker that crashed. */
  firstMs: number;
  /** The longest wait, however many crashes in a row. */
  maxMs: number;
  /** A worker that ran at least this long crashed for a new reason: the wait starts over. */
  stableMs: number;
}

/** 100 ms, doubling per crash in a row, up to 30 s; a minute of uptime resets it. */
export const RESTART_BACKOFF: RestartBackoffOptions = { firstMs: 100, maxMs: 30_000, stableMs: 60_000 };

/**
 * How long to wait before replacing a worker that died after `livedMs`: a worker that dies at start-up
 * (a bug, a dependency down) would otherwise be forked again and again, each fork costing a core for
 * its start-up. Crashes in a row (of any worker, since they share the cause) double the wait.
 */
export function createRestartBackoff({ firstMs, maxMs, stableMs }: RestartBackoffOptions = RESTART_BACKOFF) {
  let streak = 0;
  return (livedMs: number): number => {
    if (livedMs >= stableMs) streak = 0;
    const delay = Math.min(maxMs, firstMs * 2 ** streak);
    streak = Math.min(streak + 1, 30);
    return delay;
  };
}

/** In a worker: tell the primary about a problem a person must fix, so that it prints it once and stops. */
export function reportFatalToPrimary(message: string): void {
  const report: WorkerMessage = { gateway: "fatal", message };
  process.send?.(report);
}

/**
 * Runs the primary: forks `count` workers of this same script and keeps that many running until SIGTERM
 * or SIGINT. Then it forwards SIGTERM to every worker, each drains as a single process would (serve.ts),
 * and the primary exits 0 once all have exited 0, or 1 if any did not (or outlived its grace).
 */
export function runPrimary(config: GatewayConfig, count: number, logger: Logger): void {
  const backoff = createRestartBackoff();
  const startedAt = new Map<Worker, number>();
  let stopping = false;
  let failed = false;

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, performance.now());
    worker.on("message", (message: unknown) => {
      if (!isWorkerMessage(message) || stopping) return;
      // Every worker meets the same taken port: the first one's line is printed, once.
      console.error(message.message);
      stopAll("fatal", 1);
    });
  };

  cluster.on("exit", (worker, code, signal) => {
    const lived = performance.now() - (startedAt.get(worker) ?? performance.now());
    startedAt.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (startedAt.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    const delayMs = backoff(lived);
    logger.error(
      { worker: worker.process.pid, code, signal, livedMs: Math.round(lived), restartInMs: delayMs },
      "a worker exited unexpectedly: replacing it",
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delayMs);
  });

  const stopAll = (reason: NodeJS.Signals | "fatal", exitCode?: number) => {
    if (stopping) return;
    stopping = true;
    if (exitCode === 1) failed = true;
    logger.info({ reason, workers: startedAt.size }, "stopping: draining every worker");
    if (startedAt.size === 0) process.exit(failed ? 1 : 0);
    for (const worker of startedAt.keys()) worker.process.kill("SIGTERM");
    // Each worker enforces its own grace; this only covers a worker that cannot (stuck event loop).
    const force = setTimeout(() => {
      logger.error(
        { graceMs: config.shutdownGraceMs },
        "workers still running after the grace: killing them",
      );
      for (const worker of startedAt.keys()) worker.process.kill("SIGKILL");
      process.exit(1);
    }, config.shutdownGraceMs + 5_000);
    force.unref();
  };

  process.on("SIGTERM", () => stopAll("SIGTERM"));
  process.on("SIGINT", () => stopAll("SIGINT"));
  logger.info({ workers: count, port: config.port }, "starting workers");
  for (let i = 0; i < count; i++) fork();
}
