import { existsSync } from "node:fs";
import { type Browser, chromium, type LaunchOptions } from "playwright-core";

/**
 * The browser of every browser test: Debian's Chromium, driven by Playwright 1.65. Playwright's own
 * download (`npx playwright install`) and its `channel` options need the internet, so the tests use the
 * system package; Playwright targets a slightly newer Chromium, which has been fine so far.
 */
export const CHROMIUM_PATH = "/usr/bin/chromium";
/** How to install it on Debian (CI's `.ci/run` does, as root). */
export const CHROMIUM_INSTALL = "apt-get install -y chromium";

/**
 * Launch options shared by every browser test, for `chromium.launch()` (below) or `@playwright/test`'s
 * `use: { launchOptions }`. As root in a container Chromium needs `--no-sandbox` (Playwright adds it while
 * `chromiumSandbox` is false, its default); a small /dev/shm would crash its renderers.
 */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: ["--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--no-default-browser-check"],
  timeout: 30_000,
};

/** Why the browser tests cannot run on this machine, naming the install command; undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `Chromium is not installed at ${CHROMIUM_PATH}: install it with \`${CHROMIUM_INSTALL}\` to run the browser tests.`;
}

/** Starts headless Chromium with the shared options; close it in the test's teardown. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ ...chromiumLaunchOptions, ...options });
}
