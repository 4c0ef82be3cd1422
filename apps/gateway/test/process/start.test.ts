import { fileURLToPath } from "node:url";
import { authorized, LOGIN_ID, MFA_REQUEST_ID, mfaRequired } from "@flinks-authorize/kit/fixtures";
import { accepts, freePort, sleep, waitFor } from "@flinks-authorize/kit/ports";
import { descendants, isRunning, type NodeProcess, spawnNode } from "@flinks-authorize/kit/processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./support.js";

/**
 * `pnpm start` as a process: apps/gateway/scripts/start.ts starts Prism and the gateway, prints "Ready."
 * once both answer, and stops both on SIGTERM, or when its own parent dies.
 */

const START_SCRIPT = fileURLToPath(new URL("../../scripts/start.ts", import.meta.url));
const GATEWAY_DIR = fileURLToPath(new URL("../..", import.meta.url));
const RUNS_NODE = fileURLToPath(new URL("./fixtures/runs-node.mjs", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;

const PROMPT = mfaRequired.SecurityChallenges[0]?.Prompt;

let gatewayPort = 0;
let mockPort = 0;
let start: NodeProcess;

/** Until every pid has exited; false if one is still running after 5 s. */
const allExit = (pids: number[]) =>
  waitFor(() => pids.every((pid) => !isRunning(pid)), { timeoutMs: 5_000, intervalMs: 100 });

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
  // As from a developer's shell: nothing but what pnpm start reads, so the gateway's own defaults apply
  // (development, all interfaces), not vitest's.
  start = spawnNode({
    entry: START_SCRIPT,
    env: { PORT: String(gatewayPort), FLINKS_MOCK_URL: `http://127.0.0.1:${mockPort}` },
    graceMs: EXIT_TIMEOUT_MS,
  });
  const ready = await waitFor(() => start.stdout().includes("Ready."), {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 100,
    abandon: () => (start.running() ? undefined : `start.ts exited before it was ready:\n${start.output()}`),
  });
  if (!ready) throw new Error(`start.ts did not print Ready. within 60 s:\n${start.output()}`);
}, READY_TIMEOUT_MS + 10_000);

afterAll(() => start?.stop(), 20_000);

describe("pnpm start (apps/gateway/scripts/start.ts) in mock mode", () => {
  it("prints the URLs once Prism and the gateway answer", () => {
    expect(start.stdout()).toContain("Ready.");
    expect(start.stdout()).toContain(`http://localhost:${gatewayPort}/graphql`);
    expect(start.stdout()).toContain(`http://127.0.0.1:${mockPort}`);
  });

  it("authorize with a LoginId is Authorized by Prism's example", async () => {
    const data = await graphql(AUTHORIZE, { loginId: LOGIN_ID });
    expect(data.authorize).toMatchObject({
      __typename: "Authorized",
      requestId: authorized.RequestId,
      institution: "FlinksCapital",
      login: { id: LOGIN_ID },
    });
  });

  it("Prefer: code=203 gives MfaRequired, and submitMfa with its handle is Authorized", async () => {
    const first = await graphql(AUTHORIZE, { loginId: LOGIN_ID }, { Prefer: "code=203" });
    expect(first.authorize).toMatchObject({
      __typename: "MfaRequired",
      requestId: MFA_REQUEST_ID,
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
      requestId: authorized.RequestId,
      institution: "FlinksCapital",
    });
  });

  it(
    "SIGTERM stops start.ts, Prism and the gateway",
    async () => {
      expect(await accepts(gatewayPort)).toBe(true);
      expect(await accepts(mockPort)).toBe(true);
      const started = descendants(start.pid);
      expect(started.length).toBeGreaterThanOrEqual(2);

      start.child.kill("SIGTERM");
      const exited = await Promise.race([
        start.exited,
        sleep(EXIT_TIMEOUT_MS).then(() => "timeout" as const),
      ]);
      expect(exited, start.output()).not.toBe("timeout");
      expect(exited).toMatchObject({ code: 0, signal: null });

      // start.ts exits only once its children have: nothing may be left listening or running.
      expect(await accepts(gatewayPort)).toBe(false);
      expect(await accepts(mockPort)).toBe(false);
      expect(await allExit(started), "processes started by start.ts still running").toBe(true);
    },
    EXIT_TIMEOUT_MS + 10_000,
  );
});

describe("pnpm start when its parent dies", () => {
  it(
    "stops the gateway it started, even when the parent was SIGKILLed",
    async () => {
      // Live mode, against nothing: the gateway alone, which starts without calling its upstream.
      const parent = spawnNode({
        entry: RUNS_NODE,
        args: ["--import", "tsx", START_SCRIPT],
        cwd: GATEWAY_DIR,
        env: {
          PORT: String(await freePort()),
          FLINKS_BASE_URL: "http://127.0.0.1:9",
          FLINKS_SECRET_KEY: "start-test-secret",
        },
      });
      try {
        const ready = await waitFor(() => parent.stdout().includes("Ready."), {
          timeoutMs: READY_TIMEOUT_MS,
          intervalMs: 100,
          abandon: () => (/stopped|exited/.test(parent.output()) ? parent.output() : undefined),
        });
        expect(ready, parent.output()).toBe(true);
        const started = descendants(parent.pid);
        expect(started.length).toBeGreaterThanOrEqual(2);
        process.kill(parent.pid, "SIGKILL");
        expect(await allExit(started), "start.ts or its gateway outlived the parent").toBe(true);
      } finally {
        await parent.stop();
      }
    },
    READY_TIMEOUT_MS,
  );
});
