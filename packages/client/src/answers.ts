import { isRetryable } from "./flinks-codes.js";
import type { components } from "./generated/openapi.js";
import { responseValidators } from "./generated/response-validators.js";
import type { FlinksError, UnexpectedResponse } from "./outcomes.js";

/**
 * What an answer means under the contract: a documented status, a JSON body, and that status' schema
 * (the generated validators), or an UnexpectedResponse saying which of the three it broke.
 */

type Validators = typeof responseValidators;
export type SessionOperation = "authorize" | "authorizeAsync";
/** Flinks' own name of each operation, for messages. */
export const flinksName: Record<SessionOperation, string> = {
  authorize: "Authorize",
  authorizeAsync: "AuthorizeAsync",
};
/** A documented answer of each operation in `Op` (distributed, so a union of operations narrows too). */
type Documented<Op extends keyof Validators> = Op extends keyof Validators
  ? {
      [S in keyof Validators[Op]]: {
        kind: "documented";
        status: S;
        body: Validators[Op][S] extends (data: unknown) => data is infer T ? T : never;
      };
    }[keyof Validators[Op]]
  : never;

/** Checks an answer against the contract: a documented status, a JSON body, and that status' schema. */
export function readAnswer<Op extends keyof Validators>(
  operation: Op,
  response: Response,
  raw: unknown,
): Documented<Op> | UnexpectedResponse {
  const { status } = response;
  const validators: Partial<Record<number, (data: unknown) => boolean>> = responseValidators[operation];
  const validate = validators[status];
  if (!validate) {
    return unexpected(
      status,
      "undocumentedStatus",
      `Flinks answered HTTP ${status}, which ${operation} does not document.`,
    );
  }
  let body: unknown = raw;
  if (typeof raw === "string" || raw === undefined) {
    try {
      body = JSON.parse(raw ?? "");
    } catch {
      return unexpected(status, "notJson", `Flinks answered HTTP ${status} with a body that is not JSON.`);
    }
  }
  if (!validate(body)) {
    const issue = (validate as { errors?: ReadonlyArray<{ instancePath: string; message?: string }> | null })
      .errors?.[0];
    const where = issue?.instancePath || "the body";
    return unexpected(
      status,
      "schemaMismatch",
      `Flinks answered HTTP ${status} with a body that breaks the contract: ${where} ${issue?.message ?? "is invalid"}.`,
    );
  }
  return { kind: "documented", status, body } as Documented<Op>;
}

export function flinksError(status: number, body: components["schemas"]["FlinksError"]): FlinksError {
  const flinksCode = body.FlinksCode;
  return {
    kind: "flinksError",
    status,
    flinksCode,
    message: body.Message ?? `Flinks answered HTTP ${status}${flinksCode ? ` (${flinksCode})` : ""}.`,
    requestId: body.RequestId,
    retryable: isRetryable(flinksCode, status),
    body,
  };
}

export const unexpected = (
  status: number,
  reason: UnexpectedResponse["reason"],
  message: string,
): UnexpectedResponse => ({
  kind: "unexpectedResponse",
  status,
  reason,
  message,
});
