import type { Plugin } from "graphql-yoga";

/** What `/status` answers: why this replica is or is not ready, and what it sees of Flinks. */
export interface Status {
  /** What /ready answers: not draining and not overloaded. Flinks' health is not part of it. */
  ready: boolean;
  draining: boolean;
  /** The event loop's lag (ms) and whether new GraphQL requests are being refused busy for it. */
  eventLoopLagMs: number;
  shedding: boolean;
  upstream: {
    /** Whether Flinks answered HTTP at all on the last probe (cached a few seconds). */
    reachable: boolean;
    /** Calls to Flinks holding a slot, waiting for one, and the bound. */
    inFlight: number;
    waiting: number;
    maxInFlight: number;
  };
}

/**
 * `GET /status`: the replica's own view as JSON, for an operator or a dashboard. Readiness says only
 * whether to send this replica work; a Flinks outage is every replica's, so it shows here (and in the
 * metrics) instead of taking every replica out of the balancer. Open like /health: it names no host,
 * key or caller.
 */
export function useStatus({
  path = "/status",
  status,
}: {
  path?: string;
  status: () => Promise<Status>;
}): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== path) return;
      const body = JSON.stringify(await status());
      endResponse(
        new fetchAPI.Response(body, {
          status: 200,
          headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
        }),
      );
    },
  };
}
