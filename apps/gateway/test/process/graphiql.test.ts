import {
  type Browser,
  type BrowserContext,
  CHROMIUM_MISSING,
  chromiumInstalled,
  launchChromium,
  type Page,
  refuseAllButLoopback,
} from "@flinks-authorize/kit/browser";
import { authorized } from "@flinks-authorize/kit/fixtures";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import { type PrismServer, startPrism } from "@flinks-authorize/kit/prism";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { graphiqlDefaultTabs } from "../../src/graphiql/examples.js";

/**
 * GraphiQL in a real browser (Debian's Chromium), served by the production bundle in mock mode on Prism,
 * with every request beyond loopback refused and recorded: the page must load, open on the project's
 * tabs, and run them, with nothing fetched from elsewhere, no CSP violation and no script error.
 */

const WAIT_MS = 60_000;

let prism: PrismServer;
let gateway: GatewayProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let refused: string[];
const requested: string[] = [];
const pageErrors: string[] = [];

describe.skipIf(!chromiumInstalled())(
  chromiumInstalled()
    ? "GraphiQL in Chromium, offline"
    : `GraphiQL in Chromium (skipped: ${CHROMIUM_MISSING})`,
  () => {
    beforeAll(async () => {
      prism = await startPrism({ mode: "mock" });
      gateway = await startGateway({
        entry: inject("gatewayBundle"),
        env: { NODE_ENV: "test", LOG_LEVEL: "warn", FLINKS_MOCK_URL: prism.url },
      });
      browser = await launchChromium();
      context = await browser.newContext();
      refused = await refuseAllButLoopback(context);
      context.on("request", (request) => requested.push(request.url()));
      page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(error.message));
      await page.addInitScript(() => {
        const violations: string[] = [];
        Object.assign(window, { cspViolations: violations });
        document.addEventListener("securitypolicyviolation", (event) =>
          violations.push(`${event.violatedDirective} ${event.blockedURI}`),
        );
      });
      await page.goto(`${gateway.url}/graphql`, { timeout: WAIT_MS });
    }, 3 * WAIT_MS);

    afterAll(async () => {
      await browser?.close();
      await gateway?.stop();
      await prism?.stop();
    }, 30_000);

    const tabButton = (title: string) => page.locator(`button.graphiql-tab-button[title="${title}"]`);
    const response = () => page.locator(".graphiql-response");

    /**
     * Selects a tab. GraphiQL's tabs are drag-to-reorder items (framer-motion), which swallow a synthetic
     * mouse click now and then; the button's own click handler is what a user's click reaches.
     */
    async function openTab(title: string) {
      await tabButton(title).evaluate((button: HTMLElement) => button.click());
      await page.locator(".graphiql-tab-active", { hasText: title }).waitFor({ timeout: WAIT_MS });
      // GraphiQL keeps the previous tab's operation name until the editor's cursor moves; run then
      // answers "Cannot infer operation <previous>". A user's click into the operation moves it.
      await page.locator(".graphiql-query-editor .view-line", { hasText: `mutation ${title}` }).click();
    }

    /** An editor's text, every kind of space as a space (Monaco renders them as no-break ones). */
    const textOf = async (selector: string) =>
      ((await page.locator(selector).textContent()) ?? "").replace(/\s/gu, " ");

    async function run(expectedTypename: string): Promise<string> {
      await page.locator(".graphiql-execute-button").click();
      await response().getByText(`"${expectedTypename}"`).waitFor({ timeout: WAIT_MS });
      return textOf(".graphiql-response");
    }

    it(
      "opens on the project's tabs, the first one ready",
      async () => {
        await tabButton("AuthorizeCached").waitFor({ timeout: WAIT_MS });
        const titles = await page
          .locator("button.graphiql-tab-button")
          .evaluateAll((buttons) => buttons.map((button) => button.getAttribute("title")));
        // The tabs as graphiql/examples.ts lists them, by their operations' names, in order.
        expect(titles).toEqual(
          graphiqlDefaultTabs.map((tab) => /\b(?:mutation|query)\s+(\w+)/.exec(tab.query ?? "")?.[1]),
        );
        expect(await textOf(".graphiql-query-editor")).toContain("mutation AuthorizeCached {");
      },
      2 * WAIT_MS,
    );

    it(
      "runs the cached authorize: Authorized, in the rendered page",
      async () => {
        const shown = await run("Authorized");
        expect(shown).toContain(authorized.RequestId);
        expect(shown).toContain("FlinksCapital");
      },
      2 * WAIT_MS,
    );

    it(
      "the MFA walkthrough as its tabs say: step 1 MfaRequired, step 2 with its handle Authorized",
      async () => {
        await openTab("MfaStep1Authorize");
        const step1 = await run("MfaRequired");
        // Monaco wraps long lines: the handle (base64url) may come back in pieces.
        const handle = /"handle":\s*"([^"]+)"/.exec(step1)?.[1]?.replace(/\s+/g, "");
        expect(handle?.length).toBeGreaterThan(100);

        await openTab("MfaStep2SubmitMfa");
        await page.locator('.graphiql-editor-tools button[data-name="variables"]').click();
        await page.locator(".graphiql-editor-tool .monaco-editor").first().click();
        await page.keyboard.press("ControlOrMeta+A");
        await page.keyboard.press("Delete");
        await page.keyboard.insertText(JSON.stringify({ handle }));
        const step2 = await run("Authorized");
        expect(step2).toContain("submitMfa");
      },
      3 * WAIT_MS,
    );

    it("fetched nothing beyond the gateway, broke no CSP rule, threw no error", async () => {
      expect(refused).toEqual([]);
      expect(requested.length).toBeGreaterThan(0);
      expect(requested.filter((url) => !url.startsWith(`${gateway.url}/`))).toEqual([]);
      expect(
        await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
      ).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  },
);
