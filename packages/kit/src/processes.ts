import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const WATCHDOG = fileURLToPath(new URL("./parent-watchdog.cjs", import.meta.url));
/** tsx's loader by absolute URL: `--import tsx` would resolve from the child's cwd, which may be any folder. */
const TSX_LOADER = pathToFileURL(require.resolve("tsx")).href;
/**
 * What a child takes from this process's environment: enough to run programs and find a temp folder,
 * nothing that configures them. A developer's shell (FLINKS_*, NODE_ENV, NODE_OPTIONS…) never leaks in.
 */
const INHERITED = ["PATH", "HOME", "TMPDIR"];
const OUTPUT_TAIL = 64 * 1024;

export interface NodeProcessOptions {
  /** The script: a `.ts` file runs through tsx, anything else (the production bundle) under plain node. */
  entry: string;
  args?: string[];
  /** Node flags before the entry, e.g. the gateway's production flags. */
  nodeArgs?: string[];
  /** The child's whole configuration, on top of PATH, HOME and TMPDIR. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /**
   * "capture" (default) keeps the last 64 KiB of stdout and of stderr; "inherit" writes to this process's
   * terminal; "ignore"; or a file descriptor that receives stdout (stderr is captured).
   */
  output?: "capture" | "inherit" | "ignore" | number;
  /** Preload the parent watchdog (default). Off only to time a bare start. */
  watchdog?: boolean;
  /** How long stop() waits between SIGTERM and SIGKILL (ms). Default 3 s. */
  graceMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the exit was seen. */
  at: number;
}

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** performance.now() at spawn. */
  readonly spawnedAt: number;
  readonly exited: Promise<Exit>;
  running(): boolean;
  stdout(): string;
  stderr(): string;
  /** Both tails, for failure messages. */
  output(): string;
  /** Sends a signal to the process's whole group (tsx's esbuild service included). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, SIGKILL after the grace, then SIGKILL to whatever of the group remains. */
  stop(graceMs?: number): Promise<Exit>;
}

/** Every child this process started and has not seen exit, killed when this process exits. */
const running = new Set<NodeProcess>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}

/**
 * Starts `node [nodeArgs] [--import tsx] [--require watchdog] entry [args]` in its own process group, with
 * a clean environment. Throws only if the spawn itself fails; readiness is the caller's business.
 */
export function spawnNode(options: NodeProcessOptions): NodeProcess {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const started of running) signalGroup(started.pid, "SIGKILL");
    });
  }
  const execArgv = [
    ...(options.nodeArgs ?? []),
    ...(options.entry.endsWith(".ts") ? ["--import", TSX_LOADER] : []),
    ...(options.watchdog === false ? [] : ["--require", WATCHDOG]),
  ];
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value !== undefined) env[name] = value;
  }
  env.PARENT_WATCHDOG_PID = String(process.pid);
  const output = options.output ?? "capture";
  const stdio: StdioOptions =
    output === "inherit" || output === "ignore"
      ? ["ignore", output, output]
      : ["ignore", output === "capture" ? "pipe" : output, "pipe"];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...execArgv, options.entry, ...(options.args ?? [])], {
    cwd: options.cwd,
    env,
    stdio,
    // Its own group: a terminal's Ctrl-C reaches only the parent, which stops it; stop() reaches its helpers.
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start node ${options.entry}`);
  const pid = child.pid;

  const tails = { stdout: "", stderr: "" };
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream]?.setEncoding("utf8").on("data", (chunk: string) => {
      tails[stream] = (tails[stream] + chunk).slice(-OUTPUT_TAIL);
    });
  }
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => {
      const seen: Exit = { code, signal, at: performance.now() };
      exit = seen;
      running.delete(handle);
      // Its last output may still be in the pipes: wait for them to close, briefly (a helper left in the
      // group could hold them open).
      const resolveOnce = () => resolve(seen);
      child.once("close", resolveOnce);
      setTimeout(resolveOnce, 200).unref();
    });
  });
  let stopping: Promise<Exit> | undefined;
  const handle: NodeProcess = {
    child,
    pid,
    spawnedAt,
    exited,
    running: () => exit === undefined,
    stdout: () => tails.stdout,
    stderr: () => tails.stderr,
    output: () => [tails.stdout, tails.stderr].filter(Boolean).join("\n"),
    signal: (signal) => signalGroup(pid, signal),
    stop: (graceMs = options.graceMs ?? 3_000) => {
      stopping ??= (async () => {
        if (exit === undefined) {
          signalGroup(pid, "SIGTERM");
          const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
          await exited;
          clearTimeout(timer);
        }
        signalGroup(pid, "SIGKILL");
        return exited;
      })();
      return stopping;
    },
  };
  running.add(handle);
  return handle;
}

/**
 * A process ended by a signal skips its exit handlers, and with them the stop of its children. For a
 * program with no signal handling of its own: SIGINT, SIGTERM and SIGHUP end it through process.exit.
 */
export function exitOnSignals(): void {
  for (const [signal, number] of [
    ["SIGHUP", 1],
    ["SIGINT", 2],
    ["SIGTERM", 15],
  ] as const) {
    process.once(signal, () => process.exit(128 + number));
  }
}

/** "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses. */
function statFields(pid: string | number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** Whether pid is a live process; a zombie (exited, not yet reaped) is not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = statFields(pid)?.[0];
  return state !== "Z";
}

/** The live descendants of pid (children, grandchildren…), from /proc; empty where there is none. */
export function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  const childrenOf = new Map<number, number[]>();
  for (const entry of entries) {
    const fields = statFields(entry);
    if (!fields || fields[0] === "Z") continue;
    const parent = Number(fields[1]);
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of childrenOf.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
