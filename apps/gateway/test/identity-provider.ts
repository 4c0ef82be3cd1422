import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";

/**
 * A consumer's identity provider on loopback: it publishes a JSON Web Key Set, counts how often it is
 * fetched, and signs tokens on the fly with keys it may or may not publish.
 */
export const ISSUER = "https://idp.example.test/";
export const AUDIENCE = "flinks-authorize-gateway";

export interface SigningKey {
  kid: string;
  alg: "RS256" | "RS384" | "ES256";
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The public key as PEM: what an attacker would use as an HMAC secret. */
  publicPem: string;
}

export async function signingKey(kid: string, alg: SigningKey["alg"]): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" },
    publicPem: await exportSPKI(publicKey),
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const seconds = () => Math.floor(Date.now() / 1000);

export interface IdentityProvider {
  /** The JWKS URL. */
  readonly url: string;
  /** Keys served, in order; replace to rotate. */
  published: SigningKey[];
  /** Answer 500 instead of the key set. */
  failing: boolean;
  /** Key set requests received. */
  readonly fetches: number;
  /** A token signed with `key`: subject "user-1", this issuer and audience, 5 minutes to live, unless overridden. */
  sign(key: SigningKey, claims?: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** A token with `alg: none` and no signature. */
  unsigned(claims?: JWTPayload): string;
  close(): Promise<void>;
}

export const claims = (overrides: JWTPayload = {}): JWTPayload => ({
  sub: "user-1",
  iss: ISSUER,
  aud: AUDIENCE,
  iat: seconds(),
  exp: seconds() + 300,
  ...overrides,
});

export async function startIdentityProvider(published: SigningKey[] = []): Promise<IdentityProvider> {
  let fetches = 0;
  const server = createServer((request, response) => {
    request.resume();
    fetches++;
    if (provider.failing) {
      response.writeHead(500).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ keys: provider.published.map(({ publicJwk }) => publicJwk) }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const provider: IdentityProvider = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    published,
    failing: false,
    get fetches() {
      return fetches;
    },
    sign: (key, overrides = {}, header = {}) => {
      const payload = claims(overrides);
      // Claims set to undefined are left out.
      for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
        .sign(key.privateKey);
    },
    unsigned: (overrides = {}) =>
      `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims(overrides))}.`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return provider;
}
