import {
  AuthorizationDocument,
  AuthorizeDocument,
  GatewayModeDocument,
} from "@flinks-authorize/gateway/operations";
import { describe, expect, it } from "vitest";
import { createGatewayClient, GatewayError } from "../src/gateway";

// The app's GraphQL client against a scripted fetch: what it sends, and how it reads answers and streams.

const URL = "http://gateway.test/graphql";
const PENDING = {
  __typename: "Pending",
  requestId: "r",
  handle: "h",
  reason: "OPERATION_PENDING",
  message: "m",
};
const AUTHORIZED = { __typename: "Authorized", requestId: "r" };

interface Sent {
  headers: Record<string, string>;
  body: Record<string, unknown>;
  signal: AbortSignal | undefined;
}

/** A fetch that records each request and answers with `answer()`. */
function scripted(answer: () => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    sent.push({
      headers: init?.headers as Record<string, string>,
      body: JSON.parse(String(init?.body)),
      signal: init?.signal ?? undefined,
    });
    return answer();
  };
  return { sent, fetch: fetch as typeof globalThis.fetch };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** An event stream delivered in these chunks, cut wherever the test likes. */
function eventStream(chunks: string[], onCancel?: () => void) {
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    cancel: onCancel,
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

const next = (data: unknown) => `event: next\ndata: ${JSON.stringify({ data })}\n\n`;

describe("execute", () => {
  it("sends the document's text and variables, and the Prefer header only when given", async () => {
    const { sent, fetch } = scripted(() => json({ data: { gatewayMode: "MOCK" } }));
    const client = createGatewayClient({ url: URL, fetch });
    expect(await client.execute(GatewayModeDocument, {})).toEqual({ gatewayMode: "MOCK" });
    await client.execute(AuthorizeDocument, { input: { loginId: "l" } }, { prefer: "code=203" });
    expect(sent[0]?.body).toEqual({ query: GatewayModeDocument.toString(), variables: {} });
    expect(sent[0]?.headers).not.toHaveProperty("prefer");
    expect(sent[1]?.headers).toMatchObject({ "content-type": "application/json", prefer: "code=203" });
  });

  it("with trusted documents: the document's sha256 id instead of its text", async () => {
    const { sent, fetch } = scripted(() => json({ data: { authorize: AUTHORIZED } }));
    const client = createGatewayClient({ url: URL, fetch, trustedDocuments: true });
    await client.execute(AuthorizeDocument, { input: { loginId: "l" } });
    expect(sent[0]?.body).toEqual({
      documentId: AuthorizeDocument.__meta__?.hash,
      variables: { input: { loginId: "l" } },
    });
    expect(sent[0]?.body.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("a refused request throws a GatewayError with the error's message, code and HTTP status", async () => {
    const { fetch } = scripted(() =>
      json(
        { errors: [{ message: "Unknown documentId", extensions: { code: "PERSISTED_QUERY_NOT_IN_LIST" } }] },
        400,
      ),
    );
    const failure = createGatewayClient({ url: URL, fetch }).execute(GatewayModeDocument, {});
    await expect(failure).rejects.toThrow(GatewayError);
    await expect(failure).rejects.toMatchObject({
      message: "Unknown documentId",
      code: "PERSISTED_QUERY_NOT_IN_LIST",
      status: 400,
    });
  });

  it("an answer that is not GraphQL, and no answer at all, are GatewayErrors that say so", async () => {
    const html = scripted(() => new Response("<html>bad gateway</html>", { status: 502 }));
    await expect(
      createGatewayClient({ url: URL, fetch: html.fetch }).execute(GatewayModeDocument, {}),
    ).rejects.toMatchObject({
      message: "The gateway answered HTTP 502 without a GraphQL response.",
      status: 502,
    });
    const down = scripted(() => Promise.reject(new TypeError("Failed to fetch")));
    await expect(
      createGatewayClient({ url: URL, fetch: down.fetch }).execute(GatewayModeDocument, {}),
    ).rejects.toMatchObject({
      code: "NETWORK_ERROR",
      message: expect.stringContaining("GATEWAY_CORS_ORIGINS"),
    });
  });

  it("an aborted call rejects with the abort, not a GatewayError", async () => {
    const controller = new AbortController();
    const { fetch } = scripted(() => {
      controller.abort();
      return Promise.reject(controller.signal.reason);
    });
    const call = createGatewayClient({ url: URL, fetch }).execute(
      GatewayModeDocument,
      {},
      { signal: controller.signal },
    );
    await expect(call).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("subscribe", () => {
  it("yields each result of the event stream, whatever its chunks, and ends at complete", async () => {
    const stream = [
      next({ authorization: PENDING }),
      ":\n\n",
      next({ authorization: AUTHORIZED }),
      "event: complete\ndata:\n\n",
    ];
    // Cut mid-line and mid-event.
    const chunks = stream.join("").match(/[\s\S]{1,7}/g) ?? [];
    const { sent, fetch } = scripted(() => eventStream(chunks));
    const client = createGatewayClient({ url: URL, fetch, trustedDocuments: true });
    const results = [];
    for await (const { authorization } of client.subscribe(AuthorizationDocument, { handle: "h" })) {
      results.push(authorization.__typename);
    }
    expect(results).toEqual(["Pending", "Authorized"]);
    expect(sent[0]?.headers.accept).toBe("text/event-stream");
    expect(sent[0]?.body).toEqual({
      documentId: AuthorizationDocument.__meta__?.hash,
      variables: { handle: "h" },
    });
  });

  it("leaving the loop early aborts the request, which closes the connection", async () => {
    const { sent, fetch } = scripted(() =>
      eventStream([next({ authorization: PENDING }), next({ authorization: PENDING })]),
    );
    for await (const _ of createGatewayClient({ url: URL, fetch }).subscribe(AuthorizationDocument, {
      handle: "h",
    })) {
      expect(sent[0]?.signal?.aborted).toBe(false);
      break;
    }
    expect(sent[0]?.signal?.aborted).toBe(true);
  });

  it("a refused subscription (no stream) throws the gateway's error", async () => {
    const { fetch } = scripted(() =>
      json(
        { errors: [{ message: "send a documentId", extensions: { code: "PERSISTED_QUERY_ID_REQUIRED" } }] },
        400,
      ),
    );
    const updates = createGatewayClient({ url: URL, fetch }).subscribe(AuthorizationDocument, {
      handle: "h",
    });
    await expect(updates.next()).rejects.toMatchObject({ code: "PERSISTED_QUERY_ID_REQUIRED", status: 400 });
  });
});
