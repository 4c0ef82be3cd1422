import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";

export const REQUEST_ID_HEADER = "x-request-id";
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ids = new WeakMap<Request, string>();

/**
 * One id per GraphQL request: the caller's `x-request-id` when it is a safe token, else a fresh UUID.
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
    },
  };
}
