import createClient from "openapi-fetch";
import { flinksError, flinksName, readAnswer, type SessionOperation } from "./answers.js";
import { INSTANCE_PATTERN, UUID_PATTERN } from "./constants.js";
import { assertTimeout, withDeadline } from "./deadline.js";
import type { components, paths } from "./generated/openapi.js";
import {
  type Validator,
  validateAuthorizeAsyncRequest,
  validateAuthorizeRequest,
} from "./generated/validators.js";
import type { AuthorizeOutcome, GenerateAuthorizeTokenOutcome } from "./outcomes.js";
import { asSecret, type Secret } from "./secret.js";
import { capResponses, createKeepAliveFetch, DEFAULT_MAX_RESPONSE_BYTES } from "./transport.js";

type Body = components["schemas"]["AuthorizeRequest"];
type Shared = Pick<Body, "MostRecentCached" | "Language" | "Save" | "Tag">;

/** Cached mode (`MostRecentCached: true`, the default), or a live refresh of a known login (`false`). */
export type CachedAuthorizeRequest = Shared & Required<Pick<Body, "LoginId">>;
/** Live mode with the end user's bank credentials (legacy direct API). */
export type LiveAuthorizeRequest = Shared & Required<Pick<Body, "Institution" | "Username" | "Password">>;
/** The second call of an MFA round trip: the 203's RequestId and an answer list per prompt. */
export type MfaAnswerRequest = Shared & Required<Pick<Body, "RequestId" | "SecurityResponses">>;
/** What Authorize takes. A poll is not one of them: a 202 from Authorize continues on AuthorizeAsync. */
export type AuthorizeRequest = CachedAuthorizeRequest | LiveAuthorizeRequest | MfaAnswerRequest;
/** Polls an AuthorizeAsync flow: the RequestId of its 202, alone. */
export type PollRequest = components["schemas"]["AuthorizePollRequest"];
/** What AuthorizeAsync takes: a request that starts the flow or answers its MFA challenges, or a poll. */
export type AuthorizeAsyncRequest = AuthorizeRequest | PollRequest;

export interface FlinksClientOptions {
  /** Origin of the API, e.g. `http://127.0.0.1:4010` for Prism. Wins over `instance`. */
  baseUrl?: string;
  /** Flinks instance: `https://{instance}-api.private.fin.ag`. Default `toolbox`. */
  instance?: string;
  /** The GUID Flinks gave you for this instance. */
  customerId: string;
  /** The HTTP client. Default: a keep-alive undici pool (docs/spec-and-client/client.md says why). */
  fetch?: (request: Request) => Promise<Response>;
  /** Deadline of each call, answer body included. Default 30 000 ms. */
  timeoutMs?: number;
  /**
   * The largest answer body the client reads, in bytes. Default 1 MiB; Flinks answers a few KiB. A larger
   * answer is `unexpectedResponse` with reason `tooLarge`: refused from its Content-Length before any of
   * it is read, or abandoned as soon as the bytes read pass the limit, and its connection closed. It holds
   * for a caller's `fetch` too.
   */
  maxResponseBytes?: number;
  /**
   * Sockets the default transport may open to Flinks at once. Default: no cap, so that the transport
   * never queues a call out of sight; bound concurrent calls where you can see the wait and refuse it
   * (as the gateway does), and set this only above that bound (see `createKeepAliveFetch`). Ignored with
   * a caller's `fetch`.
   */
  connections?: number;
}

export interface CallOptions {
  /** Aborts the call, e.g. when the GraphQL caller goes away. Combined with the per-call deadline. */
  signal?: AbortSignal;
  /** Overrides the client's deadline for this call. */
  timeoutMs?: number;
  /**
   * An absolute deadline (epoch milliseconds, as `Date.now()`), for a caller whose calls share one
   * budget. With `timeoutMs` as well, the earlier of the two holds. A deadline already past answers
   * `timeout` without sending anything.
   */
  deadline?: number;
  /** Extra headers, e.g. a request id or Prism's `Prefer`. `flinks-auth-key` cannot be overridden. */
  headers?: Record<string, string>;
}

