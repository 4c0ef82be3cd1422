import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lexer, type Token, type Tokens, walkTokens } from "marked";

/**
 * The README as tests read it: it stays the single copy of its examples. A fenced block's info string
 * says what a test does with it:
 *
 * - `sh example`: a shell script run against `pnpm start` on its default ports (a test substitutes its
 *   own); the `json output` block right after it is what it prints.
 * - `graphql example`: operations run against `pnpm start`'s mock.
 * - `sh production`: the production command, run as written with a test's upstream and port.
 */
export const README_PATH = fileURLToPath(new URL("../../../README.md", import.meta.url));

export interface CodeBlock {
  /** The info string: language, then what the block is for (`sh example`). */
  info: string;
  text: string;
  /** The `json output` block right after it, if any. */
  output?: string;
}

function tokens(): Token[] {
  const all: Token[] = [];
  walkTokens(lexer(readFileSync(README_PATH, "utf8")), (token) => {
    all.push(token);
  });
  return all;
}

/** Every fenced block, in order, each with the `json output` block that follows it. */
export function codeBlocks(): CodeBlock[] {
  const blocks = tokens().filter((token): token is Tokens.Code => token.type === "code");
  const found: CodeBlock[] = [];
  for (const [index, block] of blocks.entries()) {
    if (block.lang === "json output") continue;
    const next = blocks[index + 1];
    found.push({
      info: block.lang ?? "",
      text: block.text,
      output: next?.lang === "json output" ? next.text : undefined,
    });
  }
  return found;
}

export const blocksFor = (info: string) => codeBlocks().filter((block) => block.info === info);

/** The shell commands of a block: continuation lines joined, comments and blank lines dropped. */
export function commandsOf(block: CodeBlock): string[] {
  return block.text
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** A command's leading `NAME=value` assignments, and the rest of its words. */
export function splitAssignments(command: string): { env: Record<string, string>; words: string[] } {
  const words = command.split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = (words.shift() as string).split("=");
    env[name as string] = value.join("=");
  }
  return { env, words };
}

export interface PreferRow {
  status: number;
  /** The `example=` names of the row; empty for the default answer. */
  examples: string[];
  /** The GraphQL result type. */
  result: string;
}

/** The rows of the `Prefer` table of "Try it" (the one whose header starts with Status | `example=`). */
export function preferTable(): PreferRow[] {
  const table = tokens().find(
    (token): token is Tokens.Table =>
      token.type === "table" && token.header[0]?.text === "Status" && token.header[1]?.text === "`example=`",
  );
  if (!table) throw new Error("The README has no Prefer table (Status | `example=` | Result).");
  const codes = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
  return table.rows.map(([status, examples, result]) => ({
    status: Number(status?.text),
    // "`mfaQuestionAndAnswer` (also `code=203` alone)" names one example: what is in parentheses is a note.
    examples: codes((examples?.text ?? "").replace(/\([^)]*\)/g, "")),
    result: codes(result?.text ?? "")[0] ?? "",
  }));
}

/** The rows of the Configuration table: the variable names of its first column. */
export function configurationVariables(): string[] {
  const table = tokens().find(
    (token): token is Tokens.Table =>
      token.type === "table" && token.header[0]?.text === "Variable" && token.header[1]?.text === "Default",
  );
  if (!table) throw new Error("The README has no Configuration table (Variable | Default | Meaning).");
  return table.rows.map(([variable]) => (variable?.text ?? "").replace(/`/g, ""));
}
