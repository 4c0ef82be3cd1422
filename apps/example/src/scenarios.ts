/**
 * What a gateway in mock mode can be asked to answer: the `Prefer` header it forwards to Prism, which
 * picks one of the spec's examples (a named example only together with its status code). A live
 * gateway ignores the header, and the app shows no scenario there.
 */
export interface Scenario {
  label: string;
  prefer: string | undefined;
}

const mfa = (example: string) => `code=203, example=${example}`;
const PENDING = "code=202, example=OPERATION_DISPATCHED";

/** For `authorize`: every kind of first answer. */
export const AUTHORIZE_SCENARIOS: readonly Scenario[] = [
  { label: "Authorized at once", prefer: undefined },
  { label: "MFA: a question", prefer: mfa("mfaQuestionAndAnswer") },
  { label: "MFA: multiple choice", prefer: mfa("mfaMultipleChoice") },
  { label: "MFA: several answers", prefer: mfa("mfaMultipleAnswers") },
  { label: "MFA: image selection", prefer: mfa("mfaImageSelection") },
  { label: "MFA: text or call", prefer: mfa("mfaTextOrCall") },
  { label: "MFA: three questions (French)", prefer: mfa("mfaThreeQuestions") },
  { label: "Pending, then followed to the end", prefer: PENDING },
  { label: "Error: wrong password", prefer: "code=401, example=INVALID_PASSWORD" },
  { label: "Error: institution unavailable", prefer: "code=401, example=RETRY_LATER" },
  { label: "Error: end user must act at the bank", prefer: "code=401, example=NEW_ACCOUNT" },
  { label: "Error: Flinks failed", prefer: "code=500, example=AGGREGATION_ERROR" },
];

/** For `submitMfa`: what becomes of the answers. */
export const ANSWER_SCENARIOS: readonly Scenario[] = [
  { label: "Answers accepted", prefer: undefined },
  { label: "Wrong answer", prefer: "code=401, example=INVALID_SECURITY_RESPONSE" },
  { label: "Wrong answer, no retry", prefer: "code=401, example=INVALID_SECURITY_RESPONSE_NO_RETRY" },
  { label: "Another question", prefer: mfa("mfaQuestionAndAnswer") },
  { label: "Pending, then followed to the end", prefer: PENDING },
];
