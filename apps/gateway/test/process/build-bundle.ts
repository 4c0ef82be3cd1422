import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildServer } from "../../scripts/build.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The production bundle of this run's sources, in a folder with no node_modules. */
    gatewayBundle: string;
  }
}

/**
 * globalSetup of the `process` project: the gateway processes under test run what ships, so the bundle
 * is built once per run from the current sources, outside the repository, and removed at the end.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const folder = mkdtempSync(join(tmpdir(), "gateway-bundle-"));
  project.provide("gatewayBundle", await buildServer(join(folder, "server.mjs")));
  return () => rmSync(folder, { recursive: true, force: true });
}
