import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorized, CALLER_KEY, LOGIN_ID } from "./harness.js";
import { freePort, postGraphQL, sleep } from "./support/processes.js";

/**
 * The MFA round trip across gateway processes with no shared state: `authorize` on one process,
 * `submitMfa` on another, against a fake Flinks on loopback that records what it receives.
 */

const GATEWAY_DIR = fileURLToPath(new URL("..", import.meta.url));
const STARTUP_TIMEOUT_MS = 60_000;
const SECRET_KEY = `shared-secret-${randomUUID()}`;
const OTHER_SECRET_KEY = `other-secret-${randomUUID()}`;
const TOOLBOX_CUSTOMER_ID = "43387ca6-0391-4c82-857d-70d95f087ecb";
const MFA_REQUEST_ID = "9022abc2-8a2e-4b06-a06e-c3e5449c4d10";
/** Written with escapes so the bytes are unambiguous: precomposed letters and a plain space before "?". */
const PROMPT = "O\u00f9 \u00eates-vous n\u00e9 ?";
const ANSWER = "Montr\u00e9al";

interface UpstreamRequest {
  path: string;
  authKey: string | undefined;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown> | undefined;
  /** The token this call answered, for GenerateAuthorizeToken. */
  minted?: string;
}

const upstreamRequests: UpstreamRequest[] = [];
let upstream: Server | undefined;
let upstreamPort = 0;

function startUpstream(): Promise<void> {
  const server = createHttpServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(request.url ?? "/", "http://upstream.test").pathname;
    const authKey = request.headers["flinks-auth-key"];
    const record: UpstreamRequest = {
      path,
      authKey: Array.isArray(authKey) ? authKey.join(",") : authKey,
      headers: request.headers,
      raw,
      body: raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : undefined,
    };
    upstreamRequests.push(record);

    let status: number;
    let body: unknown;
    if (path.endsWith("/GenerateAuthorizeToken")) {
      record.minted = `token-${randomUUID()}`;
      status = 200;
      body = { HttpStatusCode: 200, Token: record.minted };
    } else if (path.endsWith("/Authorize")) {
      if (record.body?.SecurityResponses === undefined) {
        status = 203;
        body = {
          HttpStatusCode: 203,
          SecurityChallenges: [{ Type: "QuestionAndAnswer", Prompt: PROMPT }],
          Institution: "FlinksCapital",
          RequestId: MFA_REQUEST_ID,
        };
      } else {
        status = 200;
        body = authorized;
      }
    } else {
      status = 404;
      body = { HttpStatusCode: 404, Message: "not found" };
    }
    response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify(body));
  });
  upstream = server;
  server.listen(0, "127.0.0.1");
  return once(server, "listening").then(() => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no upstream port");
    upstreamPort = address.port;
  });
}

interface Instance {
  name: string;
  port: number;
  child: ChildProcess;
  output: string;
}

const instances: Instance[] = [];

function startGateway(name: string, port: number, secretKey: string): Instance {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLINKS_BASE_URL: `http://127.0.0.1:${upstreamPort}`,
    FLINKS_SECRET_KEY: secretKey,
    // The upstream calls are counted: no background token minting.
    FLINKS_TOKEN_POOL_SIZE: "0",
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "test",
    GATEWAY_API_KEYS: CALLER_KEY,
  };
  for (const name of ["FLINKS_INSTANCE", "FLINKS_CUSTOMER_ID", "FLINKS_MOCK_URL", "FLINKS_TIMEOUT_MS"]) {
    delete env[name];
  }
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: GATEWAY_DIR,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const instance: Instance = { name, port, child, output: "" };
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    instance.output += chunk;
  });
  child.stderr?.on("data", (chunk: string) => {
    instance.output += chunk;
  });
  instances.push(instance);
  return instance;
}

async function waitHealthy(instance: Instance): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) {
      throw new Error(`gateway ${instance.name} exited before it was healthy:\n${instance.output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${instance.port}/health`, {
        signal: AbortSignal.timeout(1000),
      });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(150);
  }
  throw new Error(`gateway ${instance.name} was not healthy within 60 s:\n${instance.output}`);
}

const graphql = (instance: Instance, query: string, variables: Record<string, unknown>) =>
  postGraphQL(instance.port, query, variables);

const RESULT = `
  __typename
  ... on Authorized { requestId institution login { id } }
  ... on MfaRequired { requestId handle institution challenges { type prompt } }
  ... on Error { message code retryable }
  ... on InvalidInputError { issues { path message } }
`;
const AUTHORIZE = `mutation ($input: AuthorizeInput!) { authorize(input: $input) { ${RESULT} } }`;
const SUBMIT_MFA = `mutation ($input: SubmitMfaInput!) { submitMfa(input: $input) { ${RESULT} } }`;

let a: Instance;
let b: Instance;
let c: Instance;

