import type { GatewayContext } from "../context.js";
import type { SessionField } from "../metrics.js";
import { errorTypes } from "./errors.js";
import { AuthorizedType, MfaRequiredType, PendingType } from "./session.js";

/** The members of the result unions: the session outcomes, then every error type. */
export const resultTypes = [AuthorizedType, MfaRequiredType, PendingType, ...errorTypes] as const;

/**
 * A session field's resolver, with its result counted (metrics.ts) by field, union member and code:
 * the one place results are seen whatever path produced them (a refusal, a handle, or Flinks' answer).
 */
export const reported =
  <Args, Result>(
    field: SessionField,
    resolve: (root: unknown, args: Args, context: GatewayContext) => Promise<Result>,
  ) =>
  async (root: unknown, args: Args, context: GatewayContext): Promise<Result> => {
    const result = await resolve(root, args, context);
    context.metrics.sessionResult(field, result);
    return result;
  };
