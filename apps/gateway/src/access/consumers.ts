import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKey } from "../config/callers.js";

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
