import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";

export const REQUEST_ID_HEADER = "x-request-id";
/**
 * A caller's id is kept only in this shape (a UUID, a ULID, a hex trace id, `req_…`): 8 to 64 letters,
 * digits, `-` and `_`, starting with a letter or digit. Anything else (`..`, paths, spaces, 1 KB of text)
 * is replaced, since the id is logged and forwarded to Flinks.
 */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$/;
const ids = new WeakMap<Request, string>();

/**
 * One id per GraphQL request: the caller's `x-request-id` when it has the safe shape, else a fresh UUID.
 * The same id is logged, forwarded upstream and echoed in the response.
 */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (id === undefined) {
    const offered = request.headers.get(REQUEST_ID_HEADER);
    id = offered !== null && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
    ids.set(request, id);
  }
  return id;
}

export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set(REQUEST_ID_HEADER, requestIdOf(request));
      // Yoga's health check names the process by its start time; the request id is the only id answered.
      response.headers.delete("x-yoga-id");
    },
  };
}
