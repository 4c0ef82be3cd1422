import { fileURLToPath } from "node:url";
import { authorized, LOGIN_ID, MFA_REQUEST_ID, mfaRequired } from "@flinks-authorize/kit/fixtures";
import { accepts, freePort, waitFor } from "@flinks-authorize/kit/ports";
import { descendants, isRunning, type NodeProcess, spawnNode } from "@flinks-authorize/kit/processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./support.js";

/**
 * `pnpm start` as a process, under a stand-in for pnpm (fixtures/runs-node.mjs): apps/gateway/scripts/
 * start.ts starts Prism and the gateway, prints "Ready." once both answer, and stops both when pnpm dies.
 */

const START_SCRIPT = fileURLToPath(new URL("../../scripts/start.ts", import.meta.url));
const GATEWAY_DIR = fileURLToPath(new URL("../..", import.meta.url));
const RUNS_NODE = fileURLToPath(new URL("./fixtures/runs-node.mjs", import.meta.url));
const READY_TIMEOUT_MS = 60_000;

const PROMPT = mfaRequired.SecurityChallenges[0]?.Prompt;

let gatewayPort = 0;
let mockPort = 0;
/** The stand-in for pnpm; start.ts is its child. */
let pnpm: NodeProcess;

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
  pnpm = spawnNode({
    entry: RUNS_NODE,
    args: ["--import", "tsx", START_SCRIPT],
    cwd: GATEWAY_DIR,
    env: { PORT: String(gatewayPort), FLINKS_MOCK_URL: `http://127.0.0.1:${mockPort}` },
  });
  const ready = await waitFor(() => pnpm.stdout().includes("Ready."), {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 100,
    abandon: () => (/stopped|exited/.test(pnpm.output()) ? `start.ts stopped:\n${pnpm.output()}` : undefined),
  });
  if (!ready) throw new Error(`start.ts did not print Ready. within 60 s:\n${pnpm.output()}`);
}, READY_TIMEOUT_MS + 10_000);

afterAll(() => pnpm?.stop(), 20_000);

describe("pnpm start (apps/gateway/scripts/start.ts) in mock mode", () => {
  it("prints the URLs once Prism and the gateway answer", () => {
    expect(pnpm.stdout()).toContain("Ready.");
    expect(pnpm.stdout()).toContain(`http://localhost:${gatewayPort}/graphql`);
    expect(pnpm.stdout()).toContain(`http://127.0.0.1:${mockPort}`);
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

  // The watchdog in start.ts notices its parent is gone and sends it SIGTERM: this is also the path of a
  // SIGTERM or Ctrl-C sent to start.ts directly.
  it("when pnpm dies, even by SIGKILL, start.ts stops Prism and the gateway and exits", async () => {
    expect(await accepts(gatewayPort)).toBe(true);
    expect(await accepts(mockPort)).toBe(true);
    const started = descendants(pnpm.pid);
    expect(started.length).toBeGreaterThanOrEqual(3);

    process.kill(pnpm.pid, "SIGKILL");
    const gone = await waitFor(() => started.every((pid) => !isRunning(pid)), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    expect(gone, `still running: ${started.filter(isRunning).join(", ")}\n${pnpm.output()}`).toBe(true);
    expect(await accepts(gatewayPort)).toBe(false);
    expect(await accepts(mockPort)).toBe(false);
    // The gateway was stopped, not killed: it finished its graceful shutdown.
    expect(pnpm.stdout()).toContain('"msg":"stopped"');
  });
});
