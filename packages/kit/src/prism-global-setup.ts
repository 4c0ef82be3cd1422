import type { TestProject } from "vitest/node";
import { startPrism } from "./prism.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the contract suites send their calls: our mock Prism, or FLINKS_TEST_BASE_URL. */
    prismUrl: string;
    /**
     * True when `prismUrl` is the mock Prism this setup started, so Prism-only behaviour (Prefer example
     * selection, `sl-violations` on a mock answer) can be relied on. False under FLINKS_TEST_BASE_URL.
     */
    prismIsMock: boolean;
  }
}

/**
 * Vitest globalSetup of the contract projects: one mock Prism on the spec for the whole run, stopped at the
 * end even when tests fail. With FLINKS_TEST_BASE_URL set (e.g. a `prism proxy --errors` in front of the
 * Flinks toolbox) nothing is started and the suites target that URL instead. FLINKS_TEST_SPEC makes the
 * mock serve another document (a modified copy of the spec), to check that the suites catch the change.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.FLINKS_TEST_BASE_URL?.trim();
  if (external) {
    project.provide("prismUrl", external.replace(/\/+$/, ""));
    project.provide("prismIsMock", false);
    return async () => {};
  }
  const document = process.env.FLINKS_TEST_SPEC?.trim() || undefined;
  const prism = await startPrism({ mode: "mock", document });
  project.provide("prismUrl", prism.url);
  project.provide("prismIsMock", true);
  return async () => {
    await prism.stop();
  };
}
