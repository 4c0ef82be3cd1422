import { describe, expect, test } from "vitest";
import { CSRF_HEADER } from "../../src/plugins/use-csrf-prevention.js";
import { CALLER_KEY, fakeUpstream, LIVE_ENV, LOGIN_ID, testGateway } from "../harness.js";

const QUERY = encodeURIComponent("{ gatewayMode }");
const MUTATION = `mutation { authorize(input: { loginId: "${LOGIN_ID}" }) { __typename } }`;

async function send(env: Record<string, string>, init: RequestInit & { path?: string }) {
  const upstream = fakeUpstream({});
  const response = await testGateway(upstream, env).yoga.fetch(
    `http://gateway.test/graphql${init.path ?? ""}`,
    init,
  );
  const body = (await response.json()) as {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  return { status: response.status, body, sentToFlinks: upstream.calls.length };
}

describe("CSRF prevention: only where a request can be forged", () => {
  test("a GET query without a credential or the header (what a cross-site page can make a browser send) is 403 with a code naming the header", async () => {
    const { status, body } = await send({}, { method: "GET", path: `?query=${QUERY}` });
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe("CSRF_HEADER_REQUIRED");
    expect(body.errors?.[0]?.message).toContain(CSRF_HEADER);
  });

  test("a form post without a credential is refused before anything reaches Flinks", async () => {
    const { status, body, sentToFlinks } = await send(
      {},
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: MUTATION }),
      },
    );
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe("CSRF_HEADER_REQUIRED");
    expect(sentToFlinks).toBe(0);
  });

  test("with the header, or with a bearer credential (which no cross-site page can attach without a preflight), a GET query runs", async () => {
    const withHeader = await send(
      {},
      { method: "GET", path: `?query=${QUERY}`, headers: { [CSRF_HEADER]: "1" } },
    );
    expect(withHeader.body).toEqual({ data: { gatewayMode: "MOCK" } });
    const withBearer = await send(LIVE_ENV, {
      method: "GET",
      path: `?query=${QUERY}`,
      headers: { authorization: `Bearer ${CALLER_KEY}` },
    });
    expect(withBearer.body).toEqual({ data: { gatewayMode: "LIVE" } });
  });
});
