import type { Consumer } from "./consumers.js";
import type { GatewayMetrics } from "./metrics.js";
import type { SessionHandles } from "./session-handle.js";
import type { SessionLimits } from "./session-limits.js";
import type { SpentHandles } from "./spent-handles.js";
import type { Upstream } from "./upstream.js";

/** What every resolver gets: this request's calls to Flinks, and the session handles. */
export interface GatewayContext {
  upstream: Upstream;
  handles: SessionHandles;
  spentHandles: SpentHandles;
  mode: "mock" | "live";
  /** Cadence of the authorization subscription's polls. */
  pollIntervalMs: number;
  /** Who made the request (use-caller-auth.ts): what logs and limits know the caller by. */
  consumer: Consumer;
  /** The abuse limits every session call is admitted by before anything reaches Flinks. */
  limits: SessionLimits;
  /** Where the session fields report their results (a no-op when metrics are off). */
  metrics: GatewayMetrics;
  /**
   * Aborted when the process starts draining. A subscription then ends after its current poll instead of
   * holding the drain until the grace runs out; its consumer subscribes again with the same handle, which
   * any replica opens.
   */
  draining: AbortSignal;
}
