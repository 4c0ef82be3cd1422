import type { StandardSchemaV1 } from "@pothos/plugin-validation";

export interface InputIssue {
  /** Where the problem is, e.g. ["input", "loginId"]. */
  path: string[];
  message: string;
}

/** Bad input, named field by field. It never quotes the value, which may be a password or an answer. */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
  readonly retryable = false;
  readonly issues: InputIssue[];

  constructor(issues: ReadonlyArray<StandardSchemaV1.Issue | InputIssue>) {
    const normalized = issues.map((issue) => ({
      path: (issue.path ?? []).map((segment) =>
        String(typeof segment === "object" && segment !== null && "key" in segment ? segment.key : segment),
      ),
      message: issue.message,
    }));
    const first = normalized[0];
    super(first ? `${first.path.join(".") || "input"}: ${first.message}` : "Invalid input.");
    this.issues = normalized;
  }
}
