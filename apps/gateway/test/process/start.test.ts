import { fileURLToPath } from "node:url";
import { authorized, LOGIN_ID, MFA_REQUEST_ID, mfaRequired } from "@flinks-authorize/kit/fixtures";
import { pnpmCli } from "@flinks-authorize/kit/pnpm";
import { accepts, freePort, waitFor } from "@flinks-authorize/kit/ports";
import { descendants, isRunning, type NodeProcess, spawnNode } from "@flinks-authorize/kit/processes";
import { Kind, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typenameOfCode } from "../harness.js";
import { blocksFor, flinksCodeOfExample, preferTable } from "../readme.js";
import { onPath, postGraphQL, runBash, terminateLikeKubernetes } from "./support.js";

/**
 * `pnpm start` run as a person runs it, with the real pnpm, in mock mode: start.ts starts Prism and the
 * gateway and prints "Ready." once the gateway's /ready answers. The examples of the README and docs/ run against it,
 * as pasted (on this test's ports), and it ends as Kubernetes ends a pod: SIGTERM to pnpm alone.
 */

const ROOT = fileURLToPath(new URL("../../../..", import.meta.url));
const READY_TIMEOUT_MS = 90_000;

const PROMPT = mfaRequired.SecurityChallenges[0]?.Prompt;

let gatewayPort = 0;
let mockPort = 0;
let pnpm: NodeProcess;

const graphql = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
  postGraphQL(gatewayPort, query, variables, headers);

/** One GraphQL POST, whatever it answers. */
async function ask(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
  operationName?: string,
) {
  const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables, operationName }),
    signal: AbortSignal.timeout(20_000),
  });
  return (await response.json()) as {
    data?: Record<string, Record<string, unknown> | null> | null;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
}

/** A subscription over SSE, as GraphiQL and the example app run it: the first result it sends. */
async function firstEvent(query: string, variables: Record<string, unknown>, operationName?: string) {
  const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query, variables, operationName }),
    signal: AbortSignal.timeout(20_000),
  });
  const stream = await response.text();
  const data = stream.split("\n").find((line) => line.startsWith("data: {"));
  if (!data) throw new Error(`no result in the event stream:\n${stream}`);
  return JSON.parse(data.slice("data: ".length)) as Awaited<ReturnType<typeof ask>>;
}

const RESULT = `
  __typename
  ... on Authorized { requestId institution login { id } }
  ... on MfaRequired { requestId handle challenges { type prompt } }
  ... on Pending { handle }
  ... on Error { message code }
  ... on InvalidInputError { issues { path message } }
`;
const AUTHORIZE = `mutation ($loginId: String!) { authorize(input: { loginId: $loginId }) { ${RESULT} } }`;
const SUBMIT_MFA = `mutation ($input: SubmitMfaInput!) { submitMfa(input: $input) { ${RESULT} } }`;

beforeAll(async () => {
  gatewayPort = await freePort();
  mockPort = await freePort();
  while (mockPort === gatewayPort) mockPort = await freePort();
  // As from a developer's shell: only what pnpm start reads, so the gateway's own defaults apply.
  pnpm = spawnNode({
    entry: pnpmCli(),
    args: ["start"],
    cwd: ROOT,
    env: {
      PORT: String(gatewayPort),
      FLINKS_MOCK_URL: `http://127.0.0.1:${mockPort}`,
      npm_config_update_notifier: "false",
    },
  });
  const ready = await waitFor(() => pnpm.stdout().includes("Ready."), {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 100,
    abandon: () => (pnpm.running() ? undefined : `pnpm start exited:\n${pnpm.output()}`),
  });
  if (!ready) throw new Error(`pnpm start did not print Ready. within 90 s:\n${pnpm.output()}`);
}, READY_TIMEOUT_MS + 10_000);

afterAll(() => pnpm?.stop(), 20_000);

describe("pnpm start in mock mode", () => {
  it("prints the mode, the URLs and Ready. once the gateway and Prism answer", () => {
    const banner = pnpm.stdout();
    expect(banner).toContain("Flinks Authorize gateway, mock mode");
    expect(banner).toContain(
      `GraphQL: http://localhost:${gatewayPort}/graphql (open it in a browser for GraphiQL)`,
    );
    expect(banner).toContain(`Upstream: Prism mock of the spec at http://127.0.0.1:${mockPort}`);
    expect(banner).toContain("Ready. Ctrl-C stops everything.");
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
    const second = await graphql(SUBMIT_MFA, {
      input: { handle: first.authorize?.handle, responses: [{ prompt: PROMPT, answers: ["Triangle"] }] },
    });
    expect(second.submitMfa).toMatchObject({ __typename: "Authorized", requestId: authorized.RequestId });
  });

  // The gateway's readiness probe of Prism is a TCP connect: an HTTP probe made Prism log a routing
  // error for every /ready. start.ts asked /ready once before "Ready.".
  it("/ready does not make Prism log", async () => {
    const ready = await fetch(`http://127.0.0.1:${gatewayPort}/ready`);
    expect(ready.status).toBe(200);
    expect(pnpm.output()).not.toMatch(/NO_PATH_MATCHED|Route not resolved|✖/);
  });
});

