import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { createClient } from "@hey-api/openapi-ts";
import { generateZodClientFromOpenAPI } from "openapi-zod-client";
import { generate as orval } from "orval";
import { afterAll, describe, expect, test } from "vitest";

/**
 * The generator matrix: the spec as other teams' tools read it, offline, each a row that fails when its
 * tool breaks on the spec. Where a tool generates code, that code must compile under `strict`. Ours
 * (openapi-typescript, with openapi-fetch) is packages/client's own generate and typecheck.
 */

const SPEC = fileURLToPath(new URL("../openapi.yaml", import.meta.url));
const SPEC_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// Inside the package, so generated imports (zod) resolve from its node_modules; removed afterwards.
const out = mkdtempSync(join(SPEC_DIR, ".generators-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const filesUnder = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(folder, name));

/** `tsc --strict --noEmit` over generated files; resolves when they compile, rejects with tsc's report. */
async function compilesStrict(files: string[]): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [
      TSC,
      "--noEmit",
      "--strict",
      "--target",
      "es2022",
      "--module",
      "esnext",
      "--moduleResolution",
      "bundler",
      "--lib",
      "es2022,dom",
      "--types",
      "node",
      ...files,
    ],
    { cwd: SPEC_DIR, timeout: 120_000 },
  ).catch((error: { stdout?: string }) => {
    throw new Error(`tsc --strict found errors:\n${String(error.stdout).slice(0, 4_000)}`);
  });
}

describe("the generator matrix", () => {
  test("@apidevtools/swagger-parser 12 validates the spec", async () => {
    await expect(SwaggerParser.validate(SPEC)).resolves.toBeTruthy();
  });

  test("@hey-api/openapi-ts 0.95 generates a fetch client that compiles strict", async () => {
    const folder = join(out, "hey-api");
    await createClient({
      input: SPEC,
      output: folder,
      plugins: ["@hey-api/client-fetch"],
      logs: { level: "silent" },
    } as Parameters<typeof createClient>[0]);
    const types = readFileSync(join(folder, "types.gen.ts"), "utf8");
    // The request modes and the answers are named types, not `unknown`.
    expect(types).toMatch(/export type AuthorizeRequest\b/);
    expect(types).toMatch(/export type MfaChallenge\b/);
    await compilesStrict(filesUnder(folder));
  }, 120_000);

  test("orval 7 generates a fetch client that compiles strict", async () => {
    const target = join(out, "orval", "api.ts");
    await orval({ input: { target: SPEC }, output: { target, client: "fetch", mode: "single" } });
    const client = readFileSync(target, "utf8");
    expect(client).toMatch(/export const authorize\b/);
    await compilesStrict([target]);
  }, 120_000);

  test("openapi-zod-client 1.18 generates zod schemas that compile strict", async () => {
    const folder = join(out, "zod");
    mkdirSync(folder, { recursive: true });
    const target = join(folder, "schemas.ts");
    await generateZodClientFromOpenAPI({
      openApiDoc: (await SwaggerParser.parse(SPEC)) as Parameters<
        typeof generateZodClientFromOpenAPI
      >[0]["openApiDoc"],
      distPath: target,
      // Its schemas-only template: zod alone, no @zodios/core runtime.
      templatePath: createRequire(import.meta.url).resolve(
        "openapi-zod-client/src/templates/schemas-only.hbs",
      ),
      options: { shouldExportAllSchemas: true },
    });
    const schemas = readFileSync(target, "utf8");
    expect(schemas).toMatch(/const MfaChallenge = z/);
    await compilesStrict([target]);
  }, 120_000);
});
