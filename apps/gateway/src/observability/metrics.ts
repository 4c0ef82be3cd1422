import type { UpstreamSlots } from "../flinks/slots.js";

/**
 * The gateway's own metrics, as the code reports them: one call per event, every label from a closed
 * set (no ids, usernames or free text), so a series count never grows with traffic. NO_METRICS when
 * GATEWAY_METRICS_PORT is unset; the Prometheus implementation (`prometheus.ts`) is loaded only when
 * metrics are on.
 */
export interface GatewayMetrics {
  /**
   * A session field answered: which field, which member of its result union (its GraphQL type name),
   * and which FlinksCode (`none`: no code; `other`: a code newer than the spec).
   */
  sessionResult(field: string, result: string, code: string): void;
  /** One call to Flinks settled (each attempt of a token mint counts one). */
  upstreamCall(operation: UpstreamOperation, outcome: string, seconds: number): void;
  /** A request found no upstream slot within FLINKS_SLOT_WAIT_MS: GatewayBusyError, nothing sent. */
  upstreamBusy(): void;
  /** A session handle sealed into a result, or presented and opened (or refused, and why). */
  sessionHandle(step: "mfa" | "pending", event: HandleEvent): void;
  /** An abuse limit refused a session call: nothing was sent. */
  rateLimited(budget: string, scope: string): void;
  /** Gauges read at scrape time from the live upstream slots. */
  watch(slots: UpstreamSlots): void;
}

/** The calls to Flinks, by the names logs, metrics and traces give them. */
export type UpstreamOperation = "GenerateAuthorizeToken" | "Authorize" | "AuthorizeAsync";
export type HandleEvent =
  | "issued"
  | "opened"
  | "expired"
  | "malformed"
  | "wrongStep"
  | "foreign"
  | "replayed"
  | "unverifiable";

export const NO_METRICS: GatewayMetrics = {
  sessionResult() {},
  upstreamCall() {},
  upstreamBusy() {},
  sessionHandle() {},
  rateLimited() {},
  watch() {},
};
