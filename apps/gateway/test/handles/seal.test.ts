import { Secret } from "@flinks-authorize/client";
import { describe, expect, it } from "vitest";
import {
  createSessionHandles,
  markerOf,
  type OpenResult,
  TOKEN_LIFETIME_MS,
} from "../../src/handles/seal.js";

const SECRET_KEY = "gateway-secret-key-1";
const CUSTOMER_ID = "43387ca6-0391-4c82-857d-70d95f087ecb";
const OTHER_CUSTOMER_ID = "0b4a1c1e-8d6f-4f5a-9e2b-3c7d8e9f0a1b";
const REQUEST_ID = "9022abc2-8a2e-4b06-a06e-c3e5449c4d10";
const TOKEN = "d65f1adb-8ebc-48dc-be8b-20c773ba1565";
const CONSUMER = "key:lender";
const SESSION = "b1c0f7f2-5d1e-4a7e-9f5c-2f0b8a9d3c41";

interface Overrides {
  secretKey?: string;
  customerId?: string;
  ttlMs?: number;
  now?: () => number;
}

/** Handles whose `open` reads MFA handles, as submitMfa does; `pending` opens a Pending's. */
const handles = (overrides: Overrides = {}) => {
  const now = overrides.now ?? Date.now;
  const sessions = createSessionHandles({
    secretKey: new Secret(overrides.secretKey ?? SECRET_KEY),
    customerId: overrides.customerId ?? CUSTOMER_ID,
    ...(overrides.ttlMs !== undefined && { tokenLifetimeMs: overrides.ttlMs }),
    now,
  });
  return {
    now,
    sessions,
    open: (handle: string) => sessions.open(handle, "mfa", CONSUMER),
  };
};
type MfaHandles = ReturnType<typeof handles>;

/** Seals an MFA session whose token was minted now (by the sealer's clock). */
const seal = (mfa: MfaHandles, requestId = REQUEST_ID, token = TOKEN, mintedAt = mfa.now()) =>
  mfa.sessions.seal({
    id: SESSION,
    requestId,
    token: new Secret(token),
    endpoint: "sync",
    step: "mfa",
    mintedAt,
    consumer: CONSUMER,
    round: 0,
  });

/** Asserts an open succeeded with these values. */
function expectOpened(result: OpenResult, requestId = REQUEST_ID, token = TOKEN) {
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.session.requestId).toBe(requestId);
  expect(result.session.token).toBeInstanceOf(Secret);
  expect(result.session.token.reveal()).toBe(token);
}

const MALFORMED: OpenResult = { ok: false, reason: "malformed" };
const EXPIRED: OpenResult = { ok: false, reason: "expired" };

describe("createSessionHandles: seal and open", () => {
  it("round-trips the requestId and the token, as a Secret", () => {
    const mfa = handles();
    const handle = seal(mfa);
    expectOpened(mfa.open(handle));
    // Opening does not consume the handle: the result is the same again.
    expectOpened(mfa.open(handle));
  });

  it("round-trips non-ASCII and JSON-special characters unchanged", () => {
    const mfa = handles();
    const token = 'tök"en\\with\u2028odd}{chars';
    const requestId = "req-ïd-\u00e9";
    expectOpened(mfa.open(seal(mfa, requestId, token)), requestId, token);
  });

  it("produces a URL-safe string and a different handle for every seal of the same session", () => {
    const mfa = handles();
    const sealed = Array.from({ length: 20 }, () => seal(mfa));
    for (const handle of sealed) expect(handle).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Set(sealed).size).toBe(sealed.length);
  });

  it("does not expose the token or the requestId, in clear or base64/base64url", () => {
    const mfa = handles();
    const encodings = (value: string) => {
      const bytes = Buffer.from(value, "utf8");
      return [
        value,
        bytes.toString("base64"),
        bytes.toString("base64url"),
        // Without padding, and at every byte alignment in a longer base64 stream.
        ...[0, 1, 2].flatMap((shift) => {
          const shifted = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString("base64url");
          // Drop the characters that mix in the padding bytes and the trailing partial group.
          return [shifted.slice(Math.ceil((shift * 4) / 3) + 1, -4)];
        }),
        bytes.toString("hex"),
      ];
    };
    const serialized = JSON.stringify({ r: REQUEST_ID, t: TOKEN });
    for (let round = 0; round < 10; round += 1) {
      const handle = seal(mfa);
      for (const encoded of [...encodings(TOKEN), ...encodings(REQUEST_ID), ...encodings(serialized)]) {
        expect(encoded.length).toBeGreaterThan(8);
        expect(handle).not.toContain(encoded);
        expect(handle.toLowerCase()).not.toContain(encoded.toLowerCase());
      }
      const decoded = Buffer.from(handle, "base64url").toString("latin1");
      expect(decoded).not.toContain(TOKEN);
      expect(decoded).not.toContain(REQUEST_ID);
    }
  });

  it("opens on another instance created with the same secret key and customer id", () => {
    const sealer = handles();
    const opener = handles();
    expect(opener).not.toBe(sealer);
    expectOpened(opener.open(seal(sealer)));
    expectOpened(sealer.open(seal(opener)));
  });

  it("does not open with a different secret key", () => {
    const handle = seal(handles());
    expect(handles({ secretKey: "gateway-secret-key-2" }).open(handle)).toEqual(MALFORMED);
    expect(handles({ secretKey: `${SECRET_KEY} ` }).open(handle)).toEqual(MALFORMED);
  });

  it("does not open with a different customer id", () => {
    const handle = seal(handles());
    expect(handles({ customerId: OTHER_CUSTOMER_ID }).open(handle)).toEqual(MALFORMED);
    expect(handles({ customerId: CUSTOMER_ID.toUpperCase() }).open(handle)).toEqual(MALFORMED);
  });
});

