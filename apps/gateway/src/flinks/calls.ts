import { randomUUID } from "node:crypto";
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
import { type MintedToken, mintToken, type TokenFailure } from "./tokens.js";

/** What a later call of a session needs from the call that opened it. */
export interface SessionLease {
  /** Random, per session: what its handles and their single-use markers know it by (handles/seal.ts). */
  id: string;
  token: Secret;
  /** The consumer whose session it is: its handles open for it alone. */
  consumer: string;
  /** Which MFA challenge of the session comes next (handles/seal.ts, `round`). */
  round: number;
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

/** How a connectToken call ended: a token for the Connect iframe, or why there is none. */
export type ConnectTokenStep =
  | Extract<UpstreamStep, { kind: "busy" | "tokenFailure" }>
  | { kind: "minted"; token: Secret; mintedAt: number };

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
  /**
   * When the HTTP request arrived (epoch ms): the token's budget counts from then, so a request that
   * waited in a busy event loop past its budget never reaches Flinks.
   */
  receivedAt: number;
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
  /**
   * A one-time token for the Flinks Connect iframe (which opens its own session with it), minted like a
   * session's, in an upstream slot, within the token budget counted from the request's arrival.
   */
  connectToken(): Promise<ConnectTokenStep>;
  /** The MFA answers of an open session, on the endpoint that continues it, with its token. */
  continue(session: SessionLease, request: MfaAnswerRequest): Promise<UpstreamStep>;
  /** One poll of a pending session on AuthorizeAsync (`RequestId` alone), with its token. */
  poll(session: SessionLease, requestId: string): Promise<UpstreamStep>;
}

