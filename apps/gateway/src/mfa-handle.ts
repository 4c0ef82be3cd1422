import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Secret } from "@flinks-authorize/client";

/**
 * What `submitMfa` needs from the `authorize` that got the 203: Flinks wants the same RequestId and the
 * same one-time token again. Both travel to the consumer inside a sealed handle (AES-256-GCM), so any
 * gateway process holding the same secret key can answer the MFA, with no sticky sessions and no store.
 * The consumer can neither read the token nor forge or alter a handle.
 */
export interface MfaSession {
  requestId: string;
  token: Secret;
}

export type OpenResult = { ok: true; session: MfaSession } | { ok: false; reason: "malformed" | "expired" };

export interface MfaHandles {
  seal(session: MfaSession): string;
  open(handle: string): OpenResult;
}

const VERSION = 1;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Flinks documents 15 or 30 minutes for the token; the shorter one wins. */
export const MFA_HANDLE_TTL_MS = 15 * 60 * 1000;

export function createMfaHandles(options: {
  /** The key is derived from it, so every instance with the same Flinks secret shares handles. */
  secretKey: Secret;
  /** Binds handles to one Flinks customer: a handle from another configuration does not open. */
  customerId: string;
  ttlMs?: number;
  now?: () => number;
}): MfaHandles {
  const ttlMs = options.ttlMs ?? MFA_HANDLE_TTL_MS;
  const now = options.now ?? Date.now;
  const key = Buffer.from(
    hkdfSync("sha256", options.secretKey.reveal(), "flinks-authorize-gateway", "mfa-handle-v1", 32),
  );
  const aad = Buffer.from(`mfa-handle-v${VERSION}:${options.customerId}`);

  return {
    seal({ requestId, token }) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
      const plaintext = JSON.stringify({ r: requestId, t: token.reveal(), e: now() + ttlMs });
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, sealed, cipher.getAuthTag()]).toString("base64url");
    },

    open(handle) {
      // Node's base64url decoder skips unknown characters; only the exact string sealed may open.
      if (!BASE64URL.test(handle)) return { ok: false, reason: "malformed" };
      const bytes = Buffer.from(handle, "base64url");
      if (bytes.length < 1 + IV_BYTES + TAG_BYTES + 2 || bytes[0] !== VERSION)
        return { ok: false, reason: "malformed" };
      const iv = bytes.subarray(1, 1 + IV_BYTES);
      const tag = bytes.subarray(bytes.length - TAG_BYTES);
      const sealed = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
      let payload: { r?: unknown; t?: unknown; e?: unknown };
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv).setAAD(aad).setAuthTag(tag);
        payload = JSON.parse(Buffer.concat([decipher.update(sealed), decipher.final()]).toString("utf8"));
      } catch {
        return { ok: false, reason: "malformed" };
      }
      if (typeof payload.r !== "string" || typeof payload.t !== "string" || typeof payload.e !== "number") {
        return { ok: false, reason: "malformed" };
      }
      if (payload.e <= now()) return { ok: false, reason: "expired" };
      return { ok: true, session: { requestId: payload.r, token: new Secret(payload.t) } };
    },
  };
}