describe("the README and docs/, pasted", () => {
  const shellExamples = blocksFor("sh example");
  const onThisTestsPorts = (script: string) =>
    script.replaceAll("localhost:4000", `localhost:${gatewayPort}`);

  it("has shell examples, each with its output", () => {
    expect(shellExamples.length).toBeGreaterThanOrEqual(3);
    for (const block of shellExamples) expect(block.output, block.text).toBeDefined();
  });

  it.skipIf(!onPath("curl"))(
    `each \`sh example\` prints its \`json output\`${onPath("curl") ? "" : " (skipped: no curl on PATH; apt-get install -y curl)"}`,
    async () => {
      for (const block of shellExamples) {
        const { stdout } = await runBash(onThisTestsPorts(block.text));
        expect(JSON.parse(stdout), block.text).toEqual(JSON.parse(block.output ?? ""));
      }
    },
    60_000,
  );

  it("each example of the Prefer table is answered as its row says", async () => {
    const document =
      "mutation ($loginId: String!) { authorize(input: { loginId: $loginId }) { __typename ... on Error { code } } }";
    for (const { status, examples, result } of preferTable()) {
      const prefers =
        examples.length > 0 ? examples.map((name) => `code=${status}, example=${name}`) : [undefined];
      for (const prefer of prefers) {
        const answer = await ask(document, { loginId: LOGIN_ID }, prefer ? { Prefer: prefer } : {});
        const name = prefer?.split("example=")[1];
        const code = name && flinksCodeOfExample(status, name);
        const expected = { __typename: result, ...(code && typenameOfCode[code] ? { code } : {}) };
        expect(answer.data?.authorize, `Prefer: ${prefer}`).toEqual(expected);
      }
    }
  });

  it("a Prefer that selects nothing is a MOCK_PREFER_UNSERVED error naming the header", async () => {
    const answer = await ask(
      AUTHORIZE,
      { loginId: LOGIN_ID },
      { Prefer: "code=401, example=NO_SUCH_EXAMPLE" },
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe("MOCK_PREFER_UNSERVED");
    expect(answer.errors?.[0]?.message).toContain('"Prefer: code=401, example=NO_SUCH_EXAMPLE"');
  });

  // $handle is the one thing an example cannot hold: submitMfa answers an MfaRequired's, the
  // continuation (continueAuthorization, the authorization subscription) follows a Pending's.
  it("each operation of the `graphql example` blocks answers Authorized, or ConnectToken (a $handle from an MfaRequired or a Pending)", async () => {
    const blocks = blocksFor("graphql example");
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const { text } of blocks) {
      for (const definition of parse(text).definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const operationName = definition.name?.value;
        const variables: Record<string, unknown> = {};
        for (const variable of definition.variableDefinitions ?? []) {
          const name = variable.variable.name.value;
          expect(name, "an example variable this test can fill").toBe("handle");
          const answersMfa = text.includes(`${operationName}($handle: String!) {\n  submitMfa`);
          const opened = await graphql(
            AUTHORIZE,
            { loginId: LOGIN_ID },
            {
              Prefer: answersMfa ? "code=203" : "code=202",
            },
          );
          expect(opened.authorize?.__typename).toBe(answersMfa ? "MfaRequired" : "Pending");
          variables[name] = opened.authorize?.handle;
        }
        const answer =
          definition.operation === "subscription"
            ? await firstEvent(text, variables, operationName)
            : await ask(text, variables, {}, operationName);
        expect(answer.errors, operationName).toBeUndefined();
        // Every session field ends on Authorized; connectToken, which opens no session, on its token.
        const [field, result] = Object.entries(answer.data ?? {})[0] ?? [];
        expect(result?.__typename, operationName).toBe(
          field === "connectToken" ? "ConnectToken" : "Authorized",
        );
      }
    }
  });
});

// Last: it ends pnpm start. Kubernetes (or `docker stop`) sends SIGTERM to the main process alone. pnpm
// passes it on to start.ts, which stops the gateway (gracefully) and Prism, then exits, and pnpm with it.
describe("SIGTERM to pnpm alone", () => {
  it("stops Prism and the gateway, the gateway gracefully, and leaves no process", async () => {
    expect(await accepts(gatewayPort)).toBe(true);
    expect(await accepts(mockPort)).toBe(true);
    const started = descendants(pnpm.pid);
    expect(started.length).toBeGreaterThanOrEqual(3);

    const { exit, killed } = await terminateLikeKubernetes(pnpm, 15_000);
    expect(killed, pnpm.output()).toBe(false);
    expect(exit?.code, pnpm.output()).toBe(0);
    const gone = await waitFor(() => started.every((pid) => !isRunning(pid)), { timeoutMs: 5_000 });
    expect(gone, `still running: ${started.filter(isRunning).join(", ")}`).toBe(true);
    expect(await accepts(gatewayPort)).toBe(false);
    expect(await accepts(mockPort)).toBe(false);
    expect(pnpm.stdout()).toContain('"msg":"stopped"');
  }, 30_000);
});
