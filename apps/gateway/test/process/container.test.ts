import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { pnpmCli } from "@flinks-authorize/kit/pnpm";
import { answers200, freePort, LOOPBACK, waitFor } from "@flinks-authorize/kit/ports";
import { type NodeProcess, spawnNode } from "@flinks-authorize/kit/processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  healthcheckCommand,
  imageCommand,
  imageEnvironment,
  readDockerfile,
  runCommands,
} from "../deploy/dockerfile-rules.js";
import { envFileValues } from "../deploy/manifests.js";
import { AUTHORIZE, authorized, CALLER_KEY, LOGIN_ID } from "../harness.js";
import { postGraphQL, runBash, terminateLikeKubernetes } from "./support.js";

/**
 * The image without Docker (there is no daemon here): the Dockerfile's build steps run on this
 * repository in a temporary folder, as its stages run them (turbo prune, an install from the pruned
 * lockfile, the gateway's build), and the runtime's dist/ alone is then started with the image's CMD
 * and ENV plus the Kubernetes ConfigMap, and asked by the image's HEALTHCHECK. Not checked: the base
 * image itself, file ownership and the non-root user, which only a real build shows.
 */

const ROOT = fileURLToPath(new URL("../../../..", import.meta.url));
const dockerfile = readDockerfile();
const STEP_TIMEOUT_MS = 120_000;

let work: string;
let upstream: FakeFlinks;
let gateway: NodeProcess | undefined;
let port: number;

/** The HEALTHCHECK's command, run as the container runtime runs it; resolves with its exit code. */
function healthcheck(): Promise<number> {
  const [command, ...args] = healthcheckCommand(dockerfile) ?? [];
  expect(command).toBe("node");
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { PORT: String(port) }, timeout: 10_000 }, (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    );
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "gateway-image-"));
  upstream = await startFakeFlinks();
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the Dockerfile's build, rehearsed without Docker", () => {
  it(
    "prunes the workspace, installs from the pruned lockfile offline, and builds dist/",
    async () => {
      // The commands are the Dockerfile's own, in its order (dockerfile.test.ts checks they are there).
      const commands = runCommands(dockerfile);
      const prune = commands.find((command) => command.startsWith("turbo prune"));
      const install = commands.find((command) => command.startsWith("pnpm install"));
      const build = commands.find((command) => command.startsWith("pnpm --filter"));
      expect([prune, install, build].every(Boolean), commands.join("\n")).toBe(true);
      const pnpm = `node ${pnpmCli()}`;
      // The cache mount's --store-dir is the builder's; here the machine's own store serves, offline.
      const installHere = `${install}`.replace(/--store-dir \S+/, "").replace(/^pnpm/, pnpm);
      await runBash(
        [
          `cd ${ROOT}`,
          `node_modules/.bin/${prune} --out-dir ${work}/out`,
          `mkdir -p ${work}/repo && cd ${work}/repo`,
          `cp -r ${work}/out/json/. .`,
          `${installHere} --offline --reporter=silent`,
          `cp -r ${work}/out/full/. .`,
          `cp ${ROOT}/tsconfig.base.json .`,
          `${`${build}`.replace(/^pnpm/, pnpm)} --reporter=silent`,
        ].join(" && "),
        STEP_TIMEOUT_MS,
      );
      // What the runtime stage copies, and nothing else: an empty folder holding dist/.
      mkdirSync(join(work, "app"));
      cpSync(join(work, "repo/apps/gateway/dist"), join(work, "app/dist"), { recursive: true });
    },
    STEP_TIMEOUT_MS + 10_000,
  );
});

describe("the runtime, with the image's CMD, ENV and HEALTHCHECK and the ConfigMap", () => {
  beforeAll(async () => {
    port = await freePort();
    const [node, ...args] = imageCommand(dockerfile) ?? [];
    expect(node).toBe("node");
    const entry = args.pop() as string;
    const { FLINKS_INSTANCE: _toolbox, ...configMap } = envFileValues("gateway.env");
    gateway = spawnNode({
      entry,
      nodeArgs: args,
      cwd: join(work, "app"),
      env: {
        ...imageEnvironment(dockerfile),
        ...configMap,
        // The Secret, and this test's upstream and loopback port instead of Flinks and every interface.
        FLINKS_SECRET_KEY: "container-test-key",
        GATEWAY_API_KEYS: CALLER_KEY,
        FLINKS_BASE_URL: upstream.url,
        HOST: LOOPBACK,
        PORT: String(port),
        // No balancer in front: no delay for one to notice the drain.
        GATEWAY_DRAIN_DELAY_MS: "0",
      },
    });
    const up = await waitFor(() => answers200(`http://${LOOPBACK}:${port}/health`), {
      timeoutMs: 30_000,
      intervalMs: 20,
      abandon: () => (gateway?.running() ? undefined : `the gateway exited:\n${gateway?.output()}`),
    });
    expect(up, gateway.output()).toBe(true);
  }, 60_000);

  it("serves authorize from a folder holding only dist/", async () => {
    const data = await postGraphQL(port, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    expect(data.authorize).toMatchObject({ __typename: "Authorized", requestId: authorized.RequestId });
  });

  it("is healthy by the HEALTHCHECK, and ready", async () => {
    expect(await healthcheck()).toBe(0);
    expect(await answers200(`http://${LOOPBACK}:${port}/ready`)).toBe(true);
  });

  it("drains and exits 0 on SIGTERM to node as PID 1 would get it; the HEALTHCHECK then fails", async () => {
    const { exit, killed } = await terminateLikeKubernetes(gateway as NodeProcess, 15_000);
    expect(killed).toBe(false);
    expect(exit?.code, gateway?.output()).toBe(0);
    expect(await healthcheck()).toBe(1);
  }, 30_000);
});
