import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";
import { createGateway } from "../../src/gateway.js";
import { AUTHORIZE, fakeUpstream, LIVE_ENV, LOGIN_ID, logCapture, testGateway } from "../harness.js";
import {
  AUDIENCE,
  type IdentityProvider,
  ISSUER,
  type SigningKey,
  signingKey,
  startIdentityProvider,
} from "../identity-provider.js";

const KEY_A = "key-a-0123456789abcdef";
const KEY_B = "key-b-fedcba9876543210";

function gatewayWith(env: Record<string, string>) {
  const upstream = fakeUpstream({});
  const logs = logCapture();
  const gateway = createGateway(
    loadConfig({ NODE_ENV: "test", LOG_LEVEL: "info", GATEWAY_API_KEYS: `${KEY_A}, ${KEY_B}`, ...env }),
    { fetch: upstream.fetch, logDestination: logs.destination },
  );
  return { gateway, upstream, logs };
}

const post = (authorization?: string) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(authorization && { authorization }) },
  body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
});

const UNAUTHENTICATED = (message: string) => ({
  errors: [{ message, extensions: { code: "UNAUTHENTICATED" } }],
});

describe("caller authentication with GATEWAY_API_KEYS", () => {
  test("no Authorization header → 401 asking for a bearer credential, and nothing reaches Flinks", async () => {
    const { gateway, upstream } = gatewayWith({});
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", post());
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="graphql"');
    expect(await response.json()).toEqual(UNAUTHENTICATED("A valid API key is required."));
    expect(upstream.calls).toEqual([]);
  });

  test.each([
    ["a wrong key", `Bearer ${KEY_A}x`],
    ["a prefix of a key", `Bearer ${KEY_A.slice(0, -1)}`],
    ["another scheme", `Basic ${KEY_A}`],
    ["an empty bearer", "Bearer "],
  ])("%s → 401 with a GraphQL-shaped error, and nothing reaches Flinks", async (_, authorization) => {
    const { gateway, upstream } = gatewayWith({});
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", post(authorization));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="graphql"/);
    expect(await response.json()).toEqual(UNAUTHENTICATED("A valid API key is required."));
    expect(upstream.calls).toEqual([]);
  });

  test.each([KEY_A, KEY_B])("a configured key (%s) is let in", async (key) => {
    const { gateway } = gatewayWith({});
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", post(`Bearer ${key}`));
    expect(response.status).toBe(200);
    expect((await response.json()).data.authorize.__typename).toBe("Authorized");
  });

  test("named keys: each request is attributed to its key's name, and no key is logged", async () => {
    const { gateway, logs } = gatewayWith({ GATEWAY_API_KEYS: `mobile-backend:${KEY_A},batch:${KEY_B}` });
    await gateway.yoga.fetch("http://gateway.test/graphql", post(`Bearer ${KEY_A}`));
    await gateway.yoga.fetch("http://gateway.test/graphql", post(`Bearer ${KEY_B}`));
    const consumers = logs
      .records()
      .filter((line) => line.msg === "request")
      .map((line) => line.consumer);
    expect(consumers).toEqual(["key:mobile-backend", "key:batch"]);
    // The upstream calls of each request carry its consumer too.
    expect(
      logs
        .records()
        .filter((line) => line.call === "Authorize")
        .map((line) => line.consumer),
    ).toEqual(["key:mobile-backend", "key:batch"]);
    const everything = logs.lines.join("");
    expect(everything).not.toContain(KEY_A);
    expect(everything).not.toContain(KEY_B);
  });

  test("health endpoints stay open", async () => {
    const { gateway } = gatewayWith({});
    expect((await gateway.yoga.fetch("http://gateway.test/health")).status).toBe(200);
    expect((await gateway.yoga.fetch("http://gateway.test/ready")).status).toBe(200);
  });

  test("without keys or tokens, no authentication is asked (mock mode), and the caller is anonymous", async () => {
    const upstream = fakeUpstream({});
    const logs = logCapture();
    const gateway = testGateway(upstream, { LOG_LEVEL: "info" }, { logDestination: logs.destination });
    expect((await gateway.yoga.fetch("http://gateway.test/graphql", post())).status).toBe(200);
    expect(logs.records().find((line) => line.msg === "request")?.consumer).toBe("anonymous");
  });

  test.each([
    [
      "a key shorter than 16 characters",
      "short",
      /GATEWAY_API_KEYS: each key must be at least 16 characters/,
    ],
    ["a named key shorter than 16 characters", "app:short", /GATEWAY_API_KEYS: each key must be at least 16/],
    ["a name used twice", `app:${KEY_A},app:${KEY_B}`, /GATEWAY_API_KEYS: names a key twice/],
    ["a key listed twice", `a:${KEY_A},b:${KEY_A}`, /GATEWAY_API_KEYS: lists a key twice/],
  ])("%s is refused at start-up, without quoting a key", (_, value, message) => {
    const load = () => loadConfig({ GATEWAY_API_KEYS: value });
    expect(load).toThrow(message);
    try {
      load();
    } catch (error) {
      expect(String(error)).not.toContain(KEY_A);
      expect(String(error)).not.toContain("short");
    }
  });
});

