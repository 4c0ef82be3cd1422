import type {
  AuthorizeAsyncRequest,
  AuthorizeOutcome,
  AuthorizeRequest,
  CallOptions,
  FlinksClient,
  MfaAnswerRequest,
  Secret,
} from "@flinks-authorize/client";
import type { Logger } from "pino";
import type { GatewayMetrics, UpstreamOperation } from "../observability/metrics.js";
import type { UpstreamSlots } from "./slots.js";
import { mintToken, type TokenFailure } from "./tokens.js";

/** What a later call of a session needs from the call that opened it. */
export interface SessionLease {
  token: Secret;
  /** Epoch ms: the token's lifetime (and so the session handle's) counts from it. */
  mintedAt: number;
  endpoint: "sync" | "async";
}

/** Which call of a session an answer came from. */
export type SessionCall = "start" | "answer" | "poll";

/** How one step of a session ended, before it becomes a GraphQL result (outcome-to-result.ts). */
export type UpstreamStep =
  /** No upstream slot freed within the bounded wait: nothing was sent. */
  | { kind: "busy"; retryAfterSeconds: number }
  | { kind: "tokenFailure"; outcome: TokenFailure }
  /** Mock mode: Prism could not answer the caller's `Prefer` header (no such example for that status). */
  | { kind: "mockPreferUnserved"; prefer: string; status: number }
  | {
      kind: "answered";
      call: SessionCall;
      outcome: AuthorizeOutcome;
      session: SessionLease;
      /** Values the gateway sent (token, credentials, answers): never to be echoed to the consumer. */
      sent: readonly string[];
    };

/** What the limits need to know of a step: whether it reached Flinks, and whether a login was refused. */
export function settlementOf(step: UpstreamStep): { sent: boolean; refusedLogin: boolean } {
  if (step.kind !== "answered") return { sent: step.kind === "mockPreferUnserved", refusedLogin: false };
  const { outcome } = step;
  const refusedLogin =
    outcome.kind === "flinksError" &&
    (outcome.flinksCode === "INVALID_PASSWORD" || outcome.flinksCode === "INVALID_USERNAME");
  return { sent: true, refusedLogin };
}

/** Who a GraphQL request is, as the Flinks calls log it: everything here comes from the context. */
export interface RequestScope {
  requestId: string;
  /** The consumer's id (`key:<name>`, `token:<subject>`, `anonymous`). */
  consumer: string;
  /** The caller's disconnect. */
  signal: AbortSignal;
  /** Mock mode only: the caller's `Prefer` header, forwarded to the session calls (Prism picks its answer). */
  prefer: string | null;
}

/** The calls of one GraphQL request to Flinks, with its id, signal, deadlines and logger bound in. */
export interface FlinksCalls {
  /** The caller's disconnect: a call in flight is aborted with it. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /**
   * Opens a session: a one-time token, then Authorize (AuthorizeAsync for a call that reaches the bank
   * when FLINKS_AUTHORIZE_ASYNC is on). Both calls run in one upstream slot, taken first, so a request
   * refused as busy has minted nothing.
   */
  start(request: AuthorizeRequest): Promise<UpstreamStep>;
  /** The MFA answers of an open session, on the endpoint that continues it, with its token. */
  continue(session: SessionLease, request: MfaAnswerRequest): Promise<UpstreamStep>;
  /** One poll of a pending session on AuthorizeAsync (`RequestId` alone), with its token. */
  poll(session: SessionLease, requestId: string): Promise<UpstreamStep>;
}

export interface FlinksCallSettings {
  /** Budget of the token phase (mint and its retries), from the start of the request. */
  tokenTimeoutMs: number;
  /** Budget of a cached Authorize, from the moment it starts. */
  cachedTimeoutMs: number;
  /** Budget of a call that reaches the bank (live login, MFA answers): past Flinks' 210 s sync window. */
  liveTimeoutMs: number;
  /** Longest wait for an upstream slot before the request is answered GatewayBusyError. */
  slotWaitMs: number;
  /** Start calls that reach the bank on AuthorizeAsync (enabled per customer by Flinks). */
  authorizeAsync: boolean;
}

/** What tracing puts around one call to Flinks; the outcome passes through untouched. */
export type CallWrapper = <R extends { kind: string }>(
  operation: UpstreamOperation,
  call: () => Promise<R>,
) => Promise<R>;

export interface FlinksCallDependencies {
  flinks: FlinksClient;
  secretKey: Secret;
  slots: UpstreamSlots;
  logger: Logger;
  metrics: GatewayMetrics;
  settings: FlinksCallSettings;
  /** Tracing's span around each call; none: the call as it is. */
  wrapCall?: CallWrapper;
}

/** A call reaches the bank unless it only reads Flinks' cache (or polls). */
const reachesBank = (request: AuthorizeAsyncRequest) =>
  "SecurityResponses" in request ||
  "Username" in request ||
  ("MostRecentCached" in request && request.MostRecentCached === false);

/** What the gateway sends that must never come back to a consumer. */
function secretsIn(token: Secret, request: AuthorizeAsyncRequest): string[] {
  const sent = [token.reveal()];
  if ("Password" in request) sent.push(request.Password);
  if ("SecurityResponses" in request) {
    for (const answers of Object.values(request.SecurityResponses)) sent.push(...answers);
  }
  return sent;
}

/** Flinks' own ids of a call, for reconciliation: its RequestId and LoginId where the call knows them. */
function flinksIds(request: AuthorizeAsyncRequest, outcome: AuthorizeOutcome) {
  const body = "body" in outcome ? (outcome.body as { RequestId?: unknown; Login?: { Id?: unknown } }) : {};
  const requestId =
    typeof body.RequestId === "string"
      ? body.RequestId
      : "RequestId" in request
        ? request.RequestId
        : undefined;
  const loginId =
    typeof body.Login?.Id === "string" ? body.Login.Id : "LoginId" in request ? request.LoginId : undefined;
  return { flinksRequestId: requestId, loginId };
}

