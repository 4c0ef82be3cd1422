import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createGraphQLError, type Plugin } from "graphql-yoga";

/** The header a request without a bearer credential sends to show a script of its origin sent it. */
export const CSRF_HEADER = "x-graphql-yoga-csrf";

const BEARER = /^bearer\s/i;

/**
 * Yoga's CSRF prevention, where there is something to forge. A cross-site page can make a browser send
 * a "simple" request (a form post, a GET) without a CORS preflight, but never with an `Authorization`
 * header: setting one forces the preflight, which only listed origins pass. So a request that carries a
 * bearer credential cannot be forged cross-site, and is not asked for the header (urql's GET queries and
 * other standard clients then work as configured). Without one (the mock's anonymous callers), Yoga's
 * rule applies, and its refusal names the header and carries a code.
 */
export function useCsrfPrevention(): Plugin {
  const yogaRule = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
  return {
    onRequestParse(payload) {
      if (BEARER.test(payload.request.headers.get("authorization") ?? "")) return;
      try {
        return yogaRule.onRequestParse?.(payload);
      } catch {
        throw createGraphQLError(
          `This request could have been sent by another site: send the ${CSRF_HEADER} header (any value), ` +
            "a JSON content type on a POST, or an Authorization: Bearer credential.",
          { extensions: { code: "CSRF_HEADER_REQUIRED", http: { status: 403 } } },
        );
      }
    },
  };
}
