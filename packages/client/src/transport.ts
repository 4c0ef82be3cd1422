import { Agent, type Dispatcher } from "undici";

/** statuses whose response must have a null body */
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * The default cap on an answer body: Flinks' answers are JSON documents of a few KiB, so 1 MiB leaves
 * two orders of magnitude of headroom while keeping a hostile or broken upstream from filling memory.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

const noop = () => {};

/** Bytes over a plain ArrayBuffer (never a shared one): the kind Blob and Response take. */
type Bytes = Uint8Array<ArrayBuffer>;

/**
 * An answer whose body is over the byte cap: refused from its Content-Length before anything was read,
 * or abandoned as soon as the count of bytes read passed the cap. Its message quotes nothing from it.
 */
export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";

  constructor(
    /** The HTTP status the answer came with. */
    readonly status: number,
    /** The cap it went over, in bytes. */
    readonly limit: number,
  ) {
    super(`The HTTP ${status} answer has a body over the ${limit}-byte limit.`);
  }
}

function assertByteLimit(maxResponseBytes: number): void {
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes <= 0) {
    throw new RangeError(`maxResponseBytes must be a positive whole number, got ${maxResponseBytes}.`);
  }
}

/** A declared Content-Length over the cap. A missing or malformed one is left to the count while reading. */
const declaresMoreThan = (contentLength: string | string[] | null | undefined, limit: number) =>
  typeof contentLength === "string" && /^\d+$/.test(contentLength) && Number(contentLength) > limit;

/**
 * Reads a body to its end, or throws ResponseTooLargeError as soon as it passes `limit` bytes. Throwing
 * out of the loop ends the iteration, which destroys the source: undici then closes the socket instead of
 * returning it to the pool half-read, and a WHATWG stream is cancelled.
 */
async function readCapped(body: AsyncIterable<Uint8Array>, status: number, limit: number): Promise<Bytes> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new ResponseTooLargeError(status, limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 && chunks[0] ? (chunks[0] as Bytes) : Buffer.concat(chunks, size);
}

/** A WHATWG stream as chunks, through its reader (not every fetch's streams are async iterable). */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
  } finally {
    // Cancels a stream left early; on one read to its end this is a no-op.
    reader.cancel().catch(noop);
  }
}

export interface KeepAliveFetch {
  (request: Request): Promise<Response>;
  /** Closes the pooled sockets; calls after it fail. */
  close(): Promise<void>;
}

/** A standard Response over bytes already read (a body only where the status and method allow one). */
const answerOf = (status: number, statusText: string, headers: Headers, bytes: Bytes | null) =>
  new Response(bytes, { status, statusText, headers });

/**
 * Wraps a caller's fetch so that what the client reads of its answers is capped as well: the body is read
 * here, at most `maxResponseBytes` of it, and handed on as a standard Response over those bytes. A
 * declared Content-Length over the cap is refused without reading; either way the body is cancelled.
 */
export function capResponses(
  fetch: (request: Request) => Promise<Response>,
  maxResponseBytes: number,
): (request: Request) => Promise<Response> {
  assertByteLimit(maxResponseBytes);
  return async (request) => {
    const response = await fetch(request);
    const { status, statusText, headers, body } = response;
    if (body === null || NULL_BODY_STATUS.has(status) || request.method === "HEAD") {
      body?.cancel().catch(noop);
      return answerOf(status, statusText, headers, null);
    }
    if (declaresMoreThan(headers.get("content-length"), maxResponseBytes)) {
      body.cancel().catch(noop);
      throw new ResponseTooLargeError(status, maxResponseBytes);
    }
    const bytes = await readCapped(chunksOf(body), status, maxResponseBytes);
    return answerOf(status, statusText, headers, bytes);
  };
}

export interface KeepAliveFetchOptions extends Agent.Options {
  /**
   * The largest answer body read, in bytes; default 1 MiB. A larger answer rejects the call with a
   * ResponseTooLargeError and its socket is closed.
   */
  maxResponseBytes?: number;
}

/**
 * The default HTTP client under openapi-fetch: a standard `fetch(request)` over undici 7's
 * `Agent.request()` with a keep-alive pool: a WHATWG `Request` in, a WHATWG `Response` out, as
 * openapi-fetch's documented `fetch` option takes. Chosen over undici's own `fetch` and Node's built-in
 * one by measured CPU per call (docs/spec-and-client/client.md, "Why this HTTP client").
 *
 * Deliberate differences from fetch: redirects are not followed (a 3xx must not carry flinks-auth-key
 * to another host, and surfaces as an undocumented status); no Accept-Encoding is sent, so bodies
 * arrive uncompressed; the answer body is buffered, up to `maxResponseBytes`.
 *
 * Deliberate differences from undici's defaults:
 * - `connections`: no cap per origin. A cap is a queue no one sees: past it, calls wait inside the pool
 *   until their deadline, uncounted (measured: 64 upstream calls in flight for 2,000 callers). The bound
 *   on concurrent calls belongs to the caller, where a wait can be bounded and refused (the gateway's
 *   busy result); set a cap here only above that bound, to protect the host's sockets.
 * - `headersTimeout` and `bodyTimeout`: off (undici's are 300 s). Flinks holds a live Authorize up to
 *   210 s, and a caller may allow longer: the request's `signal` is the only clock, so no call ends before
 *   its own deadline. Pass a signal; the client always does. Connecting keeps undici's 10 s limit, which
 *   ends only a call whose connection could not be opened, as a network error.
 */
export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): KeepAliveFetch {
  const { maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES, ...agentOptions } = options;
  assertByteLimit(maxResponseBytes);
  const { connections } = agentOptions;
  // undici reads 0 as "no cap" and takes fractions: neither is what a caller who sets a cap means.
  if (connections != null && (!Number.isSafeInteger(connections) || connections <= 0)) {
    throw new RangeError(`connections must be a positive whole number, got ${connections}.`);
  }
  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0, ...agentOptions });

  const keepAliveFetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const answer = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body,
      // Covers connecting, waiting for the headers and reading the body.
      signal: request.signal ?? undefined,
    });
    const status = answer.statusCode;
    const statusText = answer.statusText ?? "";
    let bytes: Bytes | null = null;
    if (NULL_BODY_STATUS.has(status) || request.method === "HEAD") {
      await answer.body.dump();
    } else if (declaresMoreThan(answer.headers["content-length"], maxResponseBytes)) {
      // Destroyed half-read, the socket is closed rather than pooled. undici's own listener, as it does.
      answer.body.on("error", noop).destroy();
      throw new ResponseTooLargeError(status, maxResponseBytes);
    } else {
      // The listener keeps the abort error that a destroy emits from going unhandled.
      bytes = await readCapped(answer.body.on("error", noop), status, maxResponseBytes);
    }
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
      else if (value !== undefined) responseHeaders.append(name, value);
    }
    return answerOf(status, statusText, responseHeaders, bytes);
  };

  return Object.assign(keepAliveFetch, {
    close: () => dispatcher.close(),
  });
}
