// GraphQL Code Generator: the documented operations (operations/*.graphql) become typed documents
// checked against the committed schema, and their persisted-documents manifest (`sha256:<hex>` ids),
// which GATEWAY_TRUSTED_DOCUMENTS turns into the gateway's allow-list. Run by `pnpm generate`.
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
  },
  silent: true,
};

export default config;
