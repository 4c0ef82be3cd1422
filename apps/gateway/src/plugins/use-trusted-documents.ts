import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { createGraphQLError, type GraphQLParams, type Plugin } from "graphql-yoga";
import type { TrustedDocuments } from "../config/trusted-documents.js";

export interface TrustedDocumentsOptions {
  /** documentId → document: the manifest GATEWAY_TRUSTED_DOCUMENTS names. */
  documents: TrustedDocuments;
}

const APQ_HASH = /^[0-9a-f]{64}$/;

/**
 * The document id of a request: GraphQL over HTTP's `documentId` (Appendix A, what codegen's client
 * preset ids are made for) in a POST body or a GET query string, or else an Apollo APQ
 * `extensions.persistedQuery.sha256Hash`, whose bare hex is the same SHA-256 without `sha256:`.
 */
export function documentIdOf(params: GraphQLParams, request?: Request): string | null {
  // Not in Yoga's GraphQLParams type: a JSON body is passed through as it came; a GET's parameters are not.
  const { documentId } = params as GraphQLParams & { documentId?: unknown };
  if (typeof documentId === "string") return documentId;
  if (request?.method === "GET") {
    const fromQuery = new URL(request.url).searchParams.get("documentId");
    if (fromQuery !== null) return fromQuery;
  }
  const persistedQuery = params.extensions?.persistedQuery as
    | { version?: unknown; sha256Hash?: unknown }
    | undefined;
  const hash = persistedQuery?.version === 1 ? persistedQuery.sha256Hash : undefined;
  return typeof hash === "string" && APQ_HASH.test(hash) ? `sha256:${hash}` : null;
}

const refusal = (message: string, code: string) =>
  createGraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * Trusted documents: the gateway runs only the documents of its manifest, named by id, and refuses any
 * other request with HTTP 400 before parsing it. Query text is refused even when it equals a trusted
 * document: a first-party client sends ids, and anything that sends text is not one.
 *
 * - `PERSISTED_QUERY_ID_REQUIRED`: query text, or no id at all;
 * - `CANNOT_SEND_PQ_ID_AND_BODY`: an id and query text together;
 * - `PERSISTED_QUERY_NOT_IN_LIST`: an id the manifest does not list.
 *
 * The codes are those of Yoga's plugin and Apollo's router, which clients already know.
 */
export function useTrustedDocuments({ documents }: TrustedDocumentsOptions): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: false,
    extractPersistedOperationId: documentIdOf,
    getPersistedOperation: (id) => documents.get(id) ?? null,
    customErrors: {
      persistedQueryOnly: ({ params, request }) =>
        documentIdOf(params, request) === null
          ? refusal(
              "This gateway runs trusted documents only: send the documentId of a document from its manifest instead of query text.",
              "PERSISTED_QUERY_ID_REQUIRED",
            )
          : refusal("Send a documentId or query text, not both.", "CANNOT_SEND_PQ_ID_AND_BODY"),
      keyNotFound: () =>
        refusal(
          "This gateway runs trusted documents only: send the documentId of a document from its manifest.",
          "PERSISTED_QUERY_ID_REQUIRED",
        ),
      notFound: () =>
        refusal(
          "Unknown documentId: this gateway's manifest of trusted documents does not list it.",
          "PERSISTED_QUERY_NOT_IN_LIST",
        ),
    },
  });
}