export interface FlinksClient {
  /** Exchange the secret key for a one-time authorize token. */
  generateAuthorizeToken(
    secretKey: Secret | string,
    options?: CallOptions,
  ): Promise<GenerateAuthorizeTokenOutcome>;
  /** Open a session, or answer its MFA challenges, with an authorize token. */
  authorize(
    token: Secret | string,
    request: AuthorizeRequest,
    options?: CallOptions,
  ): Promise<AuthorizeOutcome>;
  /**
   * One call of an AuthorizeAsync flow, which Flinks enables per customer: start it (any
   * `AuthorizeRequest`), poll it (`{ RequestId }` of its 202), or answer its 203. `pending` means poll
   * again; the caller chooses when, since each call answers once and nothing polls on its own. Send
   * the same token on every call of one flow.
   */
  authorizeAsync(
    token: Secret | string,
    request: AuthorizeAsyncRequest,
    options?: CallOptions,
  ): Promise<AuthorizeOutcome>;
  /** The origin calls go to. */
  readonly baseUrl: string;
  /** Releases the default transport's pooled sockets. A no-op with a caller-supplied fetch. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function resolveBaseUrl(options: Pick<FlinksClientOptions, "baseUrl" | "instance">): string {
  if (options.baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl must be an absolute http(s) URL, got "${options.baseUrl}".`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`baseUrl must use http or https, got "${url.protocol}".`);
    }
    return url.href.replace(/\/+$/, "");
  }
  const instance = options.instance ?? "toolbox";
  if (!INSTANCE_PATTERN.test(instance)) {
    throw new TypeError(`instance must be a host label such as "toolbox", got "${instance}".`);
  }
  return `https://${instance}-api.private.fin.ag`;
}

export function createFlinksClient(options: FlinksClientOptions): FlinksClient {
  const baseUrl = resolveBaseUrl(options);
  const { customerId } = options;
  if (!UUID_PATTERN.test(customerId)) {
    throw new TypeError(`customerId must be the GUID Flinks issued, got "${customerId}".`);
  }
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  assertTimeout(defaultTimeoutMs);
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // A caller's fetch gets its answers capped here; the default transport caps its own.
  const callerFetch = options.fetch;
  const ownTransport = callerFetch
    ? undefined
    : createKeepAliveFetch({ maxResponseBytes, connections: options.connections });
  const http = callerFetch
    ? createClient<paths>({ baseUrl, fetch: capResponses(callerFetch, maxResponseBytes) })
    : createClient<paths>({ baseUrl, fetch: ownTransport });
  const path = { customerId };
  /** What both calls send besides the body: the credential (never overridable), and a raw text answer. */
  const requestInit = (credential: Secret, callOptions: CallOptions, signal: AbortSignal) => ({
    params: { path },
    headers: { ...callOptions.headers, "flinks-auth-key": credential.reveal() },
    parseAs: "text" as const,
    // A redirect must not carry flinks-auth-key to another host: it surfaces as an undocumented status.
    redirect: "manual" as const,
    signal,
  });

  /** Authorize and AuthorizeAsync: the same checks, the same answers, the same outcomes. */
  const openSession = (
    operation: SessionOperation,
    validateRequest: Validator<unknown>,
    token: Secret | string,
    request: AuthorizeAsyncRequest,
    callOptions: CallOptions,
    post: (
      init: ReturnType<typeof requestInit>,
    ) => Promise<{ response: Response; data?: unknown; error?: unknown }>,
  ): Promise<AuthorizeOutcome> => {
    const authorizeToken = asSecret(token);
    if (!validateRequest(request)) {
      const issue = validateRequest.errors?.[0];
      // The path and Ajv's message name the field; the value (maybe a password) is never quoted.
      const where = issue?.instancePath ? `${issue.instancePath} ` : "";
      // Ajv would name the first mode's missing field, which misleads the likeliest mistake here.
      const why = validateAuthorizeAsyncRequest(request)
        ? "a RequestId alone is a poll, which only AuthorizeAsync takes"
        : `${where}${issue?.message ?? "is invalid"}`;
      return Promise.resolve({
        kind: "invalidRequest",
        message: `The ${flinksName[operation]} request breaks the contract: ${why}.`,
      });
    }
    return withDeadline(callOptions, defaultTimeoutMs, async (signal) => {
      const { response, data, error } = await post(requestInit(authorizeToken, callOptions, signal));
      const answer = readAnswer(operation, response, data ?? error);
      if (answer.kind === "unexpectedResponse") return answer;
      switch (answer.status) {
        case 200:
          return { kind: "authorized", status: 200, body: answer.body };
        case 203:
          return { kind: "mfaRequired", status: 203, body: answer.body };
        case 202:
          return {
            kind: "pending",
            status: 202,
            flinksCode: answer.body.FlinksCode,
            requestId: answer.body.RequestId,
            body: answer.body,
          };
        default:
          return flinksError(answer.status, answer.body);
      }
    });
  };

  return {
    baseUrl,

    close: async () => {
      await ownTransport?.close();
    },

    generateAuthorizeToken(secretKey, callOptions = {}) {
      const key = asSecret(secretKey);
      return withDeadline(callOptions, defaultTimeoutMs, async (signal) => {
        const { response, data, error } = await http.POST(
          "/v3/{customerId}/BankingServices/GenerateAuthorizeToken",
          requestInit(key, callOptions, signal),
        );
        const answer = readAnswer("generateAuthorizeToken", response, data ?? error);
        if (answer.kind === "unexpectedResponse") return answer;
        if (answer.status === 200) return { kind: "token", status: 200, token: asSecret(answer.body.Token) };
        return flinksError(answer.status, answer.body);
      });
    },

    authorize: (token, request, callOptions = {}) =>
      openSession("authorize", validateAuthorizeRequest, token, request, callOptions, (init) =>
        http.POST("/v3/{customerId}/BankingServices/Authorize", { ...init, body: request }),
      ),

    authorizeAsync: (token, request, callOptions = {}) =>
      openSession("authorizeAsync", validateAuthorizeAsyncRequest, token, request, callOptions, (init) =>
        http.POST("/v3/{customerId}/BankingServices/AuthorizeAsync", { ...init, body: request }),
      ),
  };
}
