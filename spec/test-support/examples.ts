import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** This package's openapi.yaml: what Prism serves and the examples are read from. */
export const SPEC_PATH = fileURLToPath(new URL("../openapi.yaml", import.meta.url));

/** One named example of one documented response: what `Prefer: code=<status>, example=<name>` selects. */
export interface ResponseExample {
  operationId: string;
  status: number;
  name: string;
  value: Record<string, unknown>;
  /** The header that makes the Prism mock serve exactly this example. */
  prefer: string;
}

export interface DocumentedOperation {
  operationId: string;
  path: string;
  statuses: number[];
  examples: ResponseExample[];
}

type Node = Record<string, unknown>;

/** Every operation of the spec with its documented statuses and their named examples, in document order. */
export function documentedOperations(document: string = SPEC_PATH): DocumentedOperation[] {
  const spec = parse(readFileSync(document, "utf8")) as Node;
  const resolve = (node: Node): Node =>
    typeof node.$ref === "string"
      ? resolve(
          node.$ref
            .slice(2)
            .split("/")
            .reduce((at: Node, key) => at[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Node, spec),
        )
      : node;
  const operations: DocumentedOperation[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths as Record<string, Node>)) {
    for (const operation of Object.values(pathItem) as Node[]) {
      if (typeof operation?.operationId !== "string") continue;
      const { operationId } = operation;
      const entry: DocumentedOperation = { operationId, path, statuses: [], examples: [] };
      for (const [status, response] of Object.entries(operation.responses as Record<string, Node>)) {
        entry.statuses.push(Number(status));
        const content = resolve(response).content as Record<string, Node> | undefined;
        const examples = (content?.["application/json"]?.examples ?? {}) as Record<string, Node>;
        for (const [name, example] of Object.entries(examples)) {
          entry.examples.push({
            operationId,
            status: Number(status),
            name,
            value: resolve(example).value as Record<string, unknown>,
            prefer: `code=${status}, example=${name}`,
          });
        }
      }
      operations.push(entry);
    }
  }
  return operations;
}

/** The named examples of one operation. Throws when the spec has no such operation. */
export function examplesOf(operationId: string, document?: string): ResponseExample[] {
  const operation = documentedOperations(document).find((op) => op.operationId === operationId);
  if (!operation) throw new Error(`The spec has no operation "${operationId}".`);
  return operation.examples;
}
