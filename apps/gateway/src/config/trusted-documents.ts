import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "graphql";

/**
 * The persisted-documents manifest GraphQL Code Generator's client preset writes
 * (`persistedDocuments: true`): `{ "sha256:<hex>": "<document>" }`, each id the SHA-256 of its document
 * (GraphQL over HTTP, Appendix A, "prefixed document identifier").
 */
export type TrustedDocuments = ReadonlyMap<string, string>;

const DOCUMENT_ID = /^sha256:[0-9a-f]{64}$/;

export class TrustedDocumentsError extends Error {
  override name = "TrustedDocumentsError";
}

/**
 * Reads and checks a manifest: a JSON object of at least one entry, every key a `sha256:` id equal to the
 * hash of its document, every document parseable GraphQL. Throws a TrustedDocumentsError saying what is
 * wrong (never quoting a document), so a gateway never starts with an allow-list it misreads.
 */
export function readTrustedDocuments(path: string): TrustedDocuments {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new TrustedDocumentsError(`cannot be read (${code}): it must name the manifest file`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new TrustedDocumentsError("is not JSON: it must name a persisted-documents manifest");
  }
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw new TrustedDocumentsError('must be a JSON object of "sha256:<hex>": "<document>" entries');
  }
  const documents = new Map<string, string>();
  for (const [id, document] of Object.entries(manifest)) {
    if (!DOCUMENT_ID.test(id)) {
      throw new TrustedDocumentsError(
        `has a key that is not a sha256:<64 hex digits> id (entry ${documents.size + 1})`,
      );
    }
    if (typeof document !== "string")
      throw new TrustedDocumentsError(`maps ${id} to something other than a string`);
    if (`sha256:${createHash("sha256").update(document).digest("hex")}` !== id) {
      throw new TrustedDocumentsError(`maps ${id} to a document with another hash: regenerate the manifest`);
    }
    try {
      parse(document);
    } catch {
      throw new TrustedDocumentsError(`maps ${id} to text that is not a GraphQL document`);
    }
    documents.set(id, document);
  }
  if (documents.size === 0) throw new TrustedDocumentsError("lists no document");
  return documents;
}
