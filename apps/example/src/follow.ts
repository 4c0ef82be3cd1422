import { AuthorizationDocument, type AuthorizationSubscription } from "@flinks-authorize/gateway/operations";
import type { GatewayClient } from "./gateway";
import type { Pending, Result } from "./results";

/**
 * Follows a Pending over the authorization subscription to its final result, yielding each update. A
 * stream that ends without a final result was ended by a gateway shutting down (it ends open streams
 * when it drains): this subscribes again with the newest handle, on whichever replica answers. Two empty
 * streams in a row end it, leaving the last Pending as it is.
 */
export async function* followPending(
  client: GatewayClient,
  pending: Pending,
  signal: AbortSignal,
): AsyncGenerator<Result, void> {
  let latest: Result = pending;
  let emptyStreams = 0;
  while (latest.__typename === "Pending" && !signal.aborted && emptyStreams < 2) {
    let received = 0;
    const updates: AsyncGenerator<AuthorizationSubscription, void> = client.subscribe(
      AuthorizationDocument,
      { handle: latest.handle },
      { signal },
    );
    for await (const { authorization } of updates) {
      received++;
      latest = authorization;
      yield authorization;
    }
    emptyStreams = received === 0 ? emptyStreams + 1 : 0;
  }
}
