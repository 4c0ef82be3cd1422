import { createGraphQLError, type Plugin } from "graphql-yoga";

/** Bodies above this get 413. The largest legitimate operation here is a few kilobytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

const tooLarge = (limit: number) =>
  createGraphQLError(`Request body exceeds ${limit} bytes.`, {
    extensions: { code: "PAYLOAD_TOO_LARGE", http: { status: 413 } },
  });

/**
 * Yoga has no body cap of its own. A declared Content-Length over the limit is refused before anything
 * is read; a chunked body is read only up to the limit, then refused.
 */
export function useBodyLimit(limit = DEFAULT_BODY_LIMIT_BYTES): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      const declared = request.headers.get("content-length");
      if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
      if (request.method !== "POST" || declared !== null || !request.body) return;
      const contentType = request.headers.get("content-type") ?? "";
      if (!/^application\/(json|graphql-response\+json)\b/i.test(contentType)) return;
      setRequestParser(async (req) => {
        const text = await readUpTo(req, limit);
        try {
          return JSON.parse(text);
        } catch {
          throw createGraphQLError("POST body sent invalid JSON.", { extensions: { http: { status: 400 } } });
        }
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
