import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { examplesOf } from "@flinks-authorize/spec/test-support/examples";
import { lexer, type Token, type Tokens, walkTokens } from "marked";

/**
 * The README and docs/ as tests read them: they stay the single copy of their examples and tables. A
 * fenced block's info string says what a test does with it:
 *
 * - `sh example`: a shell script run against `pnpm start` on its default ports (a test substitutes its
 *   own); the `json output` block right after it is what it prints.
 * - `graphql example`: operations run against `pnpm start`'s mock.
 * - `sh production`: the production command, run as written with a test's upstream and port.
 */
export const README_PATH = fileURLToPath(new URL("../../../README.md", import.meta.url));
export const DOCS_DIR = fileURLToPath(new URL("../../../docs/", import.meta.url));

/** The README, then every page of docs/, in a stable order. */
export function documentPaths(): string[] {
  const pages = readdirSync(DOCS_DIR, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join(DOCS_DIR, name));
  return [README_PATH, ...pages];
}

export interface CodeBlock {
  /** The info string: language, then what the block is for (`sh example`). */
  info: string;
  text: string;
  /** The `json output` block right after it, if any. */
  output?: string;
}

function tokens(): Token[] {
  const all: Token[] = [];
  for (const path of documentPaths()) {
    walkTokens(lexer(readFileSync(path, "utf8")), (token) => {
      all.push(token);
    });
  }
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
  if (!table) throw new Error("The docs have no Prefer table (Status | `example=` | Result).");
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
  if (!table) throw new Error("The docs have no Configuration table (Variable | Default | Meaning).");
  return table.rows.map(([variable]) => (variable?.text ?? "").replace(/`/g, ""));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
}

export interface DocumentLink {
  /** The page it is on. */
  from: string;
  href: string;
}

/** Every link of the README and docs/ that points into this repository (not http:, not mailto:). */
export function relativeLinks(): DocumentLink[] {
  const links: DocumentLink[] = [];
  for (const from of documentPaths()) {
    walkTokens(lexer(readFileSync(from, "utf8")), (token) => {
      if (token.type === "link" && !/^[a-z]+:/i.test(token.href)) links.push({ from, href: token.href });
    });
  }
  return links;
}

/** The anchors a page's headings give. */
export function anchorsOf(path: string): Set<string> {
  const anchors = new Set<string>();
  walkTokens(lexer(readFileSync(path, "utf8")), (token) => {
    if (token.type === "heading") anchors.add(anchorOf(token.text));
  });
  return anchors;
}

/**
 * The FlinksCode an Authorize example of the spec carries: most are named for it; a variant of a code
 * (`INVALID_SECURITY_RESPONSE_NEW_CHALLENGE`) carries it in its value.
 */
export function flinksCodeOfExample(status: number, name: string): string {
  const value = examplesOf("authorize").find(
    (example) => example.status === status && example.name === name,
  )?.value;
  return String((value as { FlinksCode?: unknown } | undefined)?.FlinksCode ?? name);
}
