import { createGraphQLError, type Plugin } from "graphql-yoga";

/** Bodies above this get 413. The largest legitimate operation here is a few kilobytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

const tooLarge = (limit: number) =>
  createGraphQLError(`Request body exceeds ${limit} bytes.`, {
    extensions: { code: "PAYLOAD_TOO_LARGE", http: { status: 413 } },
  });

/**
 * Yoga has no body cap of its own. A declared Content-Length over the limit is refused before anything
 * is read; any other JSON body is read only up to the limit. Parsing JSON here also keeps the parser's
 * own message out of the answer: V8 quotes a piece of the body in it, which may hold a password.
 */
export interface BodyLimitOptions {
  /**
   * Largest request body accepted, in bytes.
   * @default 65536
   */
  maxBytes?: number;
}

export function useBodyLimit({ maxBytes: limit = DEFAULT_BODY_LIMIT_BYTES }: BodyLimitOptions = {}): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      const declared = request.headers.get("content-length");
      if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
      if (request.method !== "POST") return;
      const contentType = request.headers.get("content-type") ?? "";
      if (!/^application\/(json|graphql-response\+json)\b/i.test(contentType)) return;
      setRequestParser(async (req) => {
        const text = await readUpTo(req, limit);
        let params: unknown;
        try {
          params = JSON.parse(text);
        } catch {
          throw createGraphQLError("POST body sent invalid JSON.", {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        }
        if (params === null || typeof params !== "object") {
          throw createGraphQLError("POST body is expected to be an object or an array.", {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        }
        return params as Record<string, unknown>;
      });
    },
  };
}

async function readUpTo(request: Request, limit: number): Promise<string> {
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
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
