import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const SPEC = fileURLToPath(new URL("../../../../spec/openapi.yaml", import.meta.url));

type Node = Record<string, unknown>;

const at = (node: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((value, key) => (value as Node | undefined)?.[key], node);

/** The spec's 200 examples the stub answers with: `token` (GenerateAuthorizeToken) and `authorized` (Authorize). */
export function specExamples(): { token: Node; authorized: Node } {
  const spec = parse(readFileSync(SPEC, "utf8")) as Node;
  const example = (path: string, name: string) => {
    const value = at(
      spec,
      "paths",
      path,
      "post",
      "responses",
      "200",
      "content",
      "application/json",
      "examples",
      name,
      "value",
    );
    if (typeof value !== "object" || value === null) throw new Error(`spec example ${name} not found`);
    return value as Node;
  };
  return {
    token: example("/v3/{customerId}/BankingServices/GenerateAuthorizeToken", "token"),
    authorized: example("/v3/{customerId}/BankingServices/Authorize", "authorized"),
  };
}
