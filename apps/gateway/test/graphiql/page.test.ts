import { readFileSync } from "node:fs";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { graphiqlDefaultQuery, graphiqlDefaultTabs } from "../../src/graphiql/examples.js";
import { GRAPHIQL_CSP } from "../../src/graphiql/page.js";
import { fakeUpstream, LIVE_ENV, testGateway } from "../harness.js";

// The page GraphiQL is served as, and the tabs it opens with. That the page works in a browser with
// nothing but loopback reachable: test/process/graphiql.test.ts. That the tabs answer as their comments
// say against the mock: test/contract/graphiql-tabs.test.ts.

const schema = buildSchema(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8"));

const openGraphiQL = (gateway: ReturnType<typeof testGateway>) =>
  gateway.yoga.fetch("http://gateway.test/graphql", { headers: { accept: "text/html" } });

describe("GraphiQL's page", async () => {
  const response = await openGraphiQL(testGateway(fakeUpstream({})));
  const page = await response.text();

  it("is served in mock mode, as HTML with its CSP", () => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toBe(GRAPHIQL_CSP);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("loads nothing from elsewhere: its markup refers to data: URLs only, script and styles are inline", () => {
    const markup = page
      .replace(/<script>[\s\S]*?<\/script>/g, "<script/>")
      .replace(/<style>[\s\S]*?<\/style>/g, "<style/>");
    expect(markup.match(/<script/g)).toHaveLength(1);
    const references = [...markup.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map(
      (match) => match[1],
    );
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((reference) => !reference?.startsWith("data:"))).toEqual([]);
    expect(page).not.toMatch(/unpkg\.com|jsdelivr\.net/);
  });

  it("carries the project's tabs, not Yoga's welcome text", () => {
    for (const tab of graphiqlDefaultTabs) expect(page).toContain(JSON.stringify(tab.query).slice(1, 60));
    expect(page).toContain('"title":"Flinks Authorize gateway"');
  });

  it("lets the page talk to this origin alone, and never be framed", () => {
    expect(GRAPHIQL_CSP).toContain("connect-src 'self'");
    expect(GRAPHIQL_CSP).toContain("default-src 'none'");
    expect(GRAPHIQL_CSP).toContain("frame-ancestors 'none'");
  });

  it("is compressed as the browser accepts, and revalidated by its ETag (a reload is a 304, no body)", async () => {
    const gateway = testGateway(fakeUpstream({}));
    const plain = await openGraphiQL(gateway);
    const size = (await plain.arrayBuffer()).byteLength;
    const sizes: Record<string, number> = {};
    for (const encoding of ["gzip", "br"]) {
      const encoded = await gateway.yoga.fetch("http://gateway.test/graphql", {
        headers: { accept: "text/html", "accept-encoding": `${encoding}, identity;q=0.5` },
      });
      expect(encoded.headers.get("content-encoding")).toBe(encoding);
      expect(encoded.headers.get("vary")).toMatch(/\baccept-encoding\b/i);
      sizes[encoding] = (await encoded.arrayBuffer()).byteLength;
    }
    console.log(`GraphiQL page: ${size} bytes as HTML, ${sizes.gzip} gzip, ${sizes.br} brotli`);
    expect(sizes.br).toBeLessThan(size / 3);
    expect(sizes.gzip).toBeLessThan(size / 3);
    const etag = plain.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(plain.headers.get("cache-control")).toBe("no-cache");
    const again = await gateway.yoga.fetch("http://gateway.test/graphql", {
      headers: { accept: "text/html", "if-none-match": String(etag) },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("content-security-policy")).toBe(GRAPHIQL_CSP);
  });

  it("is not served in live mode (GraphiQL off), and carries no CSP there", async () => {
    const live = await openGraphiQL(testGateway(fakeUpstream({}), LIVE_ENV));
    expect(live.headers.get("content-type") ?? "").not.toMatch(/text\/html/);
    expect(live.headers.get("content-security-policy")).toBeNull();
  });
});

describe("GraphiQL's tabs", () => {
  const operationOf = (query: string | null) => /\b(?:mutation|query)\s+(\w+)/.exec(query ?? "")?.[1];

  it.each(graphiqlDefaultTabs.map((tab) => [operationOf(tab.query), tab]))(
    "%s validates against the schema, with JSON headers and variables",
    (_, tab) => {
      expect(validate(schema, parse(tab.query ?? ""))).toEqual([]);
      expect(JSON.parse(tab.headers ?? "{}")).toBeTypeOf("object");
      expect(JSON.parse(tab.variables ?? "{}")).toBeTypeOf("object");
    },
  );

  it("a new tab opens on a valid operation too", () => {
    expect(validate(schema, parse(graphiqlDefaultQuery))).toEqual([]);
  });

  it("the MFA walkthrough: step 1 asks for the 203, step 2 sends no Prefer and takes the handle as a variable", () => {
    const [step1, step2] = graphiqlDefaultTabs.filter((tab) => /^mutation MfaStep/m.test(tab.query ?? ""));
    expect(JSON.parse(step1?.headers ?? "")).toEqual({ Prefer: "code=203" });
    expect(JSON.parse(step2?.headers ?? "")).toEqual({});
    expect(step2?.query).toContain("$handle: String!");
    expect(Object.keys(JSON.parse(step2?.variables ?? ""))).toEqual(["handle"]);
  });
});
