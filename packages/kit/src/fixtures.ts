import { documentedOperations, type ResponseExample } from "@flinks-authorize/spec/test-support/examples";

/**
 * The Flinks answers tests and benchmarks are built on, read from the spec's named examples rather than
 * written out again: a fixture cannot drift from the contract. The types name only the fields tests read;
 * spec/test/examples.test.ts validates every example against its own schema.
 */
type Body<Fields> = Fields & { HttpStatusCode: number; [field: string]: unknown };

/** Shared by every test of a file: frozen, so a test that changes one fails instead of leaking. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}

export const operations = deepFreeze(documentedOperations());

/** One named example of one operation. Throws, naming what exists, when the spec has no such example. */
export function specExample(operationId: string, name: string): ResponseExample {
  const operation = operations.find((candidate) => candidate.operationId === operationId);
  const found = operation?.examples.find((example) => example.name === name);
  if (!found) {
    const known = operation?.examples.map((example) => example.name).join(", ") ?? "no such operation";
    throw new Error(`The spec has no example "${name}" of ${operationId} (${known}).`);
  }
  return found;
}

/** GenerateAuthorizeToken's 200. */
export const tokenAnswer = specExample("generateAuthorizeToken", "token").value as Body<{ Token: string }>;
/** Authorize's 200: a session opened in cached mode. */
export const authorized = specExample("authorize", "authorized").value as Body<{
  RequestId: string;
  Login: { Id: string };
}>;
/** Authorize's 203 with one free-text question. */
export const mfaRequired = specExample("authorize", "mfaQuestionAndAnswer").value as Body<{
  RequestId: string;
  SecurityChallenges: Array<{ Type: string; Prompt: string }>;
}>;

export const TOKEN = tokenAnswer.Token;
export const LOGIN_ID = authorized.Login.Id;
/** The RequestId of the 203, which the MFA answer call sends back. */
export const MFA_REQUEST_ID = mfaRequired.RequestId;
