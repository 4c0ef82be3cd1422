import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const GATEWAY_DIR = fileURLToPath(new URL("../../", import.meta.url));
const WATCHDOG = new URL("./watchdog.mjs", import.meta.url).href;

const children = new Set<ChildProcess>();

/** Kills every child still running; safe to call from `exit` handlers (synchronous). */
export function killAll(signal: NodeJS.Signals = "SIGKILL"): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
  children.clear();
}

let installed = false;
/** Children die with the benchmark, however it ends: normal exit, Ctrl-C, SIGTERM or an exception. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on("exit", () => killAll());
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping every benchmark process`);
      killAll();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (error) => {
    console.error(error);
    killAll();
    process.exit(1);
  });
  process.on("unhandledRejection", (error) => {
    console.error(error);
    killAll();
    process.exit(1);
  });
}

/** A free loopback port (asked of the kernel, then released for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export interface Child {
  process: ChildProcess;
  pid: number;
  url: string;
  /** Milliseconds from spawn to the first 200 on /health. */
  readyMs: number;
  /** The last few kilobytes of stderr, for error messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Entry file relative to apps/gateway (or absolute), run with `node --import tsx` unless `tsx` is false. */
  entry: string;
  tsx?: boolean;
  /** Extra node flags, e.g. `--enable-source-maps` as the production start script passes. */
  nodeArgs?: string[];
  env: Record<string, string>;
  /** Preload the watchdog (children exit when the benchmark dies). Off for cold-start timing. */
  watchdog?: boolean;
  /** Where stdout goes: "ignore", or an open file descriptor (log volume). */
  stdout?: "ignore" | number;
}

/** Starts `node [--import tsx] <entry>` with PORT/HOST set; resolves once GET /health answers 200. */
export async function startServer(options: SpawnOptions, readyTimeoutMs = 20_000): Promise<Child> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const execArgv = [
    ...(options.nodeArgs ?? []),
    ...(options.tsx === false ? [] : ["--import", "tsx"]),
    ...(options.watchdog === false ? [] : ["--import", WATCHDOG]),
  ];
  const child = spawn(process.execPath, [...execArgv, options.entry], {
    cwd: GATEWAY_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...options.env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", options.stdout ?? "ignore", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4_000);
  });
  const url = `http://127.0.0.1:${port}`;
  const handle: Child = {
    process: child,
    pid: child.pid ?? -1,
    url,
    readyMs: 0,
    stderr: () => stderr,
    stop: () => stopChild(child),
  };
  const deadline = performance.now() + readyTimeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await healthy(url)) {
      handle.readyMs = performance.now() - spawnedAt;
      return handle;
    }
    await sleep(5);
  }
  await handle.stop();
  throw new Error(`${options.entry} did not become healthy on ${url}:\n${stderr}`);
}

/** GET /health answered 200 (node:http, not fetch: the first fetch would add its own load time). */
export function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const call = get(`${url}/health`, { agent: false }, (answer) => {
      answer.resume();
      answer.on("end", () => resolve(answer.statusCode === 200));
      answer.on("error", () => resolve(false));
    });
    call.setTimeout(1_000, () => call.destroy());
    call.on("error", () => resolve(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/** Resident set size of a process in bytes (VmRSS), or undefined when it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Finished {
  code: number | null;
  ms: number;
  output: string;
  timedOut: boolean;
}

/** Runs a command to its end (bounded by timeoutMs), capturing stdout and stderr; killed with the benchmark. */
export function runToEnd(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      output += String(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, ms: performance.now() - started, output, timedOut });
    });
  });
}
