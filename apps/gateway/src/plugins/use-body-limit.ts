import { createGraphQLError, type GraphQLParams, type Plugin } from "graphql-yoga";
import { inputTooLarge, jsonWithinBounds } from "./use-input-bounds.js";

/** Bodies above this get 413. The largest legitimate operation here is a few kilobytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export interface BodyLimitOptions {
  /**
   * Largest request body accepted, in bytes, whatever its content type or transfer encoding.
   * @default 65536
   */
  maxBytes?: number;
}

const refusal = (message: string, code: string, status: number) =>
  createGraphQLError(message, {
    // A refused body may still be arriving: close the connection rather than read the rest.
    extensions: { code, http: { status, headers: { connection: "close" } } },
  });

const badRequest = (message: string) => refusal(message, "BAD_REQUEST", 400);

/** How each accepted content type becomes GraphQL parameters, from a body already read under the cap. */
const parsers: Array<[RegExp, (text: string) => GraphQLParams]> = [
  [/^application\/(json|graphql-response\+json)\b/i, parseJson],
  [/^application\/graphql\b/i, (text) => ({ query: text })],
  [/^application\/x-www-form-urlencoded\b/i, parseForm],
];

/**
 * Yoga has no body cap of its own (its parsers read up to 25 MB). Every POST body is read here, only up
 * to the cap, before anything else sees it: a declared Content-Length over it is refused before reading,
 * and a chunked body is counted while it arrives. Content types the gateway does not accept (multipart
 * uploads among them) are refused without reading. Parsing JSON here also keeps the parser's own message
 * out of the answer: V8 quotes a piece of the body in it, which may hold a password.
 */
export function useBodyLimit({ maxBytes = DEFAULT_BODY_LIMIT_BYTES }: BodyLimitOptions = {}): Plugin {
  const tooLarge = () => refusal(`Request body exceeds ${maxBytes} bytes.`, "PAYLOAD_TOO_LARGE", 413);
  return {
    onRequestParse({ request, setRequestParser }) {
      const declared = request.headers.get("content-length");
      if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
      if (request.method !== "POST") return;
      const contentType = request.headers.get("content-type") ?? "";
      const parse = parsers.find(([type]) => type.test(contentType))?.[1];
      if (!parse) {
        throw refusal(
          "Unsupported content type: send application/json (or application/graphql).",
          "UNSUPPORTED_MEDIA_TYPE",
          415,
        );
      }
      // A declared length under the cap is the whole body (Node's parser holds the client to it), so it
      // is read at once; a chunked body is counted while it arrives.
      setRequestParser(async (req) =>
        parse(declared !== null ? await req.text() : await readUpTo(req, maxBytes, tooLarge)),
      );
    },
  };
}

function parseJson(text: string): GraphQLParams {
  // Counted before it is parsed: JSON.parse of an object packed with keys is itself the cost to avoid.
  if (!jsonWithinBounds(text)) throw inputTooLarge();
  let params: unknown;
  try {
    params = JSON.parse(text);
  } catch {
    throw badRequest("POST body sent invalid JSON.");
  }
  if (params === null || typeof params !== "object") {
    throw badRequest("POST body is expected to be an object or an array.");
  }
  return params as GraphQLParams;
}

function parseForm(text: string): GraphQLParams {
  const form = new URLSearchParams(text);
  const json = (name: string) => {
    const value = form.get(name);
    if (value === null || value === "") return undefined;
    if (!jsonWithinBounds(value)) throw inputTooLarge();
    try {
      return JSON.parse(value) as Record<string, unknown>;
    } catch {
      throw badRequest(`The ${name} field is not valid JSON.`);
    }
  };
  return {
    query: form.get("query") ?? undefined,
    operationName: form.get("operationName") ?? undefined,
    variables: json("variables"),
    extensions: json("extensions"),
  };
}

async function readUpTo(request: Request, limit: number, tooLarge: () => Error): Promise<string> {
  const reader = request.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
