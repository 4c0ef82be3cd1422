import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DockerfileParser, type From, type Instruction, type JSONInstruction } from "dockerfile-ast";
import { validate } from "dockerfile-utils";

/**
 * The rules the gateway's Dockerfile must keep, checked without a Docker daemon: dockerfile-utils (the
 * validator behind the Docker language server: syntax, instruction arguments, flags, durations, ports)
 * for what Docker itself would refuse, and the structural rules below on its parser, dockerfile-ast.
 */

export const DOCKERFILE_PATH = fileURLToPath(new URL("../../Dockerfile", import.meta.url));
export const DOCKERIGNORE_PATH = fileURLToPath(new URL("../../../../.dockerignore", import.meta.url));

export const readDockerfile = () => readFileSync(DOCKERFILE_PATH, "utf8");

interface Stage {
  name: string | undefined;
  from: From;
  instructions: Instruction[];
}

function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const from = instruction as From;
      stages.push({ name: from.getBuildStage() ?? undefined, from, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

const lineOf = (instruction: Instruction) => instruction.getRange().start.line + 1;
const isExecForm = (instruction: Instruction) => (instruction as JSONInstruction).getJSONStrings().length > 0;
const execWords = (instruction: Instruction) =>
  (instruction as JSONInstruction).getJSONStrings().map((word) => word.getJSONValue());

/** The last stage's CMD, as the runtime executes it; undefined when it has none in exec form. */
export function imageCommand(text: string): string[] | undefined {
  const cmd = stagesOf(text)
    .at(-1)
    ?.instructions.filter((instruction) => instruction.getKeyword() === "CMD")
    .at(-1);
  return cmd && isExecForm(cmd) ? execWords(cmd) : undefined;
}

/** The runtime stage's last USER, as written (`uid[:gid]`), or undefined. */
export function imageUser(text: string): string | undefined {
  const users = stagesOf(text)
    .at(-1)
    ?.instructions.filter((instruction) => instruction.getKeyword() === "USER");
  return users?.at(-1)?.getArguments()[0]?.getValue();
}

/** The last stage's ENV, name → value. */
export function imageEnvironment(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stagesOf(text).at(-1)?.instructions ?? []) {
    if (instruction.getKeyword() !== "ENV") continue;
    for (const property of (instruction as unknown as EnvInstruction).getProperties()) {
      env[property.getName()] = property.getValue() ?? "";
    }
  }
  return env;
}

interface EnvInstruction {
  getProperties(): { getName(): string; getValue(): string | null }[];
}

/** The HEALTHCHECK's command, when in exec form (`CMD [...]` after its flags); else undefined. */
export function healthcheckCommand(text: string): string[] | undefined {
  const healthcheck = stagesOf(text)
    .at(-1)
    ?.instructions.find((instruction) => instruction.getKeyword() === "HEALTHCHECK");
  const json = /\bCMD\s+(\[.*\])\s*$/s.exec(healthcheck?.getArgumentsContent() ?? "")?.[1];
  if (!json) return undefined;
  try {
    const words: unknown = JSON.parse(json);
    return Array.isArray(words) && words.every((word) => typeof word === "string") ? words : undefined;
  } catch {
    return undefined;
  }
}

/** Every RUN command of every stage, as written (continuation lines joined). */
export function runCommands(text: string): string[] {
  return stagesOf(text).flatMap((stage) =>
    stage.instructions
      .filter((instruction) => instruction.getKeyword() === "RUN")
      .map((instruction) => (instruction.getArgumentsContent() ?? "").replace(/\\\n\s*/g, " ")),
  );
}

/** Each rule the Dockerfile breaks, one line each, naming the line; empty when it keeps them all. */
export function dockerfileProblems(text: string): string[] {
  const problems = validate(text).map(
    (diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`,
  );
  const stages = stagesOf(text);
  if (stages.length < 2) problems.push("not multi-stage: the build's tools would ship in the image");
  const stageNames = new Set(stages.map((stage) => stage.name));
  for (const { from } of stages) {
    const image = from.getImage() ?? "";
    if (stageNames.has(image)) continue;
    const [, tag] = image.replace(/@sha256:[0-9a-f]{64}$/, "").split(":");
    if (!image.includes("@sha256:") && !/^\d+\.\d+\.\d+/.test(tag ?? "")) {
      problems.push(`line ${lineOf(from)}: ${image} is not pinned: give an exact version tag (or a digest)`);
    }
    if (tag === "latest") problems.push(`line ${lineOf(from)}: ${image} uses latest`);
  }

  for (const command of runCommands(text)) {
    if (/\bpnpm (install|i)\b/.test(command) && !command.includes("--frozen-lockfile")) {
      problems.push(`RUN ${command}: pnpm install without --frozen-lockfile`);
    }
    if (/\bnpm (install|i)\b/.test(command) && !/(--global|-g)\b/.test(command)) {
      problems.push(`RUN ${command}: npm install resolves versions anew: install from the lockfile`);
    }
  }

  const runtime = stages.at(-1);
  if (!runtime) return problems;
  const keyword = (name: string) => runtime.instructions.filter((i) => i.getKeyword() === name);
  const [lastUser] = keyword("USER").slice(-1);
  const cmd = keyword("CMD").at(-1);
  const user = lastUser?.getArguments()[0]?.getValue() ?? "";
  if (!lastUser) problems.push("the runtime stage has no USER: it would run as root");
  else if (!/^[1-9]\d*(:\d+)?$/.test(user)) {
    problems.push(
      `line ${lineOf(lastUser)}: USER ${user}: a numeric non-root uid (runAsNonRoot verifies numbers)`,
    );
  }
  if (!cmd) problems.push("the runtime stage has no CMD");
  else {
    if (!isExecForm(cmd)) problems.push(`line ${lineOf(cmd)}: CMD in shell form: SIGTERM would go to sh`);
    else if (execWords(cmd)[0] !== "node") {
      problems.push(`line ${lineOf(cmd)}: CMD must run node itself, not ${execWords(cmd)[0]}`);
    }
    if (lastUser && lineOf(lastUser) > lineOf(cmd)) problems.push("USER comes after CMD");
  }
  for (const entrypoint of keyword("ENTRYPOINT")) {
    problems.push(`line ${lineOf(entrypoint)}: an ENTRYPOINT would wrap the CMD`);
  }
  const healthcheck = keyword("HEALTHCHECK").at(-1);
  if (!healthcheck || !healthcheckCommand(text)) {
    problems.push("the runtime stage has no HEALTHCHECK CMD in exec form");
  }
  for (const copy of keyword("COPY")) {
    if ((copy.getArgumentsContent() ?? "").includes("node_modules")) {
      problems.push(`line ${lineOf(copy)}: node_modules copied into the runtime: the bundle needs none`);
    }
  }
  return problems;
}
