import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { PRODUCTION_NODE_FLAGS } from "@flinks-authorize/kit/gateway";
import { examplesOf } from "@flinks-authorize/spec/test-support/examples";
import { buildSchema, Kind, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, loadConfig } from "../src/config/index.js";
import { typenameOfCode } from "./harness.js";
import {
  anchorsOf,
  blocksFor,
  codeBlocks,
  commandsOf,
  configurationVariables,
  flinksCodeOfExample,
  preferTable,
  relativeLinks,
  splitAssignments,
} from "./readme.js";

// What the README and docs/ say that can be checked without starting anything. What needs the running gateway
// (the examples' answers, each row of the Prefer table asked of the mock) is in test/process/start.test.ts.

const BUNDLE = "apps/gateway/dist/server.mjs";
const schema = buildSchema(readFileSync(new URL("../schema.graphql", import.meta.url), "utf8"));

/** Every command of the shell blocks of the README and docs/. */
const commands = codeBlocks()
  .filter((block) => block.info.startsWith("sh"))
  .flatMap(commandsOf);

describe("the docs' production command", () => {
  const production = commands.filter((command) => command.includes(BUNDLE));

  it("is there, and so is the offline one a test runs", () => {
    expect(production.length).toBeGreaterThanOrEqual(2);
    expect(blocksFor("sh production")).toHaveLength(1);
  });

  // A signal to the main process must reach the gateway: no pnpm, npm or shell in between.
  it("runs node itself, with PRODUCTION_NODE_FLAGS", () => {
    for (const command of production) {
      expect(splitAssignments(command).words, command).toEqual(["node", ...PRODUCTION_NODE_FLAGS, BUNDLE]);
    }
  });
});

describe("the docs' commands pass the gateway's configuration checks", () => {
  // The ones with placeholders (…) are meant to be refused until filled in.
  const configured = commands.filter(
    (command) => /^([A-Z_]+=\S*\s+)+(pnpm start|node )/.test(command) && !command.includes("…"),
  );

  it("the toolbox one and the offline production one", () => {
    expect(configured.length).toBeGreaterThanOrEqual(2);
  });

  it.each(configured)("%s", (command) => {
    expect(() => loadConfig(splitAssignments(command).env)).not.toThrow();
  });
});

describe("the docs' Prefer table", () => {
  const rows = preferTable();
  const examples = examplesOf("authorize");

  it("lists every Authorize example of the spec under its status, once", () => {
    const listed = rows.flatMap(({ status, examples: names }) => names.map((name) => `${status} ${name}`));
    const documented = examples
      .filter(({ status }) => status !== 200)
      .map(({ status, name }) => `${status} ${name}`);
    expect([...listed].sort()).toEqual([...documented].sort());
    expect(new Set(listed).size).toBe(listed.length);
    expect(rows[0]).toEqual({ status: 200, examples: [], result: "Authorized" });
  });

  it("names the result each example becomes", () => {
    for (const { status, examples: names, result } of rows) {
      for (const name of names) {
        const code = flinksCodeOfExample(status, name);
        const expected = status === 202 ? "Pending" : status === 203 ? "MfaRequired" : typenameOfCode[code];
        expect(`${status} ${name}: ${result}`).toBe(`${status} ${name}: ${expected}`);
      }
    }
  });
});

describe("the docs' Configuration table", () => {
  it("has a row for every variable the gateway reads, and none it does not", () => {
    expect([...configurationVariables()].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});

describe("the docs' GraphQL operations", () => {
  const blocks = blocksFor("graphql example");

  it("are there, named", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
  });

  it.each(blocks.map((block) => [block.text.split("\n")[0], block.text]))(
    "validate against the schema (%s …)",
    (_, text) => {
      const document = parse(text);
      expect(validate(schema, document)).toEqual([]);
      for (const definition of document.definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION) expect(definition.name?.value).toBeTruthy();
      }
    },
  );
});

describe("the links of the README and docs/", () => {
  it("each points at a file of the repository, and at a heading of it when it names one", () => {
    const broken = relativeLinks().flatMap(({ from, href }) => {
      const [path = "", anchor] = href.split("#");
      const target = path === "" ? from : resolve(dirname(from), path);
      const where = `${relative(process.cwd(), from)}: ${href}`;
      if (!existsSync(target)) return [`${where} (no such file)`];
      if (anchor && target.endsWith(".md") && !anchorsOf(target).has(anchor))
        return [`${where} (no such heading)`];
      return [];
    });
    expect(broken).toEqual([]);
  });
});