beforeAll(async () => {
  await startUpstream();
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [portA, portB, portC] = [...ports] as [number, number, number];
  a = startGateway("A", portA, SECRET_KEY);
  b = startGateway("B", portB, SECRET_KEY);
  c = startGateway("C", portC, OTHER_SECRET_KEY);
  await Promise.all([a, b, c].map(waitHealthy));
}, STARTUP_TIMEOUT_MS + 10_000);

afterAll(async () => {
  await Promise.all(
    instances.map(async ({ child }) => {
      const pid = child.pid;
      if (pid === undefined) return;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(5000)]);
      }
      // The whole group, e.g. tsx's esbuild service, whatever the gateway did.
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }),
  );
  upstream?.closeAllConnections();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
}, 20_000);

describe("MFA across gateway processes sharing FLINKS_SECRET_KEY", () => {
  let handle = "";

  it("authorize on instance A answers MfaRequired with a handle", async () => {
    expect(upstreamRequests).toEqual([]);
    const data = await graphql(a, AUTHORIZE, { input: { loginId: LOGIN_ID, mostRecentCached: false } });
    expect(data.authorize).toMatchObject({
      __typename: "MfaRequired",
      requestId: MFA_REQUEST_ID,
      institution: "FlinksCapital",
      challenges: [{ type: "QUESTION_AND_ANSWER", prompt: PROMPT }],
    });
    handle = String(data.authorize?.handle);
    expect(handle.length).toBeGreaterThan(20);

    // A minted one token with the secret key, then opened the session with it.
    expect(upstreamRequests.map(({ path }) => path)).toEqual([
      `/v3/${TOOLBOX_CUSTOMER_ID}/BankingServices/GenerateAuthorizeToken`,
      `/v3/${TOOLBOX_CUSTOMER_ID}/BankingServices/Authorize`,
    ]);
    const [mint, first] = upstreamRequests;
    expect(mint?.authKey).toBe(SECRET_KEY);
    expect(mint?.minted).toMatch(/^token-/);
    expect(first?.authKey).toBe(mint?.minted);
    expect(first?.body).toEqual({ LoginId: LOGIN_ID, MostRecentCached: false });
    // The handle carries neither the token nor the RequestId in clear.
    expect(handle).not.toContain(mint?.minted);
    expect(handle).not.toContain(MFA_REQUEST_ID);
  });

  it("submitMfa on instance B with A's handle is Authorized, reusing A's token and RequestId", async () => {
    expect(handle).not.toBe("");
    const data = await graphql(b, SUBMIT_MFA, {
      input: { handle, responses: [{ prompt: PROMPT, answers: [ANSWER] }] },
    });
    expect(data.submitMfa).toMatchObject({
      __typename: "Authorized",
      requestId: authorized.RequestId,
      institution: "FlinksCapital",
      login: { id: LOGIN_ID },
    });

    // B minted no token of its own: exactly one more call, the answer.
    expect(upstreamRequests).toHaveLength(3);
    const [mint, first, second] = upstreamRequests;
    expect(second?.path).toBe(`/v3/${TOOLBOX_CUSTOMER_ID}/BankingServices/Authorize`);
    expect(second?.authKey).toBe(first?.authKey);
    expect(second?.authKey).toBe(mint?.minted);
    expect(second?.authKey).not.toBe(SECRET_KEY);
    expect(second?.body).toEqual({ RequestId: MFA_REQUEST_ID, SecurityResponses: { [PROMPT]: [ANSWER] } });

    // Byte for byte on the wire: UTF-8, precomposed letters, the space before "?", no escaping.
    const responses = (second?.body?.SecurityResponses ?? {}) as Record<string, string[]>;
    const [key] = Object.keys(responses);
    expect(Buffer.from(key ?? "", "utf8")).toEqual(
      Buffer.from([
        0x4f, 0xc3, 0xb9, 0x20, 0xc3, 0xaa, 0x74, 0x65, 0x73, 0x2d, 0x76, 0x6f, 0x75, 0x73, 0x20, 0x6e, 0xc3,
        0xa9, 0x20, 0x3f,
      ]),
    );
    expect(responses[key ?? ""]).toEqual([ANSWER]);
    const wire = second?.raw.toString("utf8") ?? "";
    expect(wire).toContain(`"SecurityResponses":{"${PROMPT}":["${ANSWER}"]}`);
    expect(second?.raw.includes(Buffer.from(`"Montr\u00e9al"`, "utf8"))).toBe(true);
  });

  it("an instance with a different FLINKS_SECRET_KEY rejects the handle as InvalidInputError", async () => {
    expect(handle).not.toBe("");
    const before = upstreamRequests.length;
    const data = await graphql(c, SUBMIT_MFA, {
      input: { handle, responses: [{ prompt: PROMPT, answers: [ANSWER] }] },
    });
    expect(data.submitMfa).toMatchObject({
      __typename: "InvalidInputError",
      retryable: false,
      code: null,
      issues: [{ path: ["input", "handle"], message: expect.any(String) }],
    });
    // Refused before anything reached Flinks.
    expect(upstreamRequests).toHaveLength(before);
  });
});
