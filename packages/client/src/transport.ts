import { Agent, type Dispatcher } from "undici";

/** statuses whose response must have a null body */
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

export interface KeepAliveFetch {
  (request: Request): Promise<Response>;
  /** Closes the pooled sockets; calls after it fail. */
  close(): Promise<void>;
}

/**
 * The default HTTP client under openapi-fetch: undici 7's `Agent.request()` with a keep-alive pool,
 * adapted to the fetch signature. Measured on Node 20 against its built-in fetch and the other
 * candidates (README, "Why this HTTP client"): about 2.5× the throughput at 50 concurrent calls and a
 * third off the sequential p50, because it skips the WHATWG fetch machinery, not because of the pool.
 *
 * Deliberate differences from fetch: redirects are not followed (a 3xx must not carry flinks-auth-key
 * to another host, and surfaces as an undocumented status); no Accept-Encoding is sent, so bodies
 * arrive uncompressed; the answer body is buffered (Flinks answers are small JSON documents).
 */
export function createKeepAliveFetch(options: Agent.Options = {}): KeepAliveFetch {
  const dispatcher = new Agent({ connections: 64, ...options });

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
      signal: request.signal,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
      else if (value !== undefined) responseHeaders.append(name, value);
    }
    const init = { status: answer.statusCode, statusText: answer.statusText ?? "", headers: responseHeaders };
    if (NULL_BODY_STATUS.has(answer.statusCode) || request.method === "HEAD") {
      await answer.body.dump();
      return new Response(null, init);
    }
    return new Response(await answer.body.arrayBuffer(), init);
  };

  return Object.assign(keepAliveFetch, { close: () => dispatcher.close() });
}
