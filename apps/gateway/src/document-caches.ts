import type { DocumentNode } from "graphql";
import { LRUCache } from "lru-cache";

/**
 * Yoga caches every parsed document, and every parse error, under the document's full text (1,024 of
 * each for an hour by default). A red team filled those with distinct 63 KB documents until the heap
 * gave out. These caches are bounded by an estimate of their bytes instead: the text, and the syntax
 * tree or error it holds, which for GraphQL is on the order of 20 bytes per source character.
 */
export const DOCUMENT_CACHE_BYTES = 16 * 1024 * 1024;
/** A document whose estimate exceeds this is parsed each time rather than cached. */
const LARGEST_CACHED_BYTES = 512 * 1024;
const BYTES_PER_SOURCE_CHARACTER = 20;

const estimate = (_value: unknown, text: string) => Math.max(1, text.length * BYTES_PER_SOURCE_CHARACTER);

export function createDocumentCaches(maxBytes = DOCUMENT_CACHE_BYTES) {
  const bounded = <T extends object>(share: number) =>
    new LRUCache<string, T>({
      maxSize: Math.floor(maxBytes * share),
      maxEntrySize: LARGEST_CACHED_BYTES,
      sizeCalculation: estimate,
    });
  // Parse errors are what hostile traffic produces most; they get the smaller share.
  return { documentCache: bounded<DocumentNode>(0.75), errorCache: bounded<object>(0.25) };
}