describe("JWT bearer tokens from the consumer's identity provider", () => {
  let idp: IdentityProvider;
  let rsa: SigningKey;
  let ec: SigningKey;
  let unpublished: SigningKey;
  let rs384: SigningKey;

  beforeAll(async () => {
    [rsa, ec, unpublished, rs384] = await Promise.all([
      signingKey("rsa-1", "RS256"),
      signingKey("ec-1", "ES256"),
      signingKey("rsa-unpublished", "RS256"),
      signingKey("rsa-384", "RS384"),
    ]);
    idp = await startIdentityProvider([rsa, ec, rs384]);
  });
  afterAll(() => idp.close());

  const jwtEnv = () => ({
    ...LIVE_ENV,
    GATEWAY_API_KEYS: "",
    GATEWAY_JWT_JWKS_URL: idp.url,
    GATEWAY_JWT_ISSUER: ISSUER,
    GATEWAY_JWT_AUDIENCE: AUDIENCE,
  });
  const tokenGateway = (env: Record<string, string> = {}) => {
    const upstream = fakeUpstream({});
    const logs = logCapture();
    const gateway = testGateway(
      upstream,
      { ...jwtEnv(), LOG_LEVEL: "info", ...env },
      { logDestination: logs.destination },
    );
    return { gateway, upstream, logs };
  };
  const call = (gateway: ReturnType<typeof tokenGateway>["gateway"], token: string) =>
    gateway.yoga.fetch("http://gateway.test/graphql", post(`Bearer ${token}`));

  test.each<[string, () => Promise<string>]>([
    ["RS256", () => idp.sign(rsa)],
    ["ES256", () => idp.sign(ec)],
    [
      "expired 10 s ago, within the clock skew",
      () => idp.sign(rsa, { exp: Math.floor(Date.now() / 1000) - 10 }),
    ],
    ["one of several audiences", () => idp.sign(rsa, { aud: ["another-api", AUDIENCE] })],
  ])("a valid token (%s) is let in and attributed to its subject", async (_, make) => {
    const { gateway, upstream, logs } = tokenGateway();
    const response = await call(gateway, await make());
    expect(response.status).toBe(200);
    expect((await response.json()).data.authorize.__typename).toBe("Authorized");
    expect(upstream.calls.map((c) => c.operation)).toContain("Authorize");
    expect(logs.records().find((line) => line.msg === "request")?.consumer).toBe("token:user-1");
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refused: Array<[string, () => Promise<string>]> = [
    ["not yet valid (nbf in 2 minutes)", () => idp.sign(rsa, { nbf: now() + 120 })],
    ["for another audience", () => idp.sign(rsa, { aud: "another-api" })],
    ["from another issuer", () => idp.sign(rsa, { iss: "https://evil.example/" })],
    ["without a subject", () => idp.sign(rsa, { sub: undefined })],
    ["without an expiry", () => idp.sign(rsa, { exp: undefined })],
    ["with alg: none", async () => idp.unsigned()],
    [
      "HMAC-signed with the provider's public key (algorithm confusion)",
      () => {
        const confused = {
          ...rsa,
          alg: "HS256" as never,
          privateKey: new TextEncoder().encode(rsa.publicPem) as never,
        };
        return idp.sign(confused);
      },
    ],
    ["signed by a key the provider does not publish (unknown kid)", () => idp.sign(unpublished)],
    ["signed by an unpublished key under a published kid", () => idp.sign({ ...unpublished, kid: rsa.kid })],
    [
      "with a tampered payload",
      async () => {
        const [header, , signature] = (await idp.sign(rsa)).split(".");
        const forged = Buffer.from(
          JSON.stringify({ sub: "admin", iss: ISSUER, aud: AUDIENCE, exp: now() + 300 }),
        );
        return `${header}.${forged.toString("base64url")}.${signature}`;
      },
    ],
    [
      "with a tampered signature",
      async () => {
        const token = await idp.sign(rsa);
        const last = token.at(-2) === "A" ? "B" : "A";
        return `${token.slice(0, -2)}${last}${token.at(-1)}`;
      },
    ],
    ["signed with RS384, which the provider publishes but the gateway does not allow", () => idp.sign(rs384)],
    ["that is not a JWT at all", async () => "not.a-token"],
  ];

  test.each(refused)("a token %s → 401 invalid_token, and nothing reaches Flinks", async (_, make) => {
    const { gateway, upstream, logs } = tokenGateway();
    const token = await make();
    const response = await call(gateway, token);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="graphql", error="invalid_token"');
    expect(await response.json()).toEqual(UNAUTHENTICATED("A valid bearer token is required."));
    expect(upstream.calls).toEqual([]);
    expect(logs.lines.join("")).not.toContain(token);
  });

  test("an expired token → 401 saying so (the front end refreshes it), and nothing reaches Flinks", async () => {
    const { gateway, upstream } = tokenGateway();
    const response = await call(gateway, await idp.sign(rsa, { exp: now() - 120 }));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      'Bearer realm="graphql", error="invalid_token", error_description="The token expired"',
    );
    expect(await response.json()).toEqual(UNAUTHENTICATED("The bearer token has expired."));
    expect(upstream.calls).toEqual([]);
  });

  test("GATEWAY_JWT_ALGORITHMS pins alg: ES256 alone refuses an RS256 token", async () => {
    const { gateway, upstream } = tokenGateway({ GATEWAY_JWT_ALGORITHMS: "ES256" });
    expect((await call(gateway, await idp.sign(rsa))).status).toBe(401);
    expect((await call(gateway, await idp.sign(ec))).status).toBe(200);
    expect(upstream.calls.filter((c) => c.operation === "Authorize")).toHaveLength(1);
  });

  test("keys and tokens together: a service's key and a front end's token both get in", async () => {
    const { gateway } = tokenGateway({ GATEWAY_API_KEYS: `service:${KEY_A}` });
    expect((await call(gateway, KEY_A)).status).toBe(200);
    expect((await call(gateway, await idp.sign(ec))).status).toBe(200);
    const refusal = await call(gateway, "neither-a-key-nor-a-token");
    expect(await refusal.json()).toEqual(UNAUTHENTICATED("A valid API key or bearer token is required."));
  });

  test("the provider's key set unreachable → 503 with Retry-After, and nothing reaches Flinks", async () => {
    const down = await startIdentityProvider([rsa]);
    down.failing = true;
    const { gateway, upstream, logs } = tokenGateway({ GATEWAY_JWT_JWKS_URL: down.url });
    const response = await call(gateway, await idp.sign(rsa));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect((await response.json()).errors[0].extensions.code).toBe("AUTHENTICATION_UNAVAILABLE");
    expect(upstream.calls).toEqual([]);
    expect(logs.records().some((line) => line.reason === "identity provider's key set unavailable")).toBe(
      true,
    );
    // Once it answers again, the same token gets in.
    down.failing = false;
    expect((await call(gateway, await idp.sign(rsa))).status).toBe(200);
    await down.close();
  });
});

describe("who may run the gateway without caller authentication", () => {
  test.each([
    ["NODE_ENV=production", { NODE_ENV: "production", ...LIVE_ENV, GATEWAY_API_KEYS: undefined }],
    ["live mode", { ...LIVE_ENV, GATEWAY_API_KEYS: undefined }],
  ])("%s refuses to start with neither keys nor JWT configured", (_, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/GATEWAY_API_KEYS: is required .* unless GATEWAY_JWT_JWKS_URL is/);
  });

  test("production with JWT alone starts", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      ...LIVE_ENV,
      GATEWAY_API_KEYS: undefined,
      GATEWAY_JWT_JWKS_URL: "https://idp.example.test/.well-known/jwks.json",
      GATEWAY_JWT_ISSUER: ISSUER,
      GATEWAY_JWT_AUDIENCE: AUDIENCE,
    });
    expect(config.apiKeys).toEqual([]);
    expect(config.jwt).toMatchObject({
      issuer: ISSUER,
      audience: [AUDIENCE],
      algorithms: ["RS256", "ES256"],
    });
  });
});

describe("production defaults", () => {
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
