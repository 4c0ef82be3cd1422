import type { SessionHandles } from "./session-handle.js";
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
}
