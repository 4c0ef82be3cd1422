import { createFlinksClient, type FlinksClientOptions } from "../src/index.js";

export const CUSTOMER_ID = "43387ca6-0391-4c82-857d-70d95f087ecb";
export const BASE_URL = "http://flinks.test";

/** What the client sent, as the upstream saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

type Answer = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> };

/**
 * A client whose `fetch` answers from a function instead of the network, recording each request.
 * Nothing is mocked globally, so tests cannot leak into each other.
 */
export function createObservedClient(
  answer: (request: SeenRequest) => Answer | Promise<Answer>,
  options: Partial<FlinksClientOptions> = {},
) {
  const seen: SeenRequest[] = [];
  const client = createFlinksClient({
    baseUrl: BASE_URL,
    customerId: CUSTOMER_ID,
    ...options,
    fetch: async (request) => {
      const entry = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: await request.text(),
      };
      seen.push(entry);
      const { status, body, raw, headers } = await answer(entry);
      const text = raw ?? (body === undefined ? "" : JSON.stringify(body));
      return new Response(text, { status, headers: { "content-type": "application/json", ...headers } });
    },
  });
  return { client, seen };
}

/** A fetch that never answers until its signal aborts, like a hung upstream. */
export const hangingFetch = (request: Request): Promise<Response> =>
  new Promise((_, reject) => {
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
  });
