// GraphQL Code Generator: the documented operations (operations/*.graphql) become typed documents
// checked against the committed schema, and their persisted-documents manifest (`sha256:<hex>` ids),
// which GATEWAY_TRUSTED_DOCUMENTS turns into the gateway's allow-list; and `possibleTypes`, which Apollo
// Client's cache needs to match `... on Error` fragments on union members. Run by `pnpm generate`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["operations/*.graphql"],
  generates: {
    "operations/generated/": {
      preset: "client",
      presetConfig: {
        // Each result's fields are read where the operation is used: no fragment unmasking function.
        fragmentMasking: false,
        persistedDocuments: true,
      },
      config: {
        // Plain strings (a TypedDocumentString), not ASTs: a consumer sends them with fetch as they are.
        documentMode: "string",
        useTypeImports: true,
        enumsAsTypes: true,
        // `.js` extensions on relative imports, as Node's ESM resolution wants.
        emitLegacyCommonJSImports: false,
        strictScalars: true,
        // graphql-scalars' DateTime travels as an RFC 3339 string.
        scalars: { DateTime: "string" },
      },
    },
    // Apollo Client drops fields selected through an interface fragment (`... on Error { code }`) unless its
    // InMemoryCache knows which types implement it: `new InMemoryCache({ possibleTypes })`.
    "operations/generated/possible-types.ts": {
      plugins: ["fragment-matcher"],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
  },
  silent: true,
};

export default config;
