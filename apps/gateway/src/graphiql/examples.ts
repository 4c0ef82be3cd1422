import type { GraphiQLOptions } from "graphql-yoga";

/**
 * The tabs GraphiQL opens with (unless the browser kept tabs of an earlier visit): every mutation ready
 * to run against the mock, each tab with its own headers, so the MFA walkthrough works as written:
 * step 1 asks Prism for a 203 with `Prefer: code=203`, step 2 sends no Prefer (with it, Prism would
 * answer the MFA answer with another 203).
 */
type Tab = NonNullable<GraphiQLOptions["defaultTabs"]>[number];

const LOGIN_ID = "5e115eac-1209-4f19-641c-08d6d484e2fe";

/** Every member of a result union, as the docs' examples select them. */
const result = (name: string, union: string) => `fragment ${name} on ${union} {
  __typename
  ... on Authorized { requestId institution login { id username type lastRefresh } links { rel href } }
  ... on MfaRequired { requestId handle challenges { type prompt choices } }
  ... on Pending { reason message requestId handle }
  ... on Error { message code retryable }
  ... on InvalidInputError { issues { path message } }
}
`;
const RESULT = result("Result", "AuthorizeResult");
const SUBMIT_RESULT = result("SubmitResult", "SubmitMfaResult");

const headers = (value: Record<string, string>) => JSON.stringify(value, null, 2);

const cached = `# Flinks Authorize gateway. Each tab is ready to run (the ▶ button, or Ctrl-Enter).
# In mock mode, a tab's Headers pick Prism's outcome: {"Prefer": "code=401, example=INVALID_PASSWORD"}
# gives InvalidCredentialsError; the Prefer table of docs/consumers/api.md lists every one. No Prefer: Authorized.

mutation AuthorizeCached {
  authorize(input: { loginId: "${LOGIN_ID}" }) {
    ...Result
  }
}

${RESULT}`;

export const graphiqlDefaultTabs: Tab[] = [
  { query: cached, headers: headers({}) },
  {
    query: `# A live login: the bank is asked, so it may answer MfaRequired or Pending.

mutation AuthorizeLive {
  authorize(input: { institution: "FlinksCapital", username: "Greatday", password: "Everyday", language: EN }) {
    ...Result
  }
}

${RESULT}`,
    headers: headers({}),
  },
  {
    query: `# MFA, step 1 of 2. This tab's Headers ask Prism for its 203: MfaRequired with a handle.
# Copy the handle from the result into the Variables of the next tab (MfaStep2SubmitMfa).

mutation MfaStep1Authorize {
  authorize(input: { loginId: "${LOGIN_ID}" }) {
    ...Result
  }
}

${RESULT}`,
    headers: headers({ Prefer: "code=203" }),
  },
  {
    query: `# MFA, step 2 of 2. Paste the handle of step 1 into Variables below, then run: Authorized.
# This tab sends no Prefer header: with "code=203" Prism would answer the answer with another 203.

mutation MfaStep2SubmitMfa($handle: String!) {
  submitMfa(input: { handle: $handle, responses: [{ prompt: "What shape do people like most?", answers: ["Triangle"] }] }) {
    ...SubmitResult
  }
}

${SUBMIT_RESULT}`,
    variables: JSON.stringify({ handle: "paste MfaRequired.handle from step 1 here" }, null, 2),
    headers: headers({}),
  },
  {
    query: `# Before authorize, in a lender's front end: a one-time token for the Flinks Connect iframe.
# Load \`url\` in the iframe; it hands back a LoginId, which the first tab authorizes with.

mutation ConnectToken {
  connectToken {
    __typename
    ... on ConnectToken { token url expiresAt }
    ... on Error { message code retryable }
  }
}`,
    headers: headers({}),
  },
];

/** What a new tab (the + button) opens with. */
export const graphiqlDefaultQuery = cached;
