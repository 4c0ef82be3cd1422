// Generated from spec/openapi.yaml by packages/client/scripts/generate.mjs. Do not edit: run `pnpm generate`.

import type { components } from "./openapi.js";

/** An Ajv standalone validator: true when `data` matches the schema; `errors` explains the last failure. */
export interface Validator<T> {
  (data: unknown): data is T;
  errors?: ReadonlyArray<{ instancePath: string; message?: string }> | null;
}

export declare const validateAuthorizeAsyncRequest: Validator<components["schemas"]["AuthorizeAsyncRequest"]>;
export declare const validateAuthorizeRequest: Validator<components["schemas"]["AuthorizeRequest"]>;
export declare const validateAuthorizeSuccess: Validator<components["schemas"]["AuthorizeSuccess"]>;
export declare const validateAuthorizeTokenResponse: Validator<components["schemas"]["AuthorizeTokenResponse"]>;
export declare const validateFlinksError: Validator<components["schemas"]["FlinksError"]>;
export declare const validateMfaChallenge: Validator<components["schemas"]["MfaChallenge"]>;
export declare const validateOperationPending: Validator<components["schemas"]["OperationPending"]>;
