import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

export type { Browser, BrowserContext, Page } from "playwright-core";

/**
 * The browser of every browser test: Debian's Chromium, driven by playwright-core. `npx playwright
 * install` downloads its own build, which fails offline, and Playwright's `channel`s look for Google's
 * builds; Playwright targets a slightly newer Chromium than Debian ships, so an occasional protocol skew is
 * possible. `CHROMIUM_PATH` points at another binary.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Why browser tests are skipped when there is no Chromium, and how to get one. */
export const CHROMIUM_MISSING = `no Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install -y chromium, as root), or set CHROMIUM_PATH`;

export const chromiumInstalled = (): boolean => existsSync(CHROMIUM_PATH);

export interface LaunchOptions {
  /**
   * Cut the browser off from everything but loopback: every other request goes to a proxy that does not
   * exist (Chromium never proxies loopback), so it fails at once instead of reaching the network.
   * @default true
   */
  loopbackOnly?: boolean;
}

/**
 * Launches headless Chromium. As root in a container it needs no sandbox (Playwright adds `--no-sandbox`
 * while `chromiumSandbox` is false, its default); a small /dev/shm would crash its renderers. Close it in
 * the test's teardown.
 */
export function launchChromium({ loopbackOnly = true }: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    args: [
      "--disable-dev-shm-usage",
      "--disable-gpu",
      "--no-first-run",
      "--no-default-browser-check",
      // Not Playwright's `proxy` option: it adds `<-loopback>`, which would send loopback to the proxy too.
      ...(loopbackOnly ? ["--proxy-server=http://127.0.0.1:9"] : []),
    ],
  });
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Fails every request of the context that is not for a loopback host, and records it: the test asserts
 * the list is empty, so "nothing left this machine" is checked, not just survived.
 */
export async function refuseAllButLoopback(context: BrowserContext): Promise<string[]> {
  const refused: string[] = [];
  await context.route(
    (url) => !LOOPBACK_HOSTS.has(url.hostname),
    (route) => {
      refused.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  return refused;
}
