import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { createTokenVerifier, type TokenVerifierOptions } from "../../src/access/token-verifier.js";
import {
  AUDIENCE,
  type IdentityProvider,
  ISSUER,
  type SigningKey,
  signingKey,
  startIdentityProvider,
} from "../identity-provider.js";

// The verifier on its own, against a key set on loopback: why each bad token is refused, and how keys
// are fetched, cached and rotated. (Through the gateway: test/hardening/caller-auth.test.ts.)

let first: SigningKey;
let second: SigningKey;
let idp: IdentityProvider | undefined;

beforeAll(async () => {
  [first, second] = await Promise.all([signingKey("key-1", "RS256"), signingKey("key-2", "ES256")]);
});
afterEach(async () => {
  await idp?.close();
  idp = undefined;
});

const verifierFor = (provider: IdentityProvider, options: Partial<TokenVerifierOptions> = {}) =>
  createTokenVerifier({
    jwksUrl: new URL(provider.url),
    issuer: ISSUER,
    audience: [AUDIENCE],
    algorithms: ["RS256", "ES256"],
    ...options,
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("why a token is refused", () => {
  test.each<[string, (provider: IdentityProvider) => Promise<string> | string, RegExp]>([
    ["alg: none", (provider) => provider.unsigned(), /ERR_JOSE_ALG_NOT_ALLOWED/],
    [
      "HMAC with the public key as secret",
      (provider) =>
        provider.sign({
          ...first,
          alg: "HS256" as never,
          privateKey: new TextEncoder().encode(first.publicPem) as never,
        }),
      /ERR_JOSE_ALG_NOT_ALLOWED/,
    ],
    [
      "a signature by another key under a known kid",
      async (provider) =>
        provider.sign({
          ...second,
          kid: "key-1",
          alg: "RS256",
          privateKey: (await signingKey("x", "RS256")).privateKey,
        }),
      /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/,
    ],
    [
      "an unknown kid",
      async (provider) => provider.sign(await signingKey("key-9", "RS256")),
      /ERR_JWKS_NO_MATCHING_KEY/,
    ],
    [
      "the wrong audience",
      (provider) => provider.sign(first, { aud: "other" }),
      /ERR_JWT_CLAIM_VALIDATION_FAILED \(aud\)/,
    ],
    [
      "the wrong issuer",
      (provider) => provider.sign(first, { iss: "https://other/" }),
      /ERR_JWT_CLAIM_VALIDATION_FAILED \(iss\)/,
    ],
    [
      "not yet valid",
      (provider) => provider.sign(first, { nbf: Math.floor(Date.now() / 1000) + 120 }),
      /\(nbf\)/,
    ],
    ["no exp", (provider) => provider.sign(first, { exp: undefined }), /\(exp\)/],
    [
      "a subject with a control character",
      (provider) => provider.sign(first, { sub: "a\u0007b" }),
      /unusable sub/,
    ],
  ])("%s", async (_, make, detail) => {
    idp = await startIdentityProvider([first]);
    const check = await verifierFor(idp)(await make(idp));
    expect(check).toEqual({ ok: false, reason: "invalid", detail: expect.stringMatching(detail) });
  });

  test("expired beyond the 30 s clock skew: expired, not invalid", async () => {
    idp = await startIdentityProvider([first]);
    const verify = verifierFor(idp);
    const at = Math.floor(Date.now() / 1000);
    expect(await verify(await idp.sign(first, { exp: at - 40 }))).toMatchObject({
      ok: false,
      reason: "expired",
    });
    expect(await verify(await idp.sign(first, { exp: at - 20 }))).toEqual({ ok: true, subject: "user-1" });
  });
});

describe("the key set: fetched once, cached, refetched for rotation at a bounded rate", () => {
  test("verifying many tokens fetches the key set once", async () => {
    idp = await startIdentityProvider([first]);
    const verify = verifierFor(idp);
    for (let i = 0; i < 5; i++) expect((await verify(await idp.sign(first))).ok).toBe(true);
    expect(idp.fetches).toBe(1);
  });

  test("a new key: a token under its kid is refetched for, once the cooldown has passed", async () => {
    idp = await startIdentityProvider([first]);
    const verify = verifierFor(idp, { cooldownMs: 300 });
    expect((await verify(await idp.sign(first))).ok).toBe(true);
    // The provider rotates: key-2 is published alongside key-1.
    idp.published = [first, second];
    const rotated = await idp.sign(second);
    // (Within the cooldown it would not be: see the burst below.)
    await sleep(350);
    expect(await verify(rotated)).toEqual({ ok: true, subject: "user-1" });
    expect(idp.fetches).toBe(2);
    // Tokens of the old key still verify during the overlap.
    expect((await verify(await idp.sign(first))).ok).toBe(true);
  });

  test("a burst of tokens with made-up kids fetches the key set at most once per cooldown", async () => {
    idp = await startIdentityProvider([first]);
    const verify = verifierFor(idp, { cooldownMs: 60_000 });
    expect((await verify(await idp.sign(first))).ok).toBe(true);
    const strangers = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => idp?.sign(await signingKey(`made-up-${i}`, "ES256")) ?? ""),
    );
    const checks = await Promise.all(strangers.map((token) => verify(token)));
    expect(checks.every((check) => !check.ok && check.reason === "invalid")).toBe(true);
    expect(idp.fetches).toBe(1);
  });

  test("a withdrawn key stops verifying once the cache is older than its maximum age", async () => {
    idp = await startIdentityProvider([first, second]);
    const verify = verifierFor(idp, { cacheMaxAgeMs: 300, cooldownMs: 0 });
    const old = await idp.sign(first);
    expect((await verify(old)).ok).toBe(true);
    idp.published = [second];
    await sleep(350);
    expect(await verify(old)).toMatchObject({ ok: false, reason: "invalid" });
    expect((await verify(await idp.sign(second))).ok).toBe(true);
  });

  test("an unreachable key set is unavailable, not invalid: the token is not the caller's fault", async () => {
    idp = await startIdentityProvider([first]);
    idp.failing = true;
    expect(await verifierFor(idp)(await idp.sign(first))).toMatchObject({ ok: false, reason: "unavailable" });
  });
});
