import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Secret } from "@flinks-authorize/client";
import { type GatewayMetrics, NO_METRICS } from "../observability/metrics.js";

/**
 * What a later call of the same Flinks session needs: the RequestId, the one-time token it was opened
 * with (Flinks wants both again), which endpoint continues it, and what the handle may do. It travels to
 * the consumer inside a sealed handle (AES-256-GCM), so any gateway process holding the same secret key
 * continues the session, with no sticky sessions and no store. The consumer can neither read the token
 * nor forge or alter a handle.
 */
export interface FlinksSession {
  /** Random, per handle: the single-use marker of an MFA handle is keyed by it. */
  id: string;
  requestId: string;
  token: Secret;
  /** `sync`: Authorize continues the session. `async`: AuthorizeAsync does (polls and answers). */
  endpoint: "sync" | "async";
  /** `mfa`: answers MfaRequired's challenges (once). `pending`: polls a Pending (any number of times). */
  step: "mfa" | "pending";
  /** When the token was minted (epoch ms): a handle never outlives its token. */
  mintedAt: number;
  /** Epoch ms: the token's mint time plus its lifetime. */
  expiresAt: number;
}

export type SessionToSeal = Omit<FlinksSession, "id" | "expiresAt">;

export type OpenResult =
  | { ok: true; session: FlinksSession }
  | { ok: false; reason: "malformed" | "expired" | "wrongStep" };

export interface SessionHandles {
  seal(session: SessionToSeal): string;
  /** Opens a handle sealed for `step`; a Pending's handle does not answer MFA, nor the reverse. */
  open(handle: string, step: FlinksSession["step"]): OpenResult;
}

const VERSION = 2;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Flinks documents 15 or 30 minutes for the token, counted from its mint; the shorter one wins. */
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

export function createSessionHandles(options: {
  /** The key is derived from it, so every instance with the same Flinks secret shares handles. */
  secretKey: Secret;
  /** Binds handles to one Flinks customer: a handle from another configuration does not open. */
  customerId: string;
  tokenLifetimeMs?: number;
  now?: () => number;
  /** Counts every handle sealed and every open by its outcome. */
  metrics?: GatewayMetrics;
}): SessionHandles {
  const metrics = options.metrics ?? NO_METRICS;
  const lifetimeMs = options.tokenLifetimeMs ?? TOKEN_LIFETIME_MS;
  const now = options.now ?? Date.now;
  const key = Buffer.from(
    hkdfSync("sha256", options.secretKey.reveal(), "flinks-authorize-gateway", "session-handle-v2", 32),
  );
  const aad = Buffer.from(`session-handle-v${VERSION}:${options.customerId}`);

  return {
    seal({ requestId, token, endpoint, step, mintedAt }) {
      metrics.sessionHandle(step, "issued");
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
      const plaintext = JSON.stringify({
        i: randomBytes(16).toString("base64url"),
        r: requestId,
        t: token.reveal(),
        n: endpoint,
        s: step,
        m: mintedAt,
      });
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, sealed, cipher.getAuthTag()]).toString("base64url");
    },

    open(handle, step) {
      const opened = openHandle(handle, step);
      metrics.sessionHandle(step, opened.ok ? "opened" : opened.reason);
      return opened;
    },
  };

  function openHandle(handle: string, step: FlinksSession["step"]): OpenResult {
    // Node's base64url decoder skips unknown characters; only the exact string sealed may open.
    if (!BASE64URL.test(handle)) return { ok: false, reason: "malformed" };
    const bytes = Buffer.from(handle, "base64url");
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES + 2 || bytes[0] !== VERSION)
      return { ok: false, reason: "malformed" };
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const sealed = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
    let payload: Record<string, unknown>;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv).setAAD(aad).setAuthTag(tag);
      payload = JSON.parse(Buffer.concat([decipher.update(sealed), decipher.final()]).toString("utf8"));
    } catch {
      return { ok: false, reason: "malformed" };
    }
    const { i: id, r: requestId, t: token, n: endpoint, s: sealedStep, m: mintedAt } = payload;
    if (
      typeof id !== "string" ||
      typeof requestId !== "string" ||
      typeof token !== "string" ||
      (endpoint !== "sync" && endpoint !== "async") ||
      (sealedStep !== "mfa" && sealedStep !== "pending") ||
      typeof mintedAt !== "number"
    ) {
      return { ok: false, reason: "malformed" };
    }
    if (sealedStep !== step) return { ok: false, reason: "wrongStep" };
    const expiresAt = mintedAt + lifetimeMs;
    if (expiresAt <= now()) return { ok: false, reason: "expired" };
    return {
      ok: true,
      session: { id, requestId, token: new Secret(token), endpoint, step: sealedStep, mintedAt, expiresAt },
    };
  }
}
