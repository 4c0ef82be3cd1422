import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createConnection, createServer } from "node:net";
import { fileURLToPath } from "node:url";

/**
 * Starts Prism 5 on the spec for tests: a mock serving the spec's examples, or a validation proxy in front
 * of an upstream. Loopback only, on a free port, quiet, and never outliving the process that started it.
 */
export type PrismOptions = {
  /** The OpenAPI document to serve. Default: this package's openapi.yaml. Experiments pass a modified copy. */
  document?: string;
  /** How long to wait for the port to accept connections. Default 30 s. */
  startupTimeoutMs?: number;
} & (
  | { mode: "mock" }
  | {
      mode: "proxy";
      /** The server Prism forwards valid requests to, e.g. a stub or the Flinks toolbox. */
      upstream: string;
      /** `--errors`: a request or response violation becomes a 422 or 500 problem+json instead of a header. */
      errors?: boolean;
    }
);

export interface PrismServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly pid: number;
  /** Prism's recent output (it logs every validation failure at `warn`), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 3 s. Resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const KILL_AFTER_MS = 3_000;
const OUTPUT_LIMIT = 16_384;
const PORT_ATTEMPTS = 3;

export const SPEC_PATH = fileURLToPath(new URL("../openapi.yaml", import.meta.url));
const WATCHDOG = fileURLToPath(new URL("./parent-watchdog.cjs", import.meta.url));

/** Prism's CLI entry, from the `bin.prism` of the version this package pins. */
export function prismBin(): string {
  const require = createRequire(new URL("../package.json", import.meta.url));
  const manifestPath = require.resolve("@stoplight/prism-cli/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin.prism;
  if (!bin) throw new Error(`@stoplight/prism-cli at ${manifestPath} has no "prism" bin.`);
  return fileURLToPath(new URL(bin, `file://${manifestPath}`));
}

/** Every Prism this process started and has not seen exit. */
const running = new Set<ChildProcess>();
let cleanupRegistered = false;

function killAllNow(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/**
 * On exit and on SIGINT/SIGTERM, kill every Prism still running. A signal is re-raised afterwards when no
 * one else listens for it, so the default behaviour (the process ends) is kept. A SIGKILL of this process
 * cannot be caught: `parent-watchdog.cjs`, preloaded into Prism, ends Prism when its parent is gone.
 */
function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.on("exit", killAllNow);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const onSignal = () => {
      killAllNow();
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** A port that was free a moment ago. Prism binds it right after; a lost race is retried by startPrism. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Whether something accepts TCP connections on the port: quiet, unlike an HTTP probe Prism would log. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    running.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      running.delete(child);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function launch(options: PrismOptions, port: number): Promise<PrismServer | "portTaken"> {
  const document = options.document ?? SPEC_PATH;
  const args =
    options.mode === "mock"
      ? ["mock", document]
      : ["proxy", document, options.upstream, ...(options.errors ? ["--errors"] : [])];
  registerCleanup();
  const child = spawn(
    process.execPath,
    [
      "--require",
      WATCHDOG,
      prismBin(),
      ...args,
      "--host",
      HOST,
      "--port",
      String(port),
      "--verboseLevel",
      "warn",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  running.add(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    running.delete(child);
  });
  child.once("error", (error) => {
    output += `\n${error.message}`;
  });

  const deadline = Date.now() + (options.startupTimeoutMs ?? 30_000);
  while (!hasExited) {
    if (await accepts(port)) {
      const url = `http://${HOST}:${port}`;
      return {
        url,
        pid: child.pid ?? -1,
        output: () => output,
        stop: () => stopChild(child),
      };
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(
        `Prism (${options.mode}) did not accept connections on ${HOST}:${port} within ${options.startupTimeoutMs ?? 30_000} ms.\n${output}`,
      );
    }
    await sleep(50);
  }
  if (/EADDRINUSE/.test(output)) return "portTaken";
  throw new Error(`Prism (${options.mode}) exited before it was ready (code ${child.exitCode}).\n${output}`);
}

/** Starts Prism and resolves once it accepts connections. Call `stop()` when done (also done at exit). */
export async function startPrism(options: PrismOptions): Promise<PrismServer> {
  for (let attempt = 1; ; attempt++) {
    const started = await launch(options, await freePort());
    if (started !== "portTaken") return started;
    if (attempt >= PORT_ATTEMPTS) throw new Error(`Prism could not bind a free port in ${attempt} attempts.`);
  }
}
