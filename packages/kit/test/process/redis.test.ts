import { connect } from "node:net";
import { describe, expect, test } from "vitest";
import { descendants, isRunning } from "../../src/processes.js";
import { REDIS_INSTALL_HINT, redisServerBinary, startRedis } from "../../src/redis.js";

/** Sends one inline command and resolves with the first line of the answer. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(`${line}\r\n`));
    socket.setTimeout(2_000, () => socket.destroy(new Error("no answer")));
    socket.once("data", (chunk) => {
      socket.end();
      resolve(chunk.toString("utf8").split("\r\n")[0] ?? "");
    });
    socket.once("error", reject);
  });
}

describe.skipIf(!redisServerBinary())(`startRedis (${REDIS_INSTALL_HINT} to run these)`, () => {
  test("answers on a loopback port; stop() ends it and its parent", async () => {
    const redis = await startRedis();
    const children = descendants(redis.pid);
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await command(redis.port, "PING")).toBe("+PONG");
      expect(children).toHaveLength(1);
    } finally {
      await redis.stop();
    }
    expect(isRunning(redis.pid)).toBe(false);
    expect(children.filter(isRunning)).toEqual([]);
  });

  test("killed, it can start again on the same port", async () => {
    const first = await startRedis();
    first.signal("SIGKILL");
    await first.exited;
    const again = await startRedis({ port: first.port });
    try {
      expect(await command(again.port, "PING")).toBe("+PONG");
    } finally {
      await again.stop();
    }
  });
});
