import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import type { Gateway } from "../../src/gateway.js";
import { AUTHORIZE, CALLER_KEY, fakeUpstream, LIVE_ENV, LOGIN_ID, testGateway } from "../harness.js";

// Which web pages may call the gateway from a browser. Yoga's default answered any origin, credentials
// included: `OPTIONS /graphql` with `Origin: https://evil.example` got that origin back.

const APP = "https://app.example.com";
const EVIL = "https://evil.example";
const LOCAL_APP = "http://localhost:5173";

const CORS_HEADERS = [
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-allow-headers",
  "access-control-allow-methods",
  "access-control-expose-headers",
  "access-control-max-age",
];
/** The CORS headers of an answer, by name: empty when it has none. */
const corsHeadersOf = (response: Response) =>
  Object.fromEntries(
    CORS_HEADERS.flatMap((name) => {
      const value = response.headers.get(name);
      return value === null ? [] : [[name, value]];
    }),
  );

const gatewayWith = (env: Record<string, string> = {}) => testGateway(fakeUpstream({}), env);

const preflight = (
  gateway: Gateway,
  origin: string,
  headers = "authorization, content-type, x-graphql-yoga-csrf",
) =>
  gateway.yoga.fetch("http://gateway.test/graphql", {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers },
  });

const post = (gateway: Gateway, origin?: string) =>
  gateway.yoga.fetch("http://gateway.test/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${CALLER_KEY}`,
      ...(origin && { origin }),
    },
    body: JSON.stringify({ query: AUTHORIZE, variables: { input: { loginId: LOGIN_ID } } }),
  });

describe("a listed origin (GATEWAY_CORS_ORIGINS)", () => {
  const listed = { ...LIVE_ENV, GATEWAY_CORS_ORIGINS: `${APP}, https://admin.example.com` };

  test("its preflight is answered: its origin, the headers it may send (the CSRF header among them), no credentials", async () => {
    const response = await preflight(gatewayWith(listed), APP);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("access-control-allow-headers")).toBe(
      "authorization, content-type, x-graphql-yoga-csrf, x-request-id",
    );
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(response.headers.get("access-control-max-age")).toBe("600");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  test("its request gets its origin back and may read the request id", async () => {
    const response = await post(gatewayWith(listed), APP);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("access-control-expose-headers")).toBe("x-request-id");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  test("GATEWAY_CORS_CREDENTIALS=true: allow-credentials, for listed origins only", async () => {
    const gateway = gatewayWith({ ...listed, GATEWAY_CORS_CREDENTIALS: "true" });
    expect((await preflight(gateway, APP)).headers.get("access-control-allow-credentials")).toBe("true");
    expect((await preflight(gateway, EVIL)).headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("an unlisted origin", () => {
  test.each([
    ["live mode with a list", { ...LIVE_ENV, GATEWAY_CORS_ORIGINS: APP }],
    ["live mode without a list", LIVE_ENV],
    ["production", { ...LIVE_ENV, NODE_ENV: "production" }],
    ["mock mode", {}],
  ])("%s: its preflight gets 403 and no CORS header at all", async (_, env) => {
    const response = await preflight(gatewayWith(env), EVIL);
    expect(response.status).toBe(403);
    expect(corsHeadersOf(response)).toEqual({});
  });

  test("its request is answered without CORS headers, so its page cannot read the answer", async () => {
    const gateway = gatewayWith({ ...LIVE_ENV, GATEWAY_CORS_ORIGINS: APP });
    const response = await post(gateway, EVIL);
    expect(corsHeadersOf(response)).toEqual({});
    // A single listed origin is never sent to another one (Yoga's own single-origin shortcut would).
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("the CSRF header is never allowed to it", async () => {
    const response = await preflight(
      gatewayWith({ ...LIVE_ENV, GATEWAY_CORS_ORIGINS: APP }),
      EVIL,
      "x-graphql-yoga-csrf",
    );
    expect(response.headers.get("access-control-allow-headers")).toBeNull();
  });

  test("a form post from it (no preflight, so no Authorization header) is stopped by CSRF prevention before anything reaches Flinks", async () => {
    const upstream = fakeUpstream({});
    // Mock mode: an anonymous caller is allowed, so CSRF prevention is what stands in the way.
    const gateway = testGateway(upstream, { GATEWAY_CORS_ORIGINS: APP });
    const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: { origin: EVIL, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        query: `mutation { authorize(input: {loginId: "${LOGIN_ID}"}) { __typename } }`,
      }),
    });
    expect(response.status).toBe(403);
    expect(upstream.calls).toEqual([]);
  });
});

describe("development", () => {
  test("mock mode with no list: a local app on any localhost port is allowed, with the mock's Prefer header", async () => {
    const gateway = gatewayWith();
    for (const origin of [LOCAL_APP, "http://127.0.0.1:3000", "http://localhost"]) {
      const response = await preflight(gateway, origin, "content-type, prefer");
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBe(origin);
      expect(response.headers.get("access-control-allow-headers")).toContain("prefer");
    }
    // Not https, not another host that merely starts with localhost.
    for (const origin of [
      "https://localhost:5173",
      "http://localhost.evil.example",
      "http://localhost:5173.evil.example",
    ]) {
      expect((await preflight(gateway, origin)).status).toBe(403);
    }
  });

  test("mock mode with a list: only the list", async () => {
    const gateway = gatewayWith({ GATEWAY_CORS_ORIGINS: APP });
    expect((await preflight(gateway, LOCAL_APP)).status).toBe(403);
    expect((await preflight(gateway, APP)).status).toBe(204);
  });

  test("live mode, even in development, allows no localhost origin unless listed", async () => {
    expect((await preflight(gatewayWith({ ...LIVE_ENV, NODE_ENV: "development" }), LOCAL_APP)).status).toBe(
      403,
    );
    const listed = gatewayWith({ ...LIVE_ENV, GATEWAY_CORS_ORIGINS: LOCAL_APP });
    expect((await preflight(listed, LOCAL_APP)).headers.get("access-control-allow-origin")).toBe(LOCAL_APP);
    // Live mode never forwards Prefer, so it is not offered.
    expect((await preflight(listed, LOCAL_APP)).headers.get("access-control-allow-headers")).not.toContain(
      "prefer",
    );
  });

  test("a same-origin request (GraphiQL) needs and gets no CORS headers", async () => {
    const response = await post(gatewayWith(LIVE_ENV));
    expect(response.status).toBe(200);
    expect(corsHeadersOf(response)).toEqual({});
  });
});

describe("GATEWAY_CORS_ORIGINS is checked at start-up", () => {
  test.each([
    ["*", /GATEWAY_CORS_ORIGINS: must list origins: \* would let any web page call the gateway/],
    ["https://app.example.com/", /GATEWAY_CORS_ORIGINS: must list origins such as/],
    ["https://app.example.com/graphql", /must list origins such as/],
    ["app.example.com", /must list origins such as/],
    ["ftp://app.example.com", /must list origins such as/],
  ])("%s is refused", (value, message) => {
    expect(() => loadConfig({ GATEWAY_CORS_ORIGINS: value })).toThrow(message);
  });

  test("origins with ports are kept exactly", () => {
    expect(
      loadConfig({ GATEWAY_CORS_ORIGINS: "http://localhost:5173,https://app.example.com:8443" }).cors,
    ).toEqual({
      origins: ["http://localhost:5173", "https://app.example.com:8443"],
      allowLoopback: false,
      credentials: false,
    });
  });
});