const RETRY_AFTER_SECONDS = 1;
const FAILURES = new Set(["unexpectedResponse", "networkError", "timeout"]);
const direct: CallWrapper = (_operation, call) => call();

/** Builds each request's `FlinksCalls` from the shared client, slots and settings. */
export function createFlinksCalls({
  flinks,
  secretKey,
  slots,
  logger,
  metrics,
  settings,
  wrapCall = direct,
}: FlinksCallDependencies) {
  return ({ requestId, consumer, signal, prefer }: RequestScope): FlinksCalls => {
    const startedAt = Date.now();
    let log: Logger | undefined;
    const logOf = () => {
      log ??= logger.child({ requestId, consumer });
      return log;
    };
    const headers = (operation: UpstreamOperation) => ({
      "x-request-id": requestId,
      // Prism has no 203 for GenerateAuthorizeToken: Prefer only ever goes to the session calls.
      ...(prefer !== null && operation !== "GenerateAuthorizeToken" && { prefer }),
    });

    /** One call to Flinks, timed, traced and logged. */
    const call = async <R extends { kind: string }>(
      operation: UpstreamOperation,
      waitedMs: number,
      run: () => Promise<R>,
      ids: (outcome: R) => Record<string, unknown> = () => ({}),
    ): Promise<R> => {
      const started = performance.now();
      const outcome = await wrapCall(operation, run);
      const durationMs = performance.now() - started;
      metrics.upstreamCall(operation, outcome.kind, durationMs / 1000);
      const level = FAILURES.has(outcome.kind) ? "warn" : "info";
      const target = logOf();
      if (target.isLevelEnabled(level)) {
        const detail = outcome as { status?: number; flinksCode?: string; message?: string };
        target[level](
          {
            call: operation,
            outcome: outcome.kind,
            status: detail.status,
            flinksCode: detail.flinksCode,
            ...ids(outcome),
            durationMs: Math.round(durationMs * 100) / 100,
            waitedMs,
            inFlight: slots.inFlight,
            ...(level === "warn" && { reason: detail.message }),
          },
          level === "warn" ? "upstream call failed" : "upstream call",
        );
      }
      return outcome;
    };

    /** One slot for the whole step, or a busy step when none frees within the bounded wait. */
    const inSlot = async (step: (waitedMs: number) => Promise<UpstreamStep>): Promise<UpstreamStep> => {
      const waitStarted = performance.now();
      const release = await slots.acquire({ waitMs: settings.slotWaitMs, signal });
      const waitedMs = Math.round(performance.now() - waitStarted);
      if (!release) {
        if (!signal.aborted) metrics.upstreamBusy();
        logOf().warn(
          { inFlight: slots.inFlight, waiting: slots.waiting, waitedMs },
          "upstream busy: no slot within the wait, nothing sent",
        );
        return { kind: "busy", retryAfterSeconds: RETRY_AFTER_SECONDS };
      }
      try {
        return await step(waitedMs);
      } finally {
        release();
      }
    };

    /** One session call on the endpoint the session lives on. */
    const sessionCall = async (
      session: SessionLease,
      body: AuthorizeAsyncRequest,
      kind: SessionCall,
      waitedMs: number,
    ): Promise<UpstreamStep> => {
      const operation = session.endpoint === "async" ? "AuthorizeAsync" : "Authorize";
      // AuthorizeAsync answers at once (202); only the sync endpoint holds a call for the bank's login.
      const budget =
        operation === "Authorize" && reachesBank(body) ? settings.liveTimeoutMs : settings.cachedTimeoutMs;
      const options: CallOptions = { signal, deadline: Date.now() + budget, headers: headers(operation) };
      const outcome = await call(
        operation,
        waitedMs,
        () =>
          operation === "AuthorizeAsync"
            ? flinks.authorizeAsync(session.token, body, options)
            : flinks.authorize(session.token, body as AuthorizeRequest, options),
        (answer) => flinksIds(body, answer),
      );
      // Prism answers an unsatisfiable Prefer with its own problem+json, which the contract rejects.
      if (prefer !== null && outcome.kind === "unexpectedResponse") {
        return { kind: "mockPreferUnserved", prefer, status: outcome.status };
      }
      return { kind: "answered", call: kind, outcome, session, sent: secretsIn(session.token, body) };
    };

    return {
      signal,
      get log() {
        return logOf();
      },

      start: (body) =>
        inSlot(async (waitedMs) => {
          const options = {
            deadline: startedAt + settings.tokenTimeoutMs,
            signal,
            headers: headers("GenerateAuthorizeToken"),
          };
          // Each attempt is one call to Flinks: timed, traced and logged on its own.
          const token = await mintToken(
            (attempt) =>
              call("GenerateAuthorizeToken", waitedMs, () =>
                flinks.generateAuthorizeToken(secretKey, attempt),
              ),
            options,
          );
          if (token.kind !== "token") return { kind: "tokenFailure", outcome: token };
          const endpoint = settings.authorizeAsync && reachesBank(body) ? "async" : "sync";
          return sessionCall(
            { token: token.token, mintedAt: token.mintedAt, endpoint },
            body,
            "start",
            waitedMs,
          );
        }),

      continue: (session, body) => inSlot((waitedMs) => sessionCall(session, body, "answer", waitedMs)),

      poll: (session, requestId) =>
        inSlot((waitedMs) =>
          sessionCall({ ...session, endpoint: "async" }, { RequestId: requestId }, "poll", waitedMs),
        ),
    };
  };
}
