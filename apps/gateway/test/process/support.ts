import { expect } from "vitest";
import { CALLER_KEY } from "../harness.js";

/** One GraphQL POST over the network; fails the test unless it is a 200 without `errors`. */
export async function postGraphQL(
  port: number,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Record<string, Record<string, unknown>>> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}`, ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const body = JSON.parse(text) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
  expect(body.errors, text).toBeUndefined();
  return body.data ?? {};
}
