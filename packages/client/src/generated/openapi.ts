// Generated from spec/openapi.yaml by packages/client/scripts/generate.mjs. Do not edit: run `pnpm generate`.
export interface paths {
    "/v3/{customerId}/BankingServices/GenerateAuthorizeToken": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique GUID provided by Flinks that grants you access to the environment named by the server's `instance`. The default is the public toolbox environment's key.
                 * @example 43387ca6-0391-4c82-857d-70d95f087ecb
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mint a one-time authorize token
         * @description Exchanges the secret key (sent in `flinks-auth-key`) for a one-time authorize token.
         *     The token opens one session: send it in `flinks-auth-key` on `Authorize`, and send it
         *     again on the MFA answer call of that same session. No request body.
         */
        post: operations["generateAuthorizeToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v3/{customerId}/BankingServices/Authorize": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique GUID provided by Flinks that grants you access to the environment named by the server's `instance`. The default is the public toolbox environment's key.
                 * @example 43387ca6-0391-4c82-857d-70d95f087ecb
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a banking session, or answer its MFA challenges
         * @description Start a session and fetch cached banking data for a user, or open a live connection
         *     to the institution. Pass the authorize token from `GenerateAuthorizeToken` in the
         *     `flinks-auth-key` header.
         *
         *     * **200**: the session is open; use `RequestId` on the data endpoints.
         *     * **203**: the institution asks MFA questions. Call again with the same token,
         *       the `RequestId` of the 203 and `SecurityResponses` keyed by each `Prompt`, byte for byte.
         *     * **202**: still processing (`OPERATION_PENDING`) or dispatched to the background after
         *       210 seconds (`OPERATION_DISPATCHED`). The flow continues on `AuthorizeAsync`: poll it with
         *       the 202's `RequestId`. Authorize itself takes no poll (decision 10).
         *     * **4xx/5xx**: an error carrying a `FlinksCode`.
         */
        post: operations["authorize"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v3/{customerId}/BankingServices/AuthorizeAsync": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique GUID provided by Flinks that grants you access to the environment named by the server's `instance`. The default is the public toolbox environment's key.
                 * @example 43387ca6-0391-4c82-857d-70d95f087ecb
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a banking session in the background, poll it, or answer its MFA challenges
         * @description The asynchronous twin of `Authorize`, for integrations Flinks has enabled it for (it is
         *     turned on per customer). Every call of one flow sends the same authorize token in
         *     `flinks-auth-key` (decision 10).
         *
         *     1. **Start** with a body `Authorize` accepts (credentials, or a `LoginId`): **202** with the
         *        `RequestId` of the flow while Flinks works.
         *     2. **Poll** with that `RequestId` alone: **202** while Flinks works, then **203** (MFA
         *        challenges are ready) or **200** (the session is open).
         *     3. **Answer** a 203 with its `RequestId` and `SecurityResponses`: **202**; poll again until
         *        **200**.
         *
         *     A 202 from `Authorize` moves its flow here: poll with that 202's `RequestId`. Errors carry a
         *     `FlinksCode`, with the statuses of `Authorize`.
         */
        post: operations["authorizeAsync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description One of three modes: cached or refresh (`LoginId`, with `MostRecentCached` true or false), live (`Institution`, `Username`, `Password`, `MostRecentCached: false`), or MFA answer (`RequestId`, `SecurityResponses`). A `RequestId` alone is a poll, which only AuthorizeAsync takes (decision 10). */
        AuthorizeRequest: {
            /**
             * Format: uuid
             * @description Identifier returned by Flinks Connect after a successful customer authentication. Use it with `MostRecentCached: true` to open a session against the cached data aggregated by the widget: the recommended flow for most integrations.
             * @example 5e115eac-1209-4f19-641c-08d6d484e2fe
             */
            LoginId?: string;
            /**
             * @description `true` = cached mode (recommended): pair with `LoginId` to retrieve the most recently aggregated data. `false` = live mode: a fresh connection to the institution, for a manual refresh or the legacy direct API with `Username`/`Password`.
             * @default true
             * @example true
             */
            MostRecentCached?: boolean;
            /**
             * @description Username at the financial institution. Legacy direct API only, with `MostRecentCached: false`.
             * @example Greatday
             */
            Username?: string;
            /**
             * Format: password
             * @description Password at the financial institution. Legacy direct API only, with `MostRecentCached: false`.
             * @example Everyday
             */
            Password?: string;
            /**
             * @description Identifier of the financial institution. Required only for the legacy direct API.
             * @example FlinksCapital
             */
            Institution?: string;
            /**
             * @description Preferred language of the connection process; MFA prompts come back in it.
             * @default en
             * @example en
             * @enum {string}
             */
            Language?: "en" | "fr";
            /**
             * @description If true, all collected data and credentials are saved after the request completes.
             * @default true
             * @example true
             */
            Save?: boolean;
            /**
             * @description Custom string attached to this request.
             * @example loan-application-2041
             */
            Tag?: string;
            /**
             * Format: uuid
             * @description Required for the MFA answer call. The `RequestId` received in the 203 response.
             * @example 9022abc2-8a2e-4b06-a06e-c3e5449c4d10
             */
            RequestId?: string;
            /**
             * @description Answers to the MFA challenges of a 203. Keys are the `Prompt` strings exactly as received; values are arrays of answers (one element for a free-text or single-choice question).
             * @example {
             *       "What shape do people like most?": [
             *         "Triangle"
             *       ]
             *     }
             */
            SecurityResponses?: {
                [key: string]: string[];
            };
        } & (unknown | unknown | unknown);
        /** @description Polls an AuthorizeAsync flow: the `RequestId` of its 202, alone. AuthorizeAsync only (decision 10). */
        AuthorizePollRequest: {
            /**
             * Format: uuid
             * @description The `RequestId` of the flow, from its 202 (or from Authorize's 202).
             * @example 077785a3-fd0f-42f7-9251-ee2ff7f3b4ff
             */
            RequestId: string;
        };
        /** @description What AuthorizeAsync takes: a request Authorize takes (start, or MFA answer), or a poll. */
        AuthorizeAsyncRequest: components["schemas"]["AuthorizeRequest"] | components["schemas"]["AuthorizePollRequest"];
        AuthorizeTokenResponse: {
            /** @example 200 */
            HttpStatusCode: number;
            /**
             * @description One-time authorize token for `Authorize` (and its MFA answer call).
             * @example d65f1adb-8ebc-48dc-be8b-20c773ba1565
             */
            Token: string;
        };
        AuthorizeSuccess: {
            /**
             * @description HTTP status code.
             * @example 200
             */
            HttpStatusCode: number;
            /** @description Data endpoints available with this session's `RequestId`. */
            Links?: components["schemas"]["Link"][];
            /**
             * @description Name of the financial institution.
             * @example FlinksCapital
             */
            InstitutionName?: string;
            Login: components["schemas"]["Login"];
            /**
             * @description Unique identifier of the financial institution.
             * @example 14
             */
            InstitutionId?: number;
            /**
             * @description Name of the financial institution.
             * @example FlinksCapital
             */
            Institution: string;
            /**
             * Format: uuid
             * @description Identifier of the session, for the data endpoints.
             * @example 6c7f2f5e-29a4-4a6c-9d84-2f0f2d1b7c11
             */
            RequestId: string;
        };
        /** @description The end user's technical login. */
        Login: {
            /** @example Greatday */
            Username?: string;
            /** @example false */
            IsScheduledRefresh?: boolean;
            /**
             * @description Time of the last aggregation, in UTC. Flinks sends it without an offset (decision 7).
             * @example 2026-01-21T20:47:47.145999
             */
            LastRefresh?: string;
            /**
             * @description Kind of login, such as `Personal` or `Business`.
             * @example Personal
             */
            Type?: string;
            /**
             * Format: uuid
             * @description The LoginId. Stays the same across password changes.
             * @example 5e115eac-1209-4f19-641c-08d6d484e2fe
             */
            Id: string;
        };
        Link: {
            /** @example AccountsDetail */
            rel: string;
            /** @example /GetAccountsDetail */
            href: string;
            example?: string | null;
        };
        MfaChallenge: {
            /** @example 203 */
            HttpStatusCode: number;
            Links?: components["schemas"]["Link"][];
            SecurityChallenges: components["schemas"]["SecurityChallenge"][];
            /** @example FlinksCapital */
            Institution: string;
            /**
             * Format: uuid
             * @description Send it back with `SecurityResponses` to answer the challenges.
             * @example 9022abc2-8a2e-4b06-a06e-c3e5449c4d10
             */
            RequestId: string;
        };
        SecurityChallenge: {
            /** @description Kind of challenge; open to values not listed in `KnownSecurityChallengeType` (decision 6). */
            Type: components["schemas"]["KnownSecurityChallengeType"] | string;
            /**
             * @description The question. Answer it in `SecurityResponses` under this exact string. [chosen] bounds: an empty or 1,000-character prompt cannot be answered by a person.
             * @example What shape do people like most?
             */
            Prompt: string;
            /** @description Choices for multiple-choice challenges; base64 JPEG images for `ImageSelection`. */
            Iterables?: string[];
        };
        /**
         * @description Challenge types known today. `QuestionAndAnswer` is documented by Flinks; the others come from open-source clients (decision 6).
         * @enum {string}
         */
        KnownSecurityChallengeType: "QuestionAndAnswer" | "MultipleChoice" | "MultipleChoiceMultipleAnswers" | "ImageSelection" | "TextOrCall";
        OperationPending: {
            /** @example 202 */
            HttpStatusCode: number;
            /** @enum {string} */
            FlinksCode: "OPERATION_PENDING" | "OPERATION_DISPATCHED";
            Message?: string;
            Links?: components["schemas"]["Link"][];
            /** Format: uuid */
            RequestId: string;
        };
        FlinksError: {
            /** @example 401 */
            HttpStatusCode: number;
            /** @example The password is different from what the bank expected */
            Message?: string;
            FlinksCode?: components["schemas"]["FlinksCode"];
            Links?: components["schemas"]["Link"][];
            /** Format: uuid */
            RequestId?: string;
            Institution?: string;
            /** @description [chosen] New challenges on a wrong MFA answer (decision 11): the session goes on with them, under the same `RequestId` and token. */
            SecurityChallenges?: components["schemas"]["SecurityChallenge"][];
            /** @description Field name → validation messages. */
            ValidationDetails?: {
                [key: string]: string[];
            };
        };
        /** @description A Flinks error code; open to codes not listed in `KnownFlinksCode` (decision 6). */
        FlinksCode: components["schemas"]["KnownFlinksCode"] | string;
        /**
         * @description Error codes of Authorize and GenerateAuthorizeToken known today (Flinks' error tables, plus four codes seen only in clients, decision 5).
         * @enum {string}
         */
        KnownFlinksCode: "SESSION_NONEXISTENT" | "SESSION_EXPIRED" | "CARD_IN_USE" | "CONCURRENT_SESSION" | "ALREADY_AUTHORIZED" | "ACCESS_DENIED" | "INVALID_LOGIN" | "INVALID_REQUEST" | "INVALID_USERNAME" | "INVALID_PASSWORD" | "INVALID_SECURITY_RESPONSE" | "INVALID_SECURITY_RESPONSE_NO_RETRY" | "SECURITYRESPONSES_INCOMPLETE" | "QUESTION_NOT_FOUND" | "RETRY_LATER" | "TOO_MANY_REQUESTS" | "UNKNOWN_CHALLENGE_KEY" | "UNAUTHORIZED" | "NEW_ACCOUNT" | "DISABLED_LOGIN" | "DISABLED_INSTITUTION" | "AGGREGATION_ERROR";
    };
    responses: {
        /** @description Authorization successful. Session opened; `RequestId` can be used for subsequent data calls. */
        Authorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["AuthorizeSuccess"];
            };
        };
        /** @description The operation is still running (`OPERATION_PENDING`) or was dispatched to a background job after 210 seconds (`OPERATION_DISPATCHED`). Poll `AuthorizeAsync` with the `RequestId`. */
        Pending: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OperationPending"];
            };
        };
        /** @description Multi-factor authentication required. Answer every challenge in the next call of the same operation, with `RequestId` and `SecurityResponses`. */
        MfaRequired: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["MfaChallenge"];
            };
        };
        /** @description The request refers to a session that does not exist, has expired, or is busy. */
        SessionError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["FlinksError"];
            };
        };
        /** @description Authentication with Flinks or with the institution failed; `FlinksCode` says why. */
        AuthenticationFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["FlinksError"];
            };
        };
        /** @description The institution is currently unavailable. */
        InstitutionUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["FlinksError"];
            };
        };
        /** @description An unexpected Flinks error. */
        ServerError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["FlinksError"];
            };
        };
    };
    parameters: {
        /**
         * @description Unique GUID provided by Flinks that grants you access to the environment named by the server's `instance`. The default is the public toolbox environment's key.
         * @example 43387ca6-0391-4c82-857d-70d95f087ecb
         */
        CustomerId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    generateAuthorizeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique GUID provided by Flinks that grants you access to the environment named by the server's `instance`. The default is the public toolbox environment's key.
                 * @example 43387ca6-0391-4c82-857d-70d95f087ecb
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Token minted. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthorizeTokenResponse"];
                };
            };
            /** @description The secret key is missing or wrong. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlinksError"];
                };
            };
            500: components["responses"]["ServerError"];
        };
    };
    authorize: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique GUID provided by Flinks that grants you access to the environment named by the server's `instance`. The default is the public toolbox environment's key.
                 * @example 43387ca6-0391-4c82-857d-70d95f087ecb
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AuthorizeRequest"];
            };
        };
        responses: {
            200: components["responses"]["Authorized"];
            202: components["responses"]["Pending"];
            203: components["responses"]["MfaRequired"];
            400: components["responses"]["SessionError"];
            401: components["responses"]["AuthenticationFailed"];
            405: components["responses"]["InstitutionUnavailable"];
            500: components["responses"]["ServerError"];
        };
    };
    authorizeAsync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Unique GUID provided by Flinks that grants you access to the environment named by the server's `instance`. The default is the public toolbox environment's key.
                 * @example 43387ca6-0391-4c82-857d-70d95f087ecb
                 */
                customerId: components["parameters"]["CustomerId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AuthorizeAsyncRequest"];
            };
        };
        responses: {
            200: components["responses"]["Authorized"];
            202: components["responses"]["Pending"];
            203: components["responses"]["MfaRequired"];
            400: components["responses"]["SessionError"];
            401: components["responses"]["AuthenticationFailed"];
            405: components["responses"]["InstitutionUnavailable"];
            500: components["responses"]["ServerError"];
        };
    };
}
