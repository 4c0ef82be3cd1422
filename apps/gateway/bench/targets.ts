import { type Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { authorized, LOGIN_ID } from "@flinks-authorize/kit/fixtures";
import { type GatewayProcess, type GatewayProcessOptions, startGateway } from "@flinks-authorize/kit/gateway";
import { loadConfig } from "../src/config/index.js";
import { createGateway, type Gateway } from "../src/gateway.js";

/** What every scenario sends and expects: one authorize in cached mode, answered Authorized. */
export const API_KEY = "bench-key-0123456789abcdef012345";

/**
 * The gateway as production configures it, in this process, for the scenarios that time the gateway's own
 * work on a request that never reaches Flinks (an upstream nobody listens on).
 */
export function inProcessProductionGateway(env: Record<string, string> = {}): Gateway {
  return createGateway(
    loadConfig({
      NODE_ENV: "production",
      GATEWAY_API_KEYS: API_KEY,
      LOG_LEVEL: "silent",
      FLINKS_BASE_URL: "http://127.0.0.1:9",
      FLINKS_SECRET_KEY: "bench-secret-key",
      ...env,
    }),
  );
}
export const MUTATION = `mutation { authorize(input: {loginId: "${LOGIN_ID}"}) { __typename ... on Authorized { requestId } } }`;
export const REQUEST_HEADERS = { "content-type": "application/json", authorization: `Bearer ${API_KEY}` };

/** The gateway configured as in production; the baselines ignore what they do not read. */
export const productionEnv = (upstream: string, extra: Record<string, string> = {}) => ({
  NODE_ENV: "production",
  GATEWAY_API_KEYS: API_KEY,
  LOG_LEVEL: "warn",
  FLINKS_BASE_URL: upstream,
  FLINKS_SECRET_KEY: "bench-secret-key",
  // One key repeats one LoginId: the limits are on, so their cost is measured, but set too high to refuse.
  GATEWAY_LIMIT_CONSUMER_PER_MINUTE: "1000000000",
  GATEWAY_LIMIT_END_USER_PER_HOUR: "1000000000",
  ...extra,
});

const server = (name: string) => fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url));

export interface Target {
  label: string;
  /** How the server under test runs: what startGateway takes, but for the upstream and port. */
  run: Omit<GatewayProcessOptions, "env"> & { env?: Record<string, string> };
}

/** The gateway as shipped: the production bundle under the production node flags (the default). */
export const shippedGateway = (bundle: string): Target => ({
  label: "gateway (production bundle)",
  run: { entry: bundle },
});
/** Baseline: the least a forwarder can do, the same two upstream calls over a keep-alive agent. */
export const rawForwarder: Target = {
  label: "raw node:http forwarder",
  run: { entry: server("raw-forwarder") },
};
/** Baseline: the typed client with no GraphQL in front of it. */
export const directClient: Target = {
  label: "direct client calls, no GraphQL",
  run: { entry: server("direct-client") },
};
export const GATEWAY_VARIANT = server("gateway-variant");

/** Starts a target against an upstream and checks that it answers Authorized before it is measured. */
export async function startTarget(
  target: Target,
  upstream: string,
  more: Partial<GatewayProcessOptions> = {},
): Promise<GatewayProcess> {
  const { env, ...run } = target.run;
  const started = await startGateway({ ...run, ...more, env: productionEnv(upstream, env) });
  try {
    const { status, text } = await postAuthorize(started.url);
    if (status !== 200 || !isAuthorized(text)) {
      throw new Error(`${target.label}: expected Authorized, got HTTP ${status}: ${text.slice(0, 300)}`);
    }
    return started;
  } catch (error) {
    await started.stop();
    throw new Error(`${(error as Error).message}\n${started.stderr().slice(-2_000)}`);
  }
}

/** A body is a success only when it is the Authorized result for the spec's session, without errors. */
export function isAuthorized(text: string): boolean {
  try {
    const { data, errors } = JSON.parse(text) as {
      data?: { authorize?: { __typename?: string; requestId?: string } };
      errors?: unknown;
    };
    return (
      errors === undefined &&
      data?.authorize?.__typename === "Authorized" &&
      data.authorize.requestId === authorized.RequestId
    );
  } catch {
    return false;
  }
}

/** One POST of the authorize mutation with node:http (no agent unless given); resolves status and body. */
export function postAuthorize(
  url: string,
  options: { agent?: Agent; body?: string } = {},
): Promise<{ status: number; text: string }> {
  const body = options.body ?? JSON.stringify({ query: MUTATION });
  return new Promise((resolve, reject) => {
    const call = request(
      new URL("/graphql", url),
      {
        method: "POST",
        agent: options.agent ?? false,
        headers: { ...REQUEST_HEADERS, "content-length": Buffer.byteLength(body) },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () =>
          resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        answer.on("error", reject);
      },
    );
    call.setTimeout(30_000, () => call.destroy(new Error("request timed out")));
    call.on("error", reject);
    call.end(body);
  });
}
