import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// The one Prism import of this suite (it moves to @flinks-authorize/kit).
import { type PrismServer, startPrism } from "@flinks-authorize/kit/prism";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The package as a user gets it: `pnpm pack` (which applies publishConfig and builds through prepack),
 * publint and attw on that tarball, then `npm install` of the tarball into a scratch project outside the
 * workspace, a strict TypeScript compile of a consumer against its declarations, and a run of that
 * consumer against a Prism mock of the spec. Nothing here reads the workspace's sources.
 */

const packageDir = fileURLToPath(new URL("../../", import.meta.url));
const consumerFixture = fileURLToPath(new URL("./consumer/", import.meta.url));
const require = createRequire(import.meta.url);
/** The workspace's own TypeScript compiles the consumer; the consumer installs only what a user would. */
const tsc = require.resolve("typescript/bin/tsc");
const bin = (name: string) => join(packageDir, "node_modules", ".bin", name);
/** The @types/node the workspace tests with, so the consumer compiles against the same Node typings. */
const typesNode = `@types/node@${(require("@types/node/package.json") as { version: string }).version}`;

/** Each step is bounded: a hung pack, install or consumer fails the suite instead of holding the run. */
const STEP_TIMEOUT_MS = 120_000;

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, timeout: STEP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} ${args.join(" ")} failed (${error.message})\n${stdout}\n${stderr}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

let scratch: string;
let tarball: string;
let prismStarting: Promise<PrismServer> | undefined;
let prismUrl: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "flinks-client-packed-"));
  const packDir = join(scratch, "pack");
  const consumerDir = join(scratch, "consumer");
  await mkdir(packDir);
  await mkdir(consumerDir);
  // Prism starts while the package builds.
  prismStarting = startPrism({ mode: "mock" });
  await run("pnpm", ["pack", "--pack-destination", packDir], packageDir);
  const [packed, ...others] = await readdir(packDir);
  if (!packed || others.length > 0) throw new Error(`expected one tarball in ${packDir}`);
  tarball = join(packDir, packed);

  await writeFile(
    join(consumerDir, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" })}\n`,
  );
  for (const file of ["main.ts", "tsconfig.json", "require.cjs"]) {
    await copyFile(join(consumerFixture, file), join(consumerDir, file));
  }
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", tarball, typesNode],
    consumerDir,
  );
  prismUrl = (await prismStarting).url;
}, 3 * STEP_TIMEOUT_MS);

afterAll(async () => {
  await (await prismStarting?.catch(() => undefined))?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("the packed @flinks-authorize/client", () => {
  test("carries its README, LICENSE and license field, and installs only what it runs", async () => {
    const listing = await run("tar", ["-tzf", tarball], packageDir);
    expect(listing.split("\n")).toEqual(expect.arrayContaining(["package/README.md", "package/LICENSE"]));
    const installed = JSON.parse(
      await readFile(
        join(scratch, "consumer", "node_modules", "@flinks-authorize", "client", "package.json"),
        "utf8",
      ),
    ) as { license?: string; dependencies?: Record<string, string> };
    expect(installed.license).toBe("MIT");
    expect(Object.keys(installed.dependencies ?? {}).sort()).toEqual(["openapi-fetch", "undici"]);
    // No Ajv at run time: its one helper is inlined in the generated validators.
    expect(await readdir(join(scratch, "consumer", "node_modules"))).not.toContain("ajv");
  });

  test("the README's example compiles as pasted, against the packed declarations", async () => {
    const readme = await readFile(join(packageDir, "README.md"), "utf8");
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("baseUrl");
    const consumerDir = join(scratch, "consumer");
    await mkdir(join(consumerDir, "readme"), { recursive: true });
    await writeFile(join(consumerDir, "readme", "example.ts"), example ?? "");
    await writeFile(
      join(consumerDir, "readme", "tsconfig.json"),
      JSON.stringify({
        extends: "../tsconfig.json",
        include: ["example.ts"],
        compilerOptions: { noEmit: true },
      }),
    );
    await run(process.execPath, [tsc, "-p", "readme"], consumerDir);
  });

  test("publint finds nothing to report, suggestions included", async () => {
    const output = await run(bin("publint"), ["run", tarball, "--strict"], packageDir);
    expect(output).toContain("All good!");
  });

  test("attw finds no types problem for ESM consumers (node16 and bundler resolution)", async () => {
    await run(bin("attw"), [tarball, "--profile", "esm-only", "--format", "table-flipped"], packageDir);
  });

  test("a strict TypeScript consumer outside the workspace compiles and calls a Prism mock of the spec", async () => {
    const consumerDir = join(scratch, "consumer");
    await run(process.execPath, [tsc, "-p", "."], consumerDir);
    const output = await run(process.execPath, ["dist/main.js", prismUrl], consumerDir);
    expect(JSON.parse(output)).toEqual({
      token: "[redacted]",
      authorize: "authorized",
      authorizeAsync: "pending: OPERATION_DISPATCHED",
    });
  });

  test("a CommonJS consumer loads it with require() (Node ≥ 20.19)", async () => {
    const output = await run(process.execPath, ["require.cjs"], join(scratch, "consumer"));
    expect(JSON.parse(output).exports).toContain("createFlinksClient");
  });
});
