/** The operations GraphiQL opens with, so both mutations can be tried at once against the mock. */
export const graphiqlDefaultQuery = `# Flinks Authorize gateway.
# In mock mode, add a header to pick Prism's outcome, e.g. {"Prefer": "code=203"}
# or {"Prefer": "code=401, example=INVALID_PASSWORD"}. Run AuthorizeCached first.

mutation AuthorizeCached {
  authorize(input: { loginId: "5e115eac-1209-4f19-641c-08d6d484e2fe" }) {
    ...Result
  }
}

mutation AuthorizeLive {
  authorize(input: { institution: "FlinksCapital", username: "Greatday", password: "Everyday", language: EN }) {
    ...Result
  }
}

# Paste MfaRequired.handle from an authorize run with {"Prefer": "code=203"}.
mutation SubmitMfa {
  submitMfa(input: { handle: "PASTE_HANDLE", responses: [{ prompt: "What shape do people like most?", answers: ["Triangle"] }] }) {
    ...Result
  }
}

fragment Result on AuthorizeResult {
  __typename
  ... on Authorized { requestId institution login { id username type lastRefresh } links { rel href } }
  ... on MfaRequired { requestId handle challenges { type prompt choices } }
  ... on Pending { reason message requestId }
  ... on Error { message code retryable }
  ... on InvalidInputError { issues { path message } }
}
`;
