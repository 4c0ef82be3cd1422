/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The gateway's GraphQL endpoint. Default: http://localhost:4000/graphql (`pnpm start`). */
  readonly VITE_GATEWAY_URL?: string;
  /** "true": send document ids, for a gateway started with GATEWAY_TRUSTED_DOCUMENTS. */
  readonly VITE_TRUSTED_DOCUMENTS?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
