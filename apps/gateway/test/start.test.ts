import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accepts, freePort, postGraphQL, sleep } from "./support/processes.js";

/**
 * `pnpm start` in mock mode, as a process: apps/gateway/scripts/start.mjs starts Prism and the gateway, prints
 * "Ready." once both answer, and stops both on SIGTERM.
 */

const START_SCRIPT = fileURLToPath(new URL("../scripts/start.mjs", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;

const LOGIN_ID = "5e115eac-1209-4f19-641c-08d6d484e2fe";
const PROMPT = "What shape do people like most?";

/**
 * The processes still running in the process group led by pid, as "pid command" lines. Zombies are left
 * out: tsx's esbuild service outlives the gateway by a moment and waits, defunct, for init to reap it.
 */
function groupMembers(pgid: number): string[] {
  if (!existsSync("/proc/self/stat")) {
    // No procfs: fall back to asking the kernel whether the group exists at all.
    try {
      process.kill(-pgid, 0);
      return [`process group ${pgid}`];
    } catch {
      return [];
    }
  }
  const members: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // Exited while listing.
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [state, , pgrp] = fields;
    if (Number(pgrp) === pgid && state !== "Z") {
      members.push(`${entry} ${stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"))}`);
    }
  }
  return members;
}

let gatewayPort = 0;
let mockPort = 0;
let child: ChildProcess | undefined;
let output = "";
let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;

const graphql = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
  postGraphQL(gatewayPort, query, variables, headers);

const RESULT = `
  __typename
  ... on Authorized { requestId institution login { id } }
  ... on MfaRequired { requestId handle challenges { type prompt } }
  ... on Error { message code }
  ... on InvalidInputError { issues { path message } }
`;
const AUTHORIZE = `mutation ($loginId: String!) { authorize(input: { loginId: $loginId }) { ${RESULT} } }`;
const SUBMIT_MFA = `mutation ($input: SubmitMfaInput!) { submitMfa(input: $input) { ${RESULT} } }`;

beforeAll(async () => {
  gatewayPort = await freePort();
  mockPort = await freePort();
  while (mockPort === gatewayPort) mockPort = await freePort();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(gatewayPort),
    FLINKS_MOCK_URL: `http://127.0.0.1:${mockPort}`,
  };
  delete env.FLINKS_BASE_URL;
  delete env.FLINKS_INSTANCE;
  // As from a developer's shell: the gateway's defaults (development, all interfaces), not vitest's.
  delete env.HOST;
  delete env.NODE_ENV;

  const started = spawn(process.execPath, [START_SCRIPT], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = started;
  exit = new Promise((resolve) => {
    started.once("exit", (code, signal) => resolve({ code, signal }));
  });
  started.stdout?.setEncoding("utf8");
  started.stderr?.setEncoding("utf8");
  started.stdout?.on("data", (chunk: string) => {
    output += chunk;
  });
  started.stderr?.on("data", (chunk: string) => {
    output += chunk;
  });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!output.includes("Ready.")) {
    if (started.exitCode !== null || started.signalCode !== null) {
      throw new Error(`start.mjs exited before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) throw new Error(`start.mjs did not print Ready. within 60 s:\n${output}`);
    await sleep(100);
  }
}, READY_TIMEOUT_MS + 10_000);

afterAll(async () => {
  const pid = child?.pid;
  if (pid === undefined) return;
  if (groupMembers(pid).length > 0) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {}
    const deadline = Date.now() + 5000;
    while (groupMembers(pid).length > 0 && Date.now() < deadline) await sleep(100);
    if (groupMembers(pid).length > 0) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {}
    }
  }
}, 20_000);

describe("pnpm start (apps/gateway/scripts/start.mjs) in mock mode", () => {
  it("prints the URLs once Prism and the gateway answer", () => {
    expect(output).toContain("Ready.");
    expect(output).toContain(`http://localhost:${gatewayPort}/graphql`);
    expect(output).toContain(`http://127.0.0.1:${mockPort}`);
  });

  it("authorize with a LoginId is Authorized by Prism's example", async () => {
    const data = await graphql(AUTHORIZE, { loginId: LOGIN_ID });
    expect(data.authorize).toMatchObject({
      __typename: "Authorized",
      requestId: "6c7f2f5e-29a4-4a6c-9d84-2f0f2d1b7c11",
      institution: "FlinksCapital",
      login: { id: LOGIN_ID },
    });
  });

  it("Prefer: code=203 gives MfaRequired, and submitMfa with its handle is Authorized", async () => {
    const first = await graphql(AUTHORIZE, { loginId: LOGIN_ID }, { Prefer: "code=203" });
    expect(first.authorize).toMatchObject({
      __typename: "MfaRequired",
      requestId: "9022abc2-8a2e-4b06-a06e-c3e5449c4d10",
      challenges: [{ type: "QUESTION_AND_ANSWER", prompt: PROMPT }],
    });
    const handle = first.authorize?.handle;
    expect(typeof handle).toBe("string");
    expect((handle as string).length).toBeGreaterThan(20);

    const second = await graphql(SUBMIT_MFA, {
      input: { handle, responses: [{ prompt: PROMPT, answers: ["Triangle"] }] },
    });
    expect(second.submitMfa).toMatchObject({
      __typename: "Authorized",
      requestId: "6c7f2f5e-29a4-4a6c-9d84-2f0f2d1b7c11",
      institution: "FlinksCapital",
    });
  });

  it(
    "SIGTERM stops start.mjs, Prism and the gateway",
    async () => {
      const pid = child?.pid;
      expect(pid).toBeTypeOf("number");
      if (pid === undefined || exit === undefined) return;
      expect(await accepts(gatewayPort)).toBe(true);
      expect(await accepts(mockPort)).toBe(true);

      process.kill(pid, "SIGTERM");
      const exited = await Promise.race([exit, sleep(EXIT_TIMEOUT_MS).then(() => "timeout" as const)]);
      expect(exited, output).not.toBe("timeout");
      expect(exited).toEqual({ code: 0, signal: null });

      // start.mjs exits only once its children have: nothing may be left listening or running.
      expect(await accepts(gatewayPort)).toBe(false);
      expect(await accepts(mockPort)).toBe(false);
      // Give a grandchild (tsx's esbuild service) a moment to notice its parent is gone.
      const deadline = Date.now() + 5000;
      while (groupMembers(pid).length > 0 && Date.now() < deadline) await sleep(100);
      expect(groupMembers(pid), "processes of the start group still running").toEqual([]);
    },
    EXIT_TIMEOUT_MS + 10_000,
  );
});
