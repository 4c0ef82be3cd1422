import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createGateway } from "../../src/yoga.js";
import { AUTHORIZE, fakeUpstream, LIVE_ENV, LOGIN_ID } from "../harness.js";

const KEY_A = "key-a-0123456789abcdef";
const KEY_B = "key-b-fedcba9876543210";

function gatewayWith(env: Record<string, string>) {
  const upstream = fakeUpstream({});
  const gateway = createGateway(
    loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", GATEWAY_API_KEYS: `${KEY_A}, ${KEY_B}`, ...env }),
    { fetch: upstream.fetch },
  );
  return { gateway, upstream };
}

const post = (authorization?: string) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(authorization && { authorization }) },
  body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
});

describe("caller authentication with GATEWAY_API_KEYS", () => {
  test.each([
    ["no Authorization header", undefined],
    ["a wrong key", `Bearer ${KEY_A}x`],
    ["a prefix of a key", `Bearer ${KEY_A.slice(0, -1)}`],
    ["another scheme", `Basic ${KEY_A}`],
    ["an empty bearer", "Bearer "],
  ])("%s → 401 with a GraphQL-shaped error, and nothing reaches Flinks", async (_, authorization) => {
    const { gateway, upstream } = gatewayWith({});
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", post(authorization));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="graphql"');
    expect(await response.json()).toEqual({
      errors: [{ message: "A valid API key is required.", extensions: { code: "UNAUTHENTICATED" } }],
    });
    expect(upstream.calls).toEqual([]);
  });

  test.each([KEY_A, KEY_B])("a configured key (%s) is let in", async (key) => {
    const { gateway } = gatewayWith({});
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", post(`Bearer ${key}`));
    expect(response.status).toBe(200);
    expect((await response.json()).data.authorize.__typename).toBe("Authorized");
  });

  test("health endpoints stay open", async () => {
    const { gateway } = gatewayWith({});
    expect((await gateway.yoga.fetch("http://gateway.test/health")).status).toBe(200);
    expect((await gateway.yoga.fetch("http://gateway.test/ready")).status).toBe(200);
  });

  test("without keys, no authentication is asked (development)", async () => {
    const upstream = fakeUpstream({});
    const gateway = createGateway(loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }), {
      fetch: upstream.fetch,
    });
    expect((await gateway.yoga.fetch("http://gateway.test/graphql", post())).status).toBe(200);
  });

  test("keys shorter than 16 characters are refused at start-up", () => {
    expect(() => loadConfig({ GATEWAY_API_KEYS: "short" })).toThrow(
      /GATEWAY_API_KEYS: each key must be at least 16/,
    );
  });
});

describe("production defaults", () => {
  test("NODE_ENV=production refuses to start without GATEWAY_API_KEYS", () => {
    const production = { NODE_ENV: "production", ...LIVE_ENV, GATEWAY_API_KEYS: undefined };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/GATEWAY_API_KEYS: is required/);
  });

  const introspection = JSON.stringify({ query: "{ __schema { queryType { name } } }" });
  const ask = (gateway: ReturnType<typeof gatewayWith>["gateway"], init: RequestInit) =>
    gateway.yoga.fetch("http://gateway.test/graphql", {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${KEY_A}` },
    });

  test("production: no GraphiQL, no introspection", async () => {
    const { gateway } = gatewayWith({
      NODE_ENV: "production",
      FLINKS_BASE_URL: "http://flinks.test",
      FLINKS_SECRET_KEY: "s",
    });
    const page = await ask(gateway, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toContain("<html");
    const response = await ask(gateway, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: introspection,
    });
    expect(JSON.stringify(await response.json())).toMatch(/introspection/i);
  });

  test("production with GATEWAY_INTROSPECTION=true: introspection works", async () => {
    const { gateway } = gatewayWith({
      NODE_ENV: "production",
      FLINKS_BASE_URL: "http://flinks.test",
      FLINKS_SECRET_KEY: "s",
      GATEWAY_INTROSPECTION: "true",
    });
    const response = await ask(gateway, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: introspection,
    });
    expect((await response.json()).data.__schema.queryType.name).toBe("Query");
  });

  test("development: GraphiQL opens with the example operations", async () => {
    const { gateway } = gatewayWith({ NODE_ENV: "development" });
    const page = await ask(gateway, { headers: { accept: "text/html" } });
    const html = await page.text();
    expect(html).toContain("<html");
    expect(html).toContain("AuthorizeCached");
    expect(html).toContain("SubmitMfa");
  });
});
