#!/usr/bin/env node
// `pnpm start`: the main job. With no upstream configured (neither FLINKS_BASE_URL nor FLINKS_INSTANCE)
// it starts Prism on spec/openapi.yaml and the gateway against it; otherwise the gateway alone.
// It waits until both answer, prints the URLs, and stops both on Ctrl-C or SIGTERM, or when either dies.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const live = Boolean(process.env.FLINKS_BASE_URL?.trim() || process.env.FLINKS_INSTANCE?.trim());
const gatewayPort = Number(process.env.PORT?.trim() || 4000);
const mockUrl = new URL(process.env.FLINKS_MOCK_URL?.trim() || "http://127.0.0.1:4010");
const READY_TIMEOUT_MS = 60_000;

const children = new Set();
let stopping = false;

const portAnswers = (host, port) =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

async function waitUntil(host, port, name, child, path) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited before it was ready.`);
    if (path === undefined ? await portAnswers(host, port) : await answersOk(`http://${host}:${port}${path}`))
      return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${name} did not answer on ${host}:${port} within ${READY_TIMEOUT_MS / 1000} s.`);
}

async function answersOk(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function run(name, args, options) {
  const child = spawn(process.execPath, args, { stdio: "inherit", ...options });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`);
      stop(1);
    }
  });
  return child;
}

function stop(exitCode) {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  const force = setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
    process.exit(exitCode);
  }, 12_000);
  force.unref();
  const check = setInterval(() => {
    if (children.size === 0) {
      clearInterval(check);
      process.exit(exitCode);
    }
  }, 50);
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

async function main() {
  if (await portAnswers("127.0.0.1", gatewayPort)) {
    throw new Error(`Port ${gatewayPort} is already in use: stop what runs there or set PORT.`);
  }
  const env = { ...process.env, PORT: String(gatewayPort) };
  if (!live) {
    const mockPort = Number(mockUrl.port || 80);
    if (await portAnswers(mockUrl.hostname, mockPort)) {
      throw new Error(`Port ${mockPort} is already in use: stop what runs there or set FLINKS_MOCK_URL.`);
    }
    const specRequire = createRequire(`${root}spec/package.json`);
    const prismPackage = specRequire("@stoplight/prism-cli/package.json");
    const prismBin = specRequire.resolve(`@stoplight/prism-cli/${prismPackage.bin.prism}`);
    const prism = run(
      "Prism",
      [
        prismBin,
        "mock",
        `${root}spec/openapi.yaml`,
        ...["--host", mockUrl.hostname, "--port", String(mockPort), "--verboseLevel", "warn"],
      ],
      { cwd: root },
    );
    // A TCP probe: an HTTP one would make Prism log a routing error.
    await waitUntil(mockUrl.hostname, mockPort, "Prism", prism);
    env.FLINKS_MOCK_URL = mockUrl.origin;
  }
  const gateway = run("Gateway", ["--import", "tsx", "src/server.ts"], { cwd: `${root}apps/gateway`, env });
  await waitUntil("127.0.0.1", gatewayPort, "Gateway", gateway, "/health");

  console.log("");
  console.log(`  GraphQL (GraphiQL in a browser): http://localhost:${gatewayPort}/graphql`);
  console.log(
    live
      ? "  Upstream: your Flinks (FLINKS_BASE_URL or FLINKS_INSTANCE)"
      : `  Prism mock of the spec: ${mockUrl.origin}`,
  );
  console.log("  Ready. Ctrl-C stops everything.");
  console.log("");
}

main().catch((error) => {
  console.error(error.message);
  stop(1);
});
