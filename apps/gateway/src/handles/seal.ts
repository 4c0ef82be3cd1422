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
  /**
   * Random, per session (one `authorize`): every handle of the session carries it, whatever RequestIds
   * Flinks (or a mock repeating one example) gives.
   */
  id: string;
  requestId: string;
  /**
   * The consumer the handle was issued to (`key:<name>`, `token:<subject>`): no other consumer may use
   * it, so a handle seen by someone else continues nobody's session.
   */
  consumer: string;
  /**
   * Which challenge of the session an MFA handle answers: 0 for the first 203, one more after each
   * answer that brings another. Every handle of one challenge (a Pending polled twice into the same 203
   * mints two) shares one single-use marker, so only one answer to it ever reaches Flinks.
   */
  round: number;
  /**
   * The shared store's epoch when the handle was sealed (single-use.ts): a store restarted empty since
   * cannot tell whether the handle was used, and refuses it.
   */
  epoch: string | undefined;
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

export type SessionToSeal = Omit<FlinksSession, "expiresAt" | "epoch">;

/** The single-use marker of an MFA handle: one per challenge of a session. */
export const markerOf = (session: Pick<FlinksSession, "id" | "round">) => `${session.id}:${session.round}`;

export type OpenResult =
  | { ok: true; session: FlinksSession }
  | { ok: false; reason: "malformed" | "expired" | "wrongStep" | "foreign" };

export interface SessionHandles {
  seal(session: SessionToSeal): string;
  /**
   * Opens a handle sealed for `step` and issued to `consumer`; a Pending's handle does not answer MFA,
   * nor the reverse, and no consumer opens another's.
   */
  open(handle: string, step: FlinksSession["step"], consumer: string): OpenResult;
}

const VERSION = 3;
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
  /** The shared store's current epoch, sealed into each handle; none without a store. */
  epoch?: () => string | undefined;
}): SessionHandles {
  const metrics = options.metrics ?? NO_METRICS;
  const lifetimeMs = options.tokenLifetimeMs ?? TOKEN_LIFETIME_MS;
  const now = options.now ?? Date.now;
  const key = Buffer.from(
    hkdfSync(
      "sha256",
      options.secretKey.reveal(),
      "flinks-authorize-gateway",
      `session-handle-v${VERSION}`,
      32,
    ),
  );
  const aad = Buffer.from(`session-handle-v${VERSION}:${options.customerId}`);

  return {
    seal({ id, requestId, token, endpoint, step, mintedAt, consumer, round }) {
      metrics.sessionHandle(step, "issued");
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
      const plaintext = JSON.stringify({
        i: id,
        r: requestId,
        t: token.reveal(),
        n: endpoint,
        s: step,
        m: mintedAt,
        c: consumer,
        k: round,
        e: options.epoch?.(),
      });
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, sealed, cipher.getAuthTag()]).toString("base64url");
    },

    open(handle, step, consumer) {
      const opened = openHandle(handle, step, consumer);
      metrics.sessionHandle(step, opened.ok ? "opened" : opened.reason);
      return opened;
    },
  };

  function openHandle(handle: string, step: FlinksSession["step"], consumer: string): OpenResult {
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
    const { c: owner, k: round, e: epoch } = payload;
    if (
      typeof id !== "string" ||
      typeof requestId !== "string" ||
      typeof token !== "string" ||
      (endpoint !== "sync" && endpoint !== "async") ||
      (sealedStep !== "mfa" && sealedStep !== "pending") ||
      typeof mintedAt !== "number" ||
      typeof owner !== "string" ||
      typeof round !== "number" ||
      (epoch !== undefined && typeof epoch !== "string")
    ) {
      return { ok: false, reason: "malformed" };
    }
    if (owner !== consumer) return { ok: false, reason: "foreign" };
    if (sealedStep !== step) return { ok: false, reason: "wrongStep" };
    const expiresAt = mintedAt + lifetimeMs;
    if (expiresAt <= now()) return { ok: false, reason: "expired" };
    const session: FlinksSession = {
      id,
      requestId,
      token: new Secret(token),
      endpoint,
      step: sealedStep,
      mintedAt,
      expiresAt,
      consumer: owner,
      round,
      epoch,
    };
    return { ok: true, session };
  }
}
