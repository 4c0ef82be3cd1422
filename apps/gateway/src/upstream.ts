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
import type { AuthorizeTokens, TokenFailure } from "./authorize-tokens.js";
import { consumerOf } from "./consumers.js";
import { type GatewayMetrics, NO_METRICS } from "./metrics.js";
import { REQUEST_ID_HEADER, requestIdOf } from "./plugins/use-request-id.js";
import type { SessionCall } from "./results.js";
import type { UpstreamSlots } from "./upstream-slots.js";

/** What a later call of a session needs from the call that opened it. */
export interface SessionLease {
  token: Secret;
  /** Epoch ms: the token's lifetime (and so the session handle's) counts from it. */
  mintedAt: number;
  endpoint: "sync" | "async";
}

/** How one step of a session ended, before it becomes a GraphQL result (results.ts). */
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

/** The calls of one GraphQL request to Flinks, with its id, signal, deadlines and logger bound in. */
export interface Upstream {
  readonly requestId: string;
  /** The caller's disconnect. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /**
   * Opens a session: a one-time token (pooled or minted), then Authorize (AuthorizeAsync for a call that
   * reaches the bank when FLINKS_AUTHORIZE_ASYNC is on). Both calls run in one upstream slot, taken
   * first, so a request refused as busy has minted nothing.
   */
  start(request: AuthorizeRequest): Promise<UpstreamStep>;
  /** The MFA answers of an open session, on the endpoint that continues it, with its token. */
  continue(session: SessionLease, request: MfaAnswerRequest): Promise<UpstreamStep>;
  /** One poll of a pending session on AuthorizeAsync (`RequestId` alone), with its token. */
  poll(session: SessionLease, requestId: string): Promise<UpstreamStep>;
}

export interface UpstreamSettings {
  /** Budget of the token phase (mint and its retries), from the start of the request. */
  tokenTimeoutMs: number;
  /** Budget of a cached Authorize, from the moment it starts. */
  cachedTimeoutMs: number;
  /** Budget of a call that reaches the bank (live login, MFA answers): past Flinks' 210 s sync window. */
  liveTimeoutMs: number;
  /** Longest wait for an upstream slot before the request is answered GatewayBusyError. */
  slotWaitMs: number;
  /** Mock mode: the GraphQL request's `Prefer` header is forwarded to the session calls (Prism picks its answer). */
  forwardPrefer: boolean;
  /**
   * Start calls that reach the bank on AuthorizeAsync (enabled per customer by Flinks): they answer
   * Pending at once instead of holding the request for the whole login.
   */
  authorizeAsync: boolean;
}

export interface UpstreamDependencies {
  flinks: FlinksClient;
  tokens: AuthorizeTokens;
  slots: UpstreamSlots;
  logger: Logger;
  settings: UpstreamSettings;
  /** Busy refusals and where tokens came from. */
  metrics?: GatewayMetrics;
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

const RETRY_AFTER_SECONDS = 1;

/** Builds the per-request `Upstream` from the shared client, token source, slots and settings. */
export function createUpstreamFactory({
  flinks,
  tokens,
  slots,
  logger,
  settings,
  metrics = NO_METRICS,
}: UpstreamDependencies) {
  return (request: Request): Upstream => {
    const startedAt = Date.now();
    const requestId = requestIdOf(request);
    const prefer = settings.forwardPrefer ? request.headers.get("prefer") : null;
    const signal = request.signal;
    let log: Logger | undefined;
    const logOf = () => {
      log ??= logger.child({ requestId, consumer: consumerOf(request)?.id });
      return log;
    };
    const headers = (call: "GenerateAuthorizeToken" | "Authorize" | "AuthorizeAsync") => ({
      [REQUEST_ID_HEADER]: requestId,
      // Prism has no 203 for GenerateAuthorizeToken: Prefer only ever goes to the session calls.
      ...(prefer !== null && call !== "GenerateAuthorizeToken" && { prefer }),
    });

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

    const logCall = (call: string, started: number, waitedMs: number, outcome: { kind: string }) => {
      const level =
        outcome.kind === "unexpectedResponse" || outcome.kind === "networkError" || outcome.kind === "timeout"
          ? "warn"
          : "info";
      const target = logOf();
      if (!target.isLevelEnabled(level)) return;
      const detail = outcome as { status?: number; flinksCode?: string; message?: string };
      target[level](
        {
          call,
          outcome: outcome.kind,
          status: detail.status,
          flinksCode: detail.flinksCode,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          waitedMs,
          inFlight: slots.inFlight,
          ...(level === "warn" && { reason: detail.message }),
        },
        level === "warn" ? "upstream call failed" : "upstream call",
      );
    };

    /** One session call on the endpoint the session lives on. */
    const sessionCall = async (
      session: SessionLease,
      body: AuthorizeAsyncRequest,
      call: SessionCall,
      waitedMs: number,
    ): Promise<UpstreamStep> => {
      const operation = session.endpoint === "async" ? "AuthorizeAsync" : "Authorize";
      // AuthorizeAsync answers at once (202); only the sync endpoint holds a call for the bank's login.
      const budget =
        operation === "Authorize" && reachesBank(body) ? settings.liveTimeoutMs : settings.cachedTimeoutMs;
      const options: CallOptions = { signal, deadline: Date.now() + budget, headers: headers(operation) };
      const started = performance.now();
      const outcome =
        operation === "AuthorizeAsync"
          ? await flinks.authorizeAsync(session.token, body, options)
          : await flinks.authorize(session.token, body as AuthorizeRequest, options);
      logCall(operation, started, waitedMs, outcome);
      // Prism answers an unsatisfiable Prefer with its own problem+json, which the contract rejects.
      if (prefer !== null && outcome.kind === "unexpectedResponse") {
        return { kind: "mockPreferUnserved", prefer, status: outcome.status };
      }
      return { kind: "answered", call, outcome, session, sent: secretsIn(session.token, body) };
    };

    return {
      requestId,
      signal,
      get log() {
        return logOf();
      },

      start: (body) =>
        inSlot(async (waitedMs) => {
          const started = performance.now();
          const token = await tokens.take({
            deadline: startedAt + settings.tokenTimeoutMs,
            signal,
            headers: headers("GenerateAuthorizeToken"),
          });
          logCall(
            token.kind === "token" && token.pooled ? "pooled token" : "GenerateAuthorizeToken",
            started,
            waitedMs,
            token,
          );
          if (token.kind !== "token") return { kind: "tokenFailure", outcome: token };
          metrics.tokenTaken(token.pooled ? "pool" : "request");
          const endpoint = settings.authorizeAsync && reachesBank(body) ? "async" : "sync";
          const session: SessionLease = { token: token.token, mintedAt: token.mintedAt, endpoint };
          return sessionCall(session, body, "start", waitedMs);
        }),

      continue: (session, body) => inSlot((waitedMs) => sessionCall(session, body, "answer", waitedMs)),

      poll: (session, requestId) =>
        inSlot((waitedMs) =>
          sessionCall({ ...session, endpoint: "async" }, { RequestId: requestId }, "poll", waitedMs),
        ),
    };
  };
}
