import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, validate } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import {
  AuthorizationDocument,
  AuthorizeDocument,
  ConnectTokenDocument,
  ContinueAuthorizationDocument,
  GatewayModeDocument,
  SubmitMfaDocument,
} from "../../operations/generated/graphql.js";
import { ConfigError, loadConfig } from "../../src/config/index.js";
import { readTrustedDocuments } from "../../src/config/trusted-documents.js";
import type { Gateway } from "../../src/gateway.js";
import { schema } from "../../src/schema/index.js";
import { authorized, CALLER_KEY, fakeUpstream, LOGIN_ID, testGateway } from "../harness.js";

// GATEWAY_TRUSTED_DOCUMENTS with the manifest `pnpm generate` writes from operations/*.graphql: the
// gateway runs those documents by id and refuses everything else, before anything reaches Flinks.

const MANIFEST = fileURLToPath(
  new URL("../../operations/generated/persisted-documents.json", import.meta.url),
);
const OPERATIONS = {
  AuthorizeDocument,
  SubmitMfaDocument,
  ContinueAuthorizationDocument,
  AuthorizationDocument,
  GatewayModeDocument,
  ConnectTokenDocument,
};
const idOf = (document: { __meta__?: Record<string, unknown> }) => String(document.__meta__?.hash);
const AUTHORIZE_ID = idOf(AuthorizeDocument);

