// Generated from spec/openapi.yaml by packages/client/scripts/generate.mjs. Do not edit: run `pnpm generate`.

import * as validators from "./validators.js";

/** The JSON body validator of every documented (operation, status). A status absent here is outside the contract. */
export const responseValidators = {
  generateAuthorizeToken: {
    200: validators.validateAuthorizeTokenResponse,
    401: validators.validateFlinksError,
    500: validators.validateFlinksError,
  },
  authorize: {
    200: validators.validateAuthorizeSuccess,
    202: validators.validateOperationPending,
    203: validators.validateMfaChallenge,
    400: validators.validateFlinksError,
    401: validators.validateFlinksError,
    405: validators.validateFlinksError,
    500: validators.validateFlinksError,
  },
  authorizeAsync: {
    200: validators.validateAuthorizeSuccess,
    202: validators.validateOperationPending,
    203: validators.validateMfaChallenge,
    400: validators.validateFlinksError,
    401: validators.validateFlinksError,
    405: validators.validateFlinksError,
    500: validators.validateFlinksError,
  },
} as const;
