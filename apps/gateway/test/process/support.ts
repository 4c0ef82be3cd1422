import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { sleep } from "@flinks-authorize/kit/ports";
import type { Exit, NodeProcess } from "@flinks-authorize/kit/processes";
import { expect } from "vitest";
import { CALLER_KEY } from "../harness.js";

/** One GraphQL POST over the network; fails the test unless it is a 200 without `errors`. */
export async function postGraphQL(
  port: number,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Record<string, Record<string, unknown>>> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${CALLER_KEY}`, ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const body = JSON.parse(text) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
  expect(body.errors, text).toBeUndefined();
  return body.data ?? {};
}

export interface Termination {
  exit: Exit | undefined;
  /** The process outlived the grace and was killed, as the kubelet does. */
  killed: boolean;
}

/**
 * SIGTERM the way Kubernetes and Docker send it: to the main process alone, not its group. Then wait up
 * to `graceMs` for it to exit, and SIGKILL whatever of its group is left if it has not.
 */
export async function terminateLikeKubernetes(main: NodeProcess, graceMs: number): Promise<Termination> {
  process.kill(main.pid, "SIGTERM");
  const exit = await Promise.race([main.exited, sleep(graceMs).then(() => undefined)]);
  if (exit === undefined) main.signal("SIGKILL");
  return { exit, killed: exit === undefined };
}

/** Runs a bash script with nothing but PATH and HOME, bounded; resolves with what it printed. */
export function runBash(script: string, timeoutMs = 30_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      ["-euo", "pipefail", "-c", script],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: timeoutMs, encoding: "utf8" },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

/** Whether a program is on PATH. */
export function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(":").some((folder) => folder && existsSync(`${folder}/${program}`));
}
