import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { SPEC_PATH } from "@flinks-authorize/spec/test-support/examples";
import { accepts, freePort, LOOPBACK, waitFor } from "./ports.js";
import { type NodeProcess, spawnNode } from "./processes.js";

/**
 * Starts Prism 5 on the spec: a mock serving the spec's examples, or a validation proxy in front of an
 * upstream. Loopback by default, quiet, and never outliving the process that started it.
 */
export type PrismOptions = {
  /** The OpenAPI document to serve. Default: the spec. Experiments pass a modified copy. */
  document?: string;
  /** How long to wait for the port to accept connections. Default 30 s. */
  startupTimeoutMs?: number;
  /** A fixed address (`pnpm start`). Default: a free loopback port, retried if another process takes it. */
  host?: string;
  port?: number;
  /** Prism's output: kept for failure messages (default), or written to this terminal. */
  output?: "capture" | "inherit";
} & (
  | { mode: "mock" }
  | {
      mode: "proxy";
      /** The server Prism forwards valid requests to, e.g. a fake Flinks or the Flinks toolbox. */
      upstream: string;
      /** `--errors`: a request or response violation becomes a 422 or 500 problem+json instead of a header. */
      errors?: boolean;
    }
);

export interface PrismServer extends NodeProcess {
  /** `http://<host>:<port>`, without a trailing slash. */
  readonly url: string;
}

const PORT_ATTEMPTS = 3;

/** Prism's CLI entry: the `bin.prism` of the version the spec package pins (it also serves `pnpm mock`). */
export function prismBin(): string {
  const fromSpec = createRequire(SPEC_PATH);
  const manifestPath = fromSpec.resolve("@stoplight/prism-cli/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin.prism;
  if (!bin) throw new Error(`@stoplight/prism-cli at ${manifestPath} has no "prism" bin.`);
  return createRequire(manifestPath).resolve(`./${bin}`);
}

async function launch(options: PrismOptions, host: string, port: number): Promise<PrismServer | "portTaken"> {
  const document = options.document ?? SPEC_PATH;
  const args =
    options.mode === "mock"
      ? ["mock", document]
      : ["proxy", document, options.upstream, ...(options.errors ? ["--errors"] : [])];
  const prism = spawnNode({
    entry: prismBin(),
    args: [...args, "--host", host, "--port", String(port), "--verboseLevel", "warn"],
    env: { NO_COLOR: "1" },
    output: options.output ?? "capture",
  });
  const timeoutMs = options.startupTimeoutMs ?? 30_000;
  // Until it accepts connections or exits. A TCP probe: an HTTP one would make Prism log a routing error.
  const settled = await waitFor(async () => !prism.running() || (await accepts(port, host)), {
    timeoutMs,
    intervalMs: 50,
  });
  if (settled && prism.running()) return Object.assign(prism, { url: `http://${host}:${port}` });
  if (!prism.running()) {
    const { code } = await prism.exited;
    if (/EADDRINUSE/.test(prism.output())) return "portTaken";
    throw new Error(`Prism (${options.mode}) exited before it was ready (code ${code}).\n${prism.output()}`);
  }
  await prism.stop();
  throw new Error(
    `Prism (${options.mode}) did not accept connections on ${host}:${port} within ${timeoutMs} ms.\n${prism.output()}`,
  );
}

/** Starts Prism and resolves once it accepts connections. Call `stop()` when done (also done at exit). */
export async function startPrism(options: PrismOptions): Promise<PrismServer> {
  const host = options.host ?? LOOPBACK;
  if (options.port !== undefined) {
    const started = await launch(options, host, options.port);
    if (started === "portTaken")
      throw new Error(`Prism could not bind ${host}:${options.port}: it is in use.`);
    return started;
  }
  for (let attempt = 1; ; attempt++) {
    const started = await launch(options, host, await freePort());
    if (started !== "portTaken") return started;
    if (attempt >= PORT_ATTEMPTS) throw new Error(`Prism could not bind a free port in ${attempt} attempts.`);
  }
}
