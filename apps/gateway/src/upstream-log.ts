import type { FlinksClient, Outcome } from "@flinks-authorize/client";
import type { Logger } from "pino";
import { REQUEST_ID_HEADER } from "./plugins/use-request-id.js";

/**
 * Logs each call to Flinks: which, how it ended and how long it took, under the GraphQL request's id.
 * What goes in (keys, tokens, credentials, answers) is never logged; neither are answer bodies.
 */
export function withUpstreamLog(flinks: FlinksClient, logger: Logger): FlinksClient {
  const log = <T extends Outcome>(
    call: string,
    requestId: string | undefined,
    started: number,
    outcome: T,
  ): T => {
    const status = "status" in outcome ? outcome.status : undefined;
    const flinksCode =
      outcome.kind === "flinksError" || outcome.kind === "pending" ? outcome.flinksCode : undefined;
    const fields = {
      requestId,
      call,
      outcome: outcome.kind,
      status,
      flinksCode,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    if (
      outcome.kind === "unexpectedResponse" ||
      outcome.kind === "networkError" ||
      outcome.kind === "timeout"
    ) {
      logger.warn({ ...fields, reason: outcome.message }, "upstream call failed");
    } else {
      logger.info(fields, "upstream call");
    }
    return outcome;
  };

  return {
    baseUrl: flinks.baseUrl,
    close: () => flinks.close(),
    async generateAuthorizeToken(secretKey, options = {}) {
      const started = performance.now();
      return log(
        "GenerateAuthorizeToken",
        options.headers?.[REQUEST_ID_HEADER],
        started,
        await flinks.generateAuthorizeToken(secretKey, options),
      );
    },
    async authorize(token, request, options = {}) {
      const started = performance.now();
      return log(
        "Authorize",
        options.headers?.[REQUEST_ID_HEADER],
        started,
        await flinks.authorize(token, request, options),
      );
    },
  };
}
