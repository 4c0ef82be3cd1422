// The app's whole GraphQL client: typed documents in, typed results out, over fetch. No React in here,
// so any front end can copy it. Results of the gateway's own outcomes (Authorized, MfaRequired, Pending,
// every Error member) arrive as data; only a refused or broken request throws a GatewayError.
import type { TypedDocumentString } from "@flinks-authorize/gateway/operations";
import { EventSourceParserStream } from "eventsource-parser/stream";

/** A request the gateway refused or could not answer: its GraphQL error, or why nothing came back. */
export class GatewayError extends Error {
  override name = "GatewayError";
  constructor(
    message: string,
    /** The error's `extensions.code`, e.g. PERSISTED_QUERY_NOT_IN_LIST; NETWORK_ERROR when unreachable. */
    readonly code: string | undefined,
    /** The HTTP status, when an answer came. */
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

export interface GatewayClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /**
   * Send each document's id (`sha256:…`, GraphQL over HTTP's `documentId`) instead of its text, as a
   * gateway with GATEWAY_TRUSTED_DOCUMENTS requires.
   * @default false
   */
  trustedDocuments?: boolean;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Mock mode only: the Prefer header the gateway forwards to Prism, picking its answer. */
  prefer?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What a typed document gives the transport: its text and, with persisted documents, its id. */
interface DocumentSource {
  toString(): string;
  __meta__?: Record<string, unknown> | undefined;
}

interface GraphQLResponse<TResult> {
  data?: TResult | null;
  errors?: Array<{ message?: string; extensions?: { code?: string } }>;
}

export interface GatewayClient {
  /** One query or mutation. */
  execute<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    options?: CallOptions,
  ): Promise<TResult>;
  /** A subscription over server-sent events (GraphQL over SSE, distinct connections): each result. */
  subscribe<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    options?: CallOptions,
  ): AsyncGenerator<TResult, void>;
}

export function createGatewayClient({
  url,
  trustedDocuments = false,
  fetch: fetchImpl = globalThis.fetch.bind(globalThis),
}: GatewayClientOptions): GatewayClient {
  function bodyOf(document: DocumentSource, variables: unknown): string {
    if (!trustedDocuments) return JSON.stringify({ query: document.toString(), variables });
    const documentId: unknown = document.__meta__?.hash;
    if (typeof documentId !== "string") {
      throw new Error("This document has no persisted id: run pnpm generate.");
    }
    return JSON.stringify({ documentId, variables });
  }

  async function post(
    document: DocumentSource,
    variables: unknown,
    accept: string,
    { prefer, signal }: CallOptions,
  ): Promise<Response> {
    const headers: Record<string, string> = { "content-type": "application/json", accept };
    if (prefer) headers.prefer = prefer;
    try {
      return await fetchImpl(url, { method: "POST", headers, body: bodyOf(document, variables), signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      // The browser does not say which: the gateway is down, or its CORS policy refused this origin.
      throw new GatewayError(
        `Cannot reach the gateway at ${url}. Is it running (pnpm start), and does GATEWAY_CORS_ORIGINS list this page's origin?`,
        "NETWORK_ERROR",
        undefined,
      );
    }
  }

  function dataOf<TResult>(response: GraphQLResponse<TResult>, status: number | undefined): TResult {
    const [error] = response.errors ?? [];
    if (error || response.data == null) {
      throw new GatewayError(
        error?.message ?? "The gateway answered without data.",
        error?.extensions?.code,
        status,
      );
    }
    return response.data;
  }

  async function readResult<TResult>(response: Response): Promise<TResult> {
    let body: GraphQLResponse<TResult>;
    try {
      body = (await response.json()) as GraphQLResponse<TResult>;
    } catch {
      throw new GatewayError(
        `The gateway answered HTTP ${response.status} without a GraphQL response.`,
        undefined,
        response.status,
      );
    }
    return dataOf(body, response.status);
  }

  return {
    async execute(document, variables, options = {}) {
      const response = await post(
        document,
        variables,
        "application/graphql-response+json, application/json",
        options,
      );
      return readResult(response);
    },

    async *subscribe<TResult, TVariables>(
      document: TypedDocumentString<TResult, TVariables>,
      variables: TVariables,
      options: CallOptions = {},
    ) {
      // Whenever the caller leaves (the stream completes, it breaks out of its loop, or it throws), the
      // request is aborted: that closes the connection at once, and the gateway stops polling Flinks.
      const leave = new AbortController();
      const signal = options.signal ? AbortSignal.any([options.signal, leave.signal]) : leave.signal;
      try {
        const response = await post(document, variables, "text/event-stream", { ...options, signal });
        if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
          // A refused request is answered with a GraphQL error, not a stream.
          await readResult<TResult>(response);
          throw new GatewayError("The gateway did not open an event stream.", undefined, response.status);
        }
        const events = response.body
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new EventSourceParserStream());
        for await (const event of events) {
          if (event.event === "complete") return;
          if (event.event === "next") {
            yield dataOf(JSON.parse(event.data) as GraphQLResponse<TResult>, response.status);
          }
        }
      } finally {
        leave.abort();
      }
    },
  };
}
