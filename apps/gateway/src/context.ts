import type { Consumer } from "./access/consumers.js";
import type { SessionLimits } from "./access/limits.js";
import type { FlinksCalls, RequestScope } from "./flinks/calls.js";
import type { Followers } from "./flinks/follow.js";
import type { SessionHandles } from "./handles/seal.js";
import type { SpentHandles } from "./handles/single-use.js";
import type { GatewayMetrics } from "./observability/metrics.js";

/**
 * What every resolver gets. The request's own facts (its id, its consumer, its calls to Flinks) are put
 * here by `gateway.ts` from what the plugins found; nothing below the plugins reads a plugin.
 */
export interface GatewayContext {
  /** The request's id: logged, forwarded to Flinks as `x-request-id`, echoed to the caller. */
  requestId: string;
  /** Who made the request (use-caller-auth.ts): what logs and limits know the caller by. */
  consumer: Consumer;
  /** What the request's calls to Flinks are bound to: its id, consumer, arrival, signal. */
  scope: RequestScope;
  /** This request's calls to Flinks, with its id, signal and deadlines bound in. */
  flinks: FlinksCalls;
  /** The authorization subscription's polls, shared by the streams of one session (flinks/follow.ts). */
  followers: Followers;
  handles: SessionHandles;
  spentHandles: SpentHandles;
  /** The abuse limits every session call is admitted by before anything reaches Flinks. */
  limits: SessionLimits;
  /** Where the session fields report their results (a no-op when metrics are off). */
  metrics: GatewayMetrics;
  mode: "mock" | "live";
  /** The Flinks Connect iframe's URL, which connectToken adds its token to; none when not configured. */
  connectUrl: string | undefined;
}

/**
 * What Yoga's context gets from the HTTP layer (http/server.ts), which gateway.ts reads: when the request
 * was first seen, so that what waited in the event loop is counted in its budgets.
 */
export type ServerContext = {
  /** Epoch ms. */
  receivedAt: number;
};