async function post(gateway: Gateway, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

/** The single error of a refused request: its HTTP status, code and message. */
async function refusal(gateway: Gateway, body: Record<string, unknown>) {
  const { status, text } = await post(gateway, body);
  const { data, errors } = JSON.parse(text) as {
    data?: unknown;
    errors: Array<{ message: string; extensions: { code: string } }>;
  };
  expect(data).toBeUndefined();
  expect(errors).toHaveLength(1);
  return { status, code: errors[0]?.extensions.code, message: errors[0]?.message };
}

describe("the manifest pnpm generate writes", () => {
  const manifest = readTrustedDocuments(MANIFEST);

  it("lists every documented operation under the id its typed document carries", () => {
    expect([...manifest.keys()].sort()).toEqual(Object.values(OPERATIONS).map(idOf).sort());
  });

  it.each(Object.entries(OPERATIONS))("%s is valid against the gateway's schema", (_, document) => {
    const text = manifest.get(idOf(document));
    expect(text).toBeDefined();
    expect(validate(schema, parse(String(text)))).toEqual([]);
  });
});

describe("with GATEWAY_TRUSTED_DOCUMENTS", () => {
  const upstream = fakeUpstream({});
  const gateway = testGateway(upstream, { GATEWAY_TRUSTED_DOCUMENTS: MANIFEST });

  it("runs a trusted document by its documentId", async () => {
    const { status, text } = await post(gateway, {
      documentId: AUTHORIZE_ID,
      variables: { input: { loginId: LOGIN_ID } },
    });
    expect(status).toBe(200);
    expect(JSON.parse(text).data.authorize).toMatchObject({
      __typename: "Authorized",
      login: { id: LOGIN_ID },
    });
  });

  it("runs it by an Apollo APQ hash too (the same SHA-256, unprefixed)", async () => {
    const { status, text } = await post(gateway, {
      variables: { input: { loginId: LOGIN_ID } },
      extensions: { persistedQuery: { version: 1, sha256Hash: AUTHORIZE_ID.slice("sha256:".length) } },
    });
    expect(status).toBe(200);
    expect(JSON.parse(text).data.authorize.__typename).toBe("Authorized");
  });

  it("streams the authorization subscription by documentId over server-sent events", async () => {
    const pending = fakeUpstream({
      authorize: () => ({
        status: 202,
        body: { HttpStatusCode: 202, FlinksCode: "OPERATION_DISPATCHED", RequestId: LOGIN_ID },
      }),
      authorizeAsync: () => ({ status: 200, body: authorized }),
    });
    const withPending = testGateway(pending, { GATEWAY_TRUSTED_DOCUMENTS: MANIFEST });
    const started = await post(withPending, {
      documentId: AUTHORIZE_ID,
      variables: { input: { loginId: LOGIN_ID } },
    });
    const { handle } = JSON.parse(started.text).data.authorize;
    expect(handle).toEqual(expect.any(String));
    const stream = await post(
      withPending,
      { documentId: idOf(AuthorizationDocument), variables: { handle } },
      { accept: "text/event-stream" },
    );
    expect(stream.type).toMatch(/^text\/event-stream/);
    expect(stream.text).toMatch(/^event: next\ndata: .*"__typename":"Authorized"/m);
    expect(stream.text).toMatch(/^event: complete$/m);
    await withPending.close();
  });

  it("runs a query by documentId over GET too; a mutation over GET is refused (405)", async () => {
    const get = async (document: { __meta__?: Record<string, unknown> }) => {
      const url = `http://gateway.test/graphql?documentId=${encodeURIComponent(idOf(document))}`;
      const response = await gateway.yoga.fetch(url, {
        headers: { authorization: `Bearer ${CALLER_KEY}`, "x-graphql-yoga-csrf": "1" },
      });
      return { status: response.status, body: JSON.parse(await response.text()) };
    };
    expect(await get(GatewayModeDocument)).toEqual({ status: 200, body: { data: { gatewayMode: "MOCK" } } });
    expect((await get(AuthorizeDocument)).status).toBe(405);
  });

  it("refuses query text with 400 PERSISTED_QUERY_ID_REQUIRED, even a trusted document's own text", async () => {
    const before = upstream.calls.length;
    const trustedText = readTrustedDocuments(MANIFEST).get(AUTHORIZE_ID);
    for (const query of [trustedText, "{ __schema { types { name } } }"]) {
      expect(await refusal(gateway, { query, variables: { input: { loginId: LOGIN_ID } } })).toEqual({
        status: 400,
        code: "PERSISTED_QUERY_ID_REQUIRED",
        message: expect.stringMatching(/trusted documents only: send the documentId/),
      });
    }
    expect(upstream.calls.length).toBe(before);
  });

  it("refuses an id the manifest does not list with 400 PERSISTED_QUERY_NOT_IN_LIST", async () => {
    expect(await refusal(gateway, { documentId: `sha256:${"0".repeat(64)}` })).toEqual({
      status: 400,
      code: "PERSISTED_QUERY_NOT_IN_LIST",
      message: expect.stringMatching(/^Unknown documentId/),
    });
  });

  it("refuses an id with query text (CANNOT_SEND_PQ_ID_AND_BODY), and no id at all", async () => {
    expect(await refusal(gateway, { documentId: AUTHORIZE_ID, query: "{ gatewayMode }" })).toMatchObject({
      status: 400,
      code: "CANNOT_SEND_PQ_ID_AND_BODY",
    });
    expect(await refusal(gateway, { variables: {} })).toMatchObject({
      status: 400,
      code: "PERSISTED_QUERY_ID_REQUIRED",
    });
  });

  afterAll(() => gateway.close());
});

describe("GATEWAY_TRUSTED_DOCUMENTS that cannot be used stops the gateway at start-up", () => {
  const folder = mkdtempSync(join(tmpdir(), "trusted-documents-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const withFile = (contents: string) => {
    const path = join(folder, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, contents);
    return path;
  };
  const problemWith = (path: string) => {
    try {
      loadConfig({ GATEWAY_TRUSTED_DOCUMENTS: path });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error("loadConfig accepted the manifest");
  };
  const SOME_ID = `sha256:${"a".repeat(64)}`;

  it.each([
    ["a missing file", join(folder, "missing.json"), /cannot be read \(ENOENT\)/],
    ["text that is not JSON", withFile("{ not json"), /is not JSON/],
    ["a JSON array", withFile("[]"), /must be a JSON object/],
    ["an empty manifest", withFile("{}"), /lists no document/],
    [
      "a key that is not a sha256 id",
      withFile('{"abc": "{ gatewayMode }"}'),
      /not a sha256:<64 hex digits> id/,
    ],
    [
      "an id that is not its document's hash",
      withFile(JSON.stringify({ [SOME_ID]: "{ gatewayMode }" })),
      /another hash/,
    ],
  ])("%s: a message naming the variable, without the file's contents", (_, path, expected) => {
    const message = problemWith(path);
    expect(message).toMatch(/^Invalid gateway configuration:\n {2}- GATEWAY_TRUSTED_DOCUMENTS: /);
    expect(message).toMatch(expected);
    expect(message).not.toContain("gatewayMode");
  });

  it("a document that is not GraphQL, under its true hash", () => {
    const text = "not { graphql";
    const id = `sha256:${createHash("sha256").update(text).digest("hex")}`;
    expect(problemWith(withFile(JSON.stringify({ [id]: text })))).toMatch(/is not a GraphQL document/);
  });

  it("unset or blank: any operation runs", () => {
    expect(loadConfig({}).trustedDocuments).toBeUndefined();
    expect(loadConfig({ GATEWAY_TRUSTED_DOCUMENTS: " " }).trustedDocuments).toBeUndefined();
  });
});
