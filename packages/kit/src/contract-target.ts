import { inject } from "vitest";
import type {} from "./prism-global-setup.js";

/** Where this run's calls go: the mock Prism of globalSetup, or FLINKS_TEST_BASE_URL. */
export const TARGET_URL = inject("prismUrl");
/** Prism-only behaviour (Prefer example selection, sl-violations on mock answers) can be relied on. */
export const ON_MOCK = inject("prismIsMock");
/** For `test.skipIf(NOT_ON_MOCK)`, with the test named through `mockOnly` so the report says why. */
export const NOT_ON_MOCK = !ON_MOCK;
/** A test name that, when skipped, carries the reason. */
export const mockOnly = (name: string) =>
  NOT_ON_MOCK
    ? `${name} [skipped: needs the mock Prism (Prefer example selection, sl-violations); FLINKS_TEST_BASE_URL is set]`
    : name;

if (NOT_ON_MOCK) {
  console.warn(
    `Contract tests target FLINKS_TEST_BASE_URL=${TARGET_URL}: tests that need the mock Prism are skipped.`,
  );
}
