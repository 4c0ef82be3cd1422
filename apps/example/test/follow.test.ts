import { describe, expect, it } from "vitest";
import { followPending } from "../src/follow";
import type { GatewayClient } from "../src/gateway";
import type { Pending, Result } from "../src/results";

// Following a Pending across streams a draining gateway ends: each stream is scripted, and the handles
// each subscription was opened with are recorded.

const pending = (handle: string) =>
  ({ __typename: "Pending", requestId: "r", handle, reason: "OPERATION_PENDING", message: "m" }) as Pending;
const AUTHORIZED = { __typename: "Authorized", requestId: "r" } as Result;

function scriptedClient(streams: Result[][]) {
  const handles: string[] = [];
  const client = {
    execute: () => Promise.reject(new Error("not used")),
    async *subscribe(_document: unknown, variables: { handle: string }) {
      handles.push(variables.handle);
      for (const authorization of streams.shift() ?? []) yield { authorization };
    },
  } as unknown as GatewayClient;
  return { client, handles };
}

async function follow(streams: Result[][]) {
  const { client, handles } = scriptedClient(streams);
  const updates: string[] = [];
  for await (const update of followPending(client, pending("h0"), new AbortController().signal)) {
    updates.push(update.__typename === "Pending" ? `Pending ${update.handle}` : update.__typename);
  }
  return { updates, handles };
}

describe("followPending", () => {
  it.each([
    {
      case: "one stream to the final result",
      streams: [[pending("h1"), AUTHORIZED]],
      updates: ["Pending h1", "Authorized"],
      handles: ["h0"],
    },
    {
      case: "a stream ended after a Pending: again, with the newest handle",
      streams: [[pending("h1")], [pending("h2"), AUTHORIZED]],
      updates: ["Pending h1", "Pending h2", "Authorized"],
      handles: ["h0", "h1"],
    },
    {
      case: "one empty stream: again, with the same handle",
      streams: [[], [AUTHORIZED]],
      updates: ["Authorized"],
      handles: ["h0", "h0"],
    },
    {
      case: "two empty streams in a row: it stops",
      streams: [[pending("h1")], [], [], [AUTHORIZED]],
      updates: ["Pending h1"],
      handles: ["h0", "h1", "h1"],
    },
  ])("$case", async ({ streams, updates, handles }) => {
    expect(await follow(streams)).toEqual({ updates, handles });
  });

  it("subscribes no more once the session is abandoned", async () => {
    const { client, handles } = scriptedClient([[pending("h1")], [AUTHORIZED]]);
    const session = new AbortController();
    for await (const _update of followPending(client, pending("h0"), session.signal)) session.abort();
    expect(handles).toEqual(["h0"]);
  });
});
