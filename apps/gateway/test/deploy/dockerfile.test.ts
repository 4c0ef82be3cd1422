import { readFileSync } from "node:fs";
import { PRODUCTION_NODE_FLAGS } from "@flinks-authorize/kit/gateway";
import { describe, expect, it } from "vitest";
import {
  DOCKERIGNORE_PATH,
  dockerfileProblems,
  healthcheckCommand,
  imageCommand,
  imageEnvironment,
  readDockerfile,
  runCommands,
} from "./dockerfile-rules.js";

// No Docker daemon here: the image is never built in tests. What can be checked without one is checked
// here; test/process/container.test.ts runs the build's steps and the image's commands without Docker.

const dockerfile = readDockerfile();

describe("the gateway's Dockerfile", () => {
  it("keeps every rule: valid for Docker, multi-stage, pinned, non-root, exec-form node, healthcheck", () => {
    expect(dockerfileProblems(dockerfile)).toEqual([]);
  });

  it("runs the bundle with PRODUCTION_NODE_FLAGS, as the docs' production command does", () => {
    expect(imageCommand(dockerfile)).toEqual(["node", ...PRODUCTION_NODE_FLAGS, "dist/server.mjs"]);
  });

  it("builds from the pruned workspace, from the lockfile, with the gateway's own build", () => {
    const commands = runCommands(dockerfile);
    const index = (pattern: RegExp) => commands.findIndex((command) => pattern.test(command));
    const prune = index(/^turbo prune @flinks-authorize\/gateway --docker$/);
    const install = index(/^pnpm install --frozen-lockfile\b/);
    const build = index(/^pnpm --filter @flinks-authorize\/gateway build$/);
    expect(
      [prune, install, build].every((at) => at >= 0),
      commands.join("\n"),
    ).toBe(true);
    expect(prune < install && install < build).toBe(true);
  });

  it("listens on every interface of the container, in production mode", () => {
    expect(imageEnvironment(dockerfile)).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0" });
  });

  it("checks /health with node (slim images have no curl)", () => {
    const [command, flag, script] = healthcheckCommand(dockerfile) ?? [];
    expect([command, flag]).toEqual(["node", "-e"]);
    expect(script).toContain("/health");
  });
});

describe("the rules catch", () => {
  // Each rule proved able to fail: the Dockerfile, broken one way, is reported, naming what is wrong.
  const broken: [string, (text: string) => string, string][] = [
    [
      "an unknown instruction",
      (text) => text.replace("RUN npm install --global turbo", "RUNN npm"),
      "Unknown instruction",
    ],
    ["a base image on latest", (text) => text.replace(/^FROM node:\S+/m, "FROM node:latest"), "uses latest"],
    [
      "a moving tag",
      (text) => text.replace(/^FROM node:\S+/m, "FROM node:20-bookworm-slim"),
      "is not pinned",
    ],
    ["a user by name", (text) => text.replace(/^USER .*$/m, "USER node"), "a numeric non-root uid"],
    ["root", (text) => text.replace(/^USER .*$/m, "USER 0"), "a numeric non-root uid"],
    ["no USER", (text) => text.replace(/^USER .*$/m, ""), "has no USER"],
    ["CMD in shell form", (text) => text.replace(/^CMD \[.*\]$/m, "CMD node dist/server.mjs"), "shell form"],
    ["CMD through pnpm", (text) => text.replace(/^CMD \[.*\]$/m, 'CMD ["pnpm", "start"]'), "run node itself"],
    ["no HEALTHCHECK", (text) => text.replace(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, ""), "no HEALTHCHECK"],
    [
      "an install off the lockfile",
      (text) => text.replace("--frozen-lockfile ", ""),
      "without --frozen-lockfile",
    ],
    [
      "node_modules in the runtime",
      (text) => text.replace(/^USER /m, "COPY --from=build /repo/node_modules ./node_modules\nUSER "),
      "node_modules copied",
    ],
    [
      "a single stage",
      (text) => `FROM node:20.20.2-bookworm-slim\nUSER 1000\n${text.slice(text.indexOf("HEALTHCHECK"))}`,
      "not multi-stage",
    ],
  ];

  it.each(broken)("%s", (_, breakIt, expected) => {
    const changed = breakIt(dockerfile);
    expect(changed).not.toBe(dockerfile);
    expect(dockerfileProblems(changed).join("\n")).toContain(expected);
  });
});

describe(".dockerignore", () => {
  const ignored = readFileSync(DOCKERIGNORE_PATH, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));

  // The build context is the repository root: local installs, builds and environment files (secrets)
  // must not reach the builder, nor its cache.
  it.each(["**/node_modules", "**/dist", "**/.env", "**/.env.*", ".git"])("excludes %s", (pattern) => {
    expect(ignored).toContain(pattern);
  });

  it("keeps what the build copies: the lockfile, the workspace, tsconfig.base.json", () => {
    for (const needed of [
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
      "tsconfig.base.json",
      "apps",
      "packages",
    ]) {
      expect(ignored.some((pattern) => pattern === needed || pattern === `/${needed}`)).toBe(false);
    }
  });
});
