import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildServer } from "../scripts/build.js";
import { type FaultUpstream, startFaultUpstream } from "./hardening/fault-upstream.js";
import { AUTHORIZE, authorized, CALLER_KEY, LOGIN_ID } from "./harness.js";
import { freePort, postGraphQL, sleep } from "./support/processes.js";

// The production entry: scripts/build.ts bundles src/server.ts into one ESM file that plain `node` runs
// with no TypeScript loader. Built into a temporary folder, started, and asked for one authorize.
let outDir = "";
let upstream: FaultUpstream;
let child: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "gateway-build-"));
  await buildServer(join(outDir, "server.mjs"));
  upstream = await startFaultUpstream();
  port = await freePort();
  child = spawn(process.execPath, [join(outDir, "server.mjs")], {
    cwd: outDir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      GATEWAY_API_KEYS: CALLER_KEY,
      LOG_LEVEL: "warn",
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: "build-test-key",
    },
    stdio: "ignore",
  });
  for (let i = 0; i < 200; i++) {
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return;
    await sleep(50);
  }
  throw new Error("the bundled gateway did not become healthy within 10 s");
}, 60_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await upstream?.close();
  rmSync(outDir, { recursive: true, force: true });
});

describe("the production bundle", () => {
  test("starts from a folder with no node_modules and serves authorize", async () => {
    const data = await postGraphQL(port, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    expect(data.authorize).toMatchObject({ __typename: "Authorized", requestId: authorized.RequestId });
  });
});