/** A session call sent to Flinks and not settled yet: what reconciliation needs if it never is. */
export interface CallInFlight {
  requestId: string;
  consumer: string;
  call: UpstreamOperation;
  loginId: string | undefined;
  flinksRequestId: string | undefined;
  sentAt: string;
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

/** What the gateway sends that must never come back to a consumer (nor reach a log through a message). */
function secretsIn(token: Secret, request: AuthorizeAsyncRequest): string[] {
  const sent = [token.reveal()];
  // The username too: Flinks' messages may name the login, and a message goes back to the consumer.
  if ("Password" in request) sent.push(request.Password, request.Username);
  if ("SecurityResponses" in request) {
    for (const answers of Object.values(request.SecurityResponses)) sent.push(...answers);
  }
  return sent;
}

/** Flinks' own ids of a call, for reconciliation: its RequestId and LoginId where the call knows them. */
function flinksIds(request: AuthorizeAsyncRequest, outcome?: AuthorizeOutcome) {
  const body =
    outcome && "body" in outcome ? (outcome.body as { RequestId?: unknown; Login?: { Id?: unknown } }) : {};
  const sentRequestId = "RequestId" in request ? request.RequestId : undefined;
  const sentLoginId = "LoginId" in request ? request.LoginId : undefined;
  return {
    flinksRequestId: typeof body.RequestId === "string" ? body.RequestId : sentRequestId,
    loginId: typeof body.Login?.Id === "string" ? body.Login.Id : sentLoginId,
  };
}

const RETRY_AFTER_SECONDS = 1;
const FAILURES = new Set(["unexpectedResponse", "networkError", "timeout"]);
const direct: CallWrapper = (_operation, call) => call();

/**
 * Builds each request's `FlinksCalls` from the shared client, slots and settings; `inFlight()` lists the
 * session calls sent and not yet settled, for the log of a shutdown that cannot wait for them.
 */
export function createFlinksCalls({
  flinks,
  secretKey,
  slots,
  logger,
  metrics,
  settings,
  wrapCall = direct,
}: FlinksCallDependencies) {
  const sent = new Set<CallInFlight>();
  const callsOf = ({ requestId, consumer, receivedAt, signal, prefer }: RequestScope): FlinksCalls => {
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

    /** Nothing sent, and why: the caller is told GatewayBusyError (when still there). */
    const busy = (why: string, waitedMs: number): Extract<UpstreamStep, { kind: "busy" }> => {
      if (!signal.aborted) metrics.upstreamBusy();
      logOf().warn(
        { inFlight: slots.inFlight, waiting: slots.waiting, waitedMs, ageMs: Date.now() - receivedAt, why },
        "upstream busy: nothing sent",
      );
      return { kind: "busy", retryAfterSeconds: RETRY_AFTER_SECONDS };
    };

    /** One slot for the whole step, or a busy step when none frees within the bounded wait. */
    const inSlot = async <S>(
      step: (waitedMs: number) => Promise<S>,
    ): Promise<S | Extract<UpstreamStep, { kind: "busy" }>> => {
      const waitStarted = performance.now();
      const release = await slots.acquire({ waitMs: settings.slotWaitMs, signal });
      const waitedMs = Math.round(performance.now() - waitStarted);
      if (!release) return busy(signal.aborted ? "caller gone" : "no slot within the wait", waitedMs);
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
      // The caller left while this request waited: nothing is sent for nobody (the client sends nothing
      // on an aborted signal either, but says so only as an outcome).
      const unsent = signal.aborted;
      const entry: CallInFlight = {
        requestId,
        consumer,
        call: operation,
        ...flinksIds(body),
        sentAt: new Date().toISOString(),
      };
      if (!unsent) sent.add(entry);
      const outcome = await call(
        operation,
        waitedMs,
        () =>
          operation === "AuthorizeAsync"
            ? flinks.authorizeAsync(session.token, body, options)
            : flinks.authorize(session.token, body as AuthorizeRequest, options),
        (answer) => flinksIds(body, answer),
      ).finally(() => sent.delete(entry));
      // Flinks may have acted on it (a bank login, an MFA answer) while its answer reaches no one: the
      // line an operator reconciles with Flinks' records, at the production log level.
      if (!unsent && (signal.aborted || outcome.kind === "timeout" || outcome.kind === "aborted")) {
        logOf().warn(
          {
            call: operation,
            outcome: outcome.kind,
            reason: signal.aborted ? "caller gone" : "deadline",
            ...flinksIds(body, outcome),
          },
          "upstream answer not delivered",
        );
      }
      // Prism answers an unsatisfiable Prefer with its own problem+json, which the contract rejects.
      if (prefer !== null && outcome.kind === "unexpectedResponse") {
        return { kind: "mockPreferUnserved", prefer, status: outcome.status };
      }
      return { kind: "answered", call: kind, outcome, session, sent: secretsIn(session.token, body) };
    };

    /**
     * A one-time token, then `next` with it, all in one upstream slot taken first (a request refused as
     * busy has minted nothing), within the token budget counted from the request's arrival.
     */
    const withToken = <S>(
      next: (token: MintedToken, waitedMs: number) => Promise<S>,
    ): Promise<S | Extract<UpstreamStep, { kind: "busy" | "tokenFailure" }>> => {
      // Waited in a busy process past the token's budget: sent nowhere, and said so as busy.
      if (Date.now() >= receivedAt + settings.tokenTimeoutMs)
        return Promise.resolve(busy("queued too long", 0));
      return inSlot(async (waitedMs) => {
        const options = {
          deadline: receivedAt + settings.tokenTimeoutMs,
          signal,
          headers: headers("GenerateAuthorizeToken"),
        };
        // Each attempt is one call to Flinks: timed, traced and logged on its own.
        const token = await mintToken(
          (attempt) =>
            call("GenerateAuthorizeToken", waitedMs, () => flinks.generateAuthorizeToken(secretKey, attempt)),
          options,
        );
        if (token.kind !== "token") return { kind: "tokenFailure" as const, outcome: token };
        return next(token, waitedMs);
      });
    };

    return {
      signal,
      get log() {
        return logOf();
      },

      start: (body) =>
        withToken(async (token, waitedMs) => {
          const endpoint = settings.authorizeAsync && reachesBank(body) ? "async" : "sync";
          return sessionCall(
            { id: randomUUID(), token: token.token, mintedAt: token.mintedAt, endpoint, consumer, round: 0 },
            body,
            "start",
            waitedMs,
          );
        }),

      connectToken: () =>
        withToken(async ({ token, mintedAt }) => ({ kind: "minted" as const, token, mintedAt })),

      continue: (session, body) => inSlot((waitedMs) => sessionCall(session, body, "answer", waitedMs)),

      poll: (session, requestId) =>
        inSlot((waitedMs) =>
          sessionCall({ ...session, endpoint: "async" }, { RequestId: requestId }, "poll", waitedMs),
        ),
    };
  };
  return Object.assign(callsOf, { inFlight: (): CallInFlight[] => [...sent] });
}