describe("createSessionHandles: tampering and garbage", () => {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  it.each([
    ["a newline inserted", (h: string) => `${h.slice(0, 10)}\n${h.slice(10)}`],
    ["characters outside the alphabet inserted", (h: string) => `${h.slice(0, 10)}!!${h.slice(10)}`],
    ["padding appended", (h: string) => `${h}==`],
    ["surrounding spaces", (h: string) => ` ${h} `],
    ["base64 instead of base64url", (h: string) => h.replaceAll("-", "+").replaceAll("_", "/")],
  ])("opens only the exact string sealed, not one with %s", (_, variant) => {
    const mfa = handles();
    let handle = seal(mfa);
    // The base64 variant only differs when the handle holds a '-' or '_'.
    while (variant === undefined || (!/[-_]/.test(handle) && _.startsWith("base64"))) handle = seal(mfa);
    expect(mfa.open(variant(handle))).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a handle with any single character changed, at every position, without throwing", () => {
    const mfa = handles();
    const handle = seal(mfa);
    expect(handle.length).toBeGreaterThan(40);
    let tried = 0;
    for (let position = 0; position < handle.length; position += 1) {
      const original = handle[position] ?? "";
      const index = ALPHABET.indexOf(original);
      expect(index).toBeGreaterThanOrEqual(0);
      // Two replacements per position: a neighbour in the alphabet and one far away from it.
      for (const offset of [1, 32]) {
        const replacement = ALPHABET[(index + offset) % ALPHABET.length] ?? "A";
        const tampered = `${handle.slice(0, position)}${replacement}${handle.slice(position + 1)}`;
        expect(tampered).not.toBe(handle);
        let result: OpenResult | undefined;
        expect(() => {
          result = mfa.open(tampered);
        }).not.toThrow();
        // The last character carries only 2 or 4 significant bits in base64url: a change that only
        // touches the unused low bits decodes to the same bytes, which is not tampering.
        if (Buffer.from(tampered, "base64url").equals(Buffer.from(handle, "base64url"))) continue;
        expect(result, `position ${position}, ${original} -> ${replacement}`).toEqual(MALFORMED);
        tried += 1;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(2 * handle.length - 2);
  });

  it("rejects truncated and extended handles", () => {
    const mfa = handles();
    const handle = seal(mfa);
    for (const cut of [1, 2, 4, 10, 22, handle.length - 1]) {
      expect(mfa.open(handle.slice(0, -cut))).toEqual(MALFORMED);
      expect(mfa.open(handle.slice(cut))).toEqual(MALFORMED);
    }
    expect(mfa.open(`${handle}AAAA`)).toEqual(MALFORMED);
    expect(mfa.open(`${handle}${handle}`)).toEqual(MALFORMED);
  });

  it("rejects a handle whose bytes are flipped after decoding (version, IV, ciphertext, tag)", () => {
    const mfa = handles();
    const bytes = Buffer.from(seal(mfa), "base64url");
    for (let index = 0; index < bytes.length; index += 1) {
      const copy = Buffer.from(bytes);
      copy[index] = (copy[index] ?? 0) ^ 0x01;
      expect(mfa.open(copy.toString("base64url")), `byte ${index}`).toEqual(MALFORMED);
    }
  });

  it.each<[string, string]>([
    ["empty", ""],
    ["short", "abc"],
    ["10 KB of A", "A".repeat(10 * 1024)],
    ["10 KB of base64url", Buffer.alloc(7680, 7).toString("base64url")],
    ["non-base64 characters", "!!!@@@###$$$%%%^^^&&&***((()))~~~```"],
    ["non-ASCII", "ハンドル🔑".repeat(20)],
    ["whitespace", " \t\n ".repeat(30)],
    ["NUL bytes", "\u0000".repeat(64)],
    ["a JSON document", JSON.stringify({ r: REQUEST_ID, t: TOKEN, e: Date.now() + 60_000 })],
    [
      "plain base64 of the payload",
      Buffer.from(JSON.stringify({ r: REQUEST_ID, t: TOKEN })).toString("base64"),
    ],
    ["version byte and zeros", Buffer.concat([Buffer.from([2]), Buffer.alloc(64)]).toString("base64url")],
    ["minimum length, all zero", Buffer.alloc(1 + 12 + 16 + 2).toString("base64url")],
  ])("rejects garbage: %s", (_label, input) => {
    const mfa = handles();
    let result: OpenResult | undefined;
    expect(() => {
      result = mfa.open(input);
    }).not.toThrow();
    expect(result).toEqual(MALFORMED);
  });
});

describe("createSessionHandles: expiry", () => {
  it("opens just before the TTL and is expired at and after it", () => {
    let clock = 1_700_000_000_000;
    const ttlMs = 60_000;
    const mfa = handles({ ttlMs, now: () => clock });
    const handle = seal(mfa);

    clock += ttlMs - 1;
    expectOpened(mfa.open(handle));
    clock += 1;
    expect(mfa.open(handle)).toEqual(EXPIRED);
    clock += 1;
    expect(mfa.open(handle)).toEqual(EXPIRED);
    clock += 365 * 24 * 3600 * 1000;
    expect(mfa.open(handle)).toEqual(EXPIRED);
  });

  it("counts from the token's mint, by the opening instance's clock", () => {
    const mintedAt = 1_700_000_000_000;
    const handle = seal(handles({ now: () => mintedAt }));
    expectOpened(handles({ ttlMs: 1000, now: () => mintedAt + 999 }).open(handle));
    expect(handles({ ttlMs: 1000, now: () => mintedAt + 1000 }).open(handle)).toEqual(EXPIRED);
  });

  it("never outlives its token: a token minted 14 minutes before the 203 leaves the handle 1 minute", () => {
    let clock = 1_700_000_000_000;
    const mfa = handles({ now: () => clock });
    const handle = seal(mfa, REQUEST_ID, TOKEN, clock - 14 * 60_000);
    clock += 60_000 - 1;
    expectOpened(mfa.open(handle));
    clock += 1;
    expect(mfa.open(handle)).toEqual(EXPIRED);
  });

  it("defaults to a 15-minute token lifetime", () => {
    expect(TOKEN_LIFETIME_MS).toBe(15 * 60 * 1000);
    let clock = 1_700_000_000_000;
    const mfa = handles({ now: () => clock });
    const handle = seal(mfa);
    clock += TOKEN_LIFETIME_MS - 1;
    expectOpened(mfa.open(handle));
    clock += 1;
    expect(mfa.open(handle)).toEqual(EXPIRED);
  });

  it("reports a tampered expired handle as malformed, not expired", () => {
    let clock = 1_700_000_000_000;
    const mfa = handles({ ttlMs: 10, now: () => clock });
    const handle = seal(mfa);
    clock += 1000;
    expect(mfa.open(handle)).toEqual(EXPIRED);
    const tampered = `${handle.slice(0, 20)}${handle[20] === "A" ? "B" : "A"}${handle.slice(21)}`;
    expect(mfa.open(tampered)).toEqual(MALFORMED);
  });
});

describe("createSessionHandles: what a handle may continue", () => {
  it("a Pending's handle does not answer MFA, and an MFA handle does not poll", () => {
    const mfa = handles();
    const pending = mfa.sessions.seal({
      id: SESSION,
      requestId: REQUEST_ID,
      token: new Secret(TOKEN),
      endpoint: "async",
      step: "pending",
      mintedAt: Date.now(),
      consumer: CONSUMER,
      round: 0,
    });
    expect(mfa.sessions.open(pending, "mfa", CONSUMER)).toEqual({ ok: false, reason: "wrongStep" });
    expect(mfa.sessions.open(seal(mfa), "pending", CONSUMER)).toEqual({ ok: false, reason: "wrongStep" });
    const opened = mfa.sessions.open(pending, "pending", CONSUMER);
    expect(opened.ok && opened.session.endpoint).toBe("async");
  });

  it("opens for the consumer it was issued to, and for no other", () => {
    const mfa = handles();
    const handle = seal(mfa);
    expect(mfa.sessions.open(handle, "mfa", "key:someone-else")).toEqual({ ok: false, reason: "foreign" });
    expect(mfa.sessions.open(handle, "mfa", "token:lender")).toEqual({ ok: false, reason: "foreign" });
    expectOpened(mfa.sessions.open(handle, "mfa", CONSUMER));
  });

  it("every handle of one challenge shares its single-use marker; the next challenge has its own", () => {
    const mfa = handles();
    const markers = Array.from({ length: 3 }, () => {
      const opened = mfa.open(seal(mfa));
      return opened.ok ? markerOf(opened.session) : "";
    });
    expect(new Set(markers)).toEqual(new Set([`${SESSION}:0`]));
    const next = mfa.sessions.seal({
      id: SESSION,
      requestId: REQUEST_ID,
      token: new Secret(TOKEN),
      endpoint: "sync",
      step: "mfa",
      mintedAt: Date.now(),
      consumer: CONSUMER,
      round: 1,
    });
    const opened = mfa.open(next);
    expect(opened.ok && markerOf(opened.session)).toBe(`${SESSION}:1`);
  });
});
