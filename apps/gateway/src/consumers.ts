import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKey } from "./config-access.js";

/**
 * Who made a GraphQL request: a service holding a static key, a front end's user holding a token from
 * the consumer's identity provider, or anyone (mock mode with no authentication configured). Logs and
 * limits know a consumer by `id` (`key:<name>`, `token:<subject>` or `anonymous`), never by its key or
 * token.
 */
export interface Consumer {
  id: string;
  kind: "key" | "token" | "anonymous";
}

export const ANONYMOUS: Consumer = { id: "anonymous", kind: "anonymous" };

const consumers = new WeakMap<Request, Consumer>();

/** Set once the caller is authenticated (use-caller-auth.ts). */
export function attributeRequest(request: Request, consumer: Consumer): void {
  consumers.set(request, consumer);
}

/** The request's consumer; undefined before authentication, on open paths, and for refused callers. */
export function consumerOf(request: Request): Consumer | undefined {
  return consumers.get(request);
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Finds the name of a presented key. Keys are compared as SHA-256 digests with `timingSafeEqual`, every
 * key each time, so neither the length nor the position of a match leaks through timing.
 */
export function createKeyMatcher(keys: readonly ApiKey[]): (presented: string) => string | undefined {
  const expected = keys.map(({ name, key }) => ({ name, digest: digest(key) }));
  return (presented) => {
    const candidate = digest(presented);
    let found: string | undefined;
    for (const key of expected) if (timingSafeEqual(key.digest, candidate)) found = key.name;
    return found;
  };
}
