import type { GatewayContext } from "../context.js";
import type { GatewayFailure } from "../errors.js";
import { type ResultValue, refusalOfHandle, resultOf } from "../flinks/outcome-to-result.js";
import type { FlinksSession } from "../handles/seal.js";
import { builder } from "./builder.js";
import { resultTypes } from "./session.js";
import { SESSION_FIELD } from "./session-fields.js";

/**
 * What continues a Pending: a mutation that polls Flinks once, and a subscription (server-sent events)
 * that polls on the server until the session reaches a final result. Both take the Pending's sealed
 * handle, so any gateway instance continues any session.
 */

const ContinueAuthorizationInput = builder.inputType("ContinueAuthorizationInput", {
  description: "The handle of a Pending.",
  fields: (t) => ({
    handle: t.string({ required: true, description: "Pending.handle." }),
  }),
});

/** Opens a Pending's handle, or says why it cannot continue; `path` is where the handle was given. */
function openPending(
  context: GatewayContext,
  handle: string,
  path: string[],
): FlinksSession | GatewayFailure {
  if (handle.length > 4096) return refusalOfHandle("malformed", "Pending", path);
  const opened = context.handles.open(handle, "pending", context.consumer.id);
  return opened.ok ? opened.session : refusalOfHandle(opened.reason, "Pending", path);
}

builder.mutationField("continueAuthorization", (t) =>
  t.errorUnionField({
    types: [...resultTypes],
    union: { name: "ContinueAuthorizationResult", description: "Where a pending session stands now." },
    description:
      "Poll a Pending once (AuthorizeAsync with its RequestId): Pending again, or where the session went.",
    args: { input: t.arg({ type: ContinueAuthorizationInput, required: true }) },
    extensions: SESSION_FIELD,
    resolve: async (_root, { input }, context) => {
      const session = openPending(context, input.handle, ["input", "handle"]);
      if (session instanceof Error) return session;
      return resultOf(await context.flinks.poll(session, session.requestId), context.handles);
    },
  }),
);

async function* followPending(context: GatewayContext, handle: string): AsyncGenerator<ResultValue> {
  // The subscription's handle is an argument of its own, not a field of an input.
  const session = openPending(context, handle, ["handle"]);
  if (session instanceof Error) {
    yield session;
    return;
  }
  yield* context.followers.follow(session, context.scope, context.consumer);
}

builder.subscriptionType({});
builder.subscriptionField("authorization", (t) =>
  // An error union, so the errors plugin carries error results as members (graphql-js would throw any
  // Error a plain field returns).
  t.errorUnionField({
    types: [...resultTypes],
    union: {
      name: "AuthorizationUpdate",
      description: "One step of a pending session: Pending while Flinks works, then its final result.",
    },
    description:
      "Follow a Pending to its end over server-sent events: the gateway polls AuthorizeAsync every FLINKS_POLL_INTERVAL_MS (one poll per session, however many streams follow it) and sends each result, ending after the first that is not Pending, or when the session's token expires.",
    args: { handle: t.arg.string({ required: true, description: "Pending.handle." }) },
    extensions: SESSION_FIELD,
    subscribe: (_root, { handle }, context) => followPending(context, handle),
    resolve: (result) => result as ResultValue,
  }),
);
