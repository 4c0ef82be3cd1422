import { createHmac, hkdfSync } from "node:crypto";
import type { AuthorizeRequest, Secret } from "@flinks-authorize/client";

/**
 * Keyed hashes naming an end user in limiter keys: the same end user gives the same hash on every
 * replica sharing FLINKS_SECRET_KEY; no raw username or LoginId is kept. Usernames and institutions are
 * compared case-insensitively (NFKC), so case variants of one login share its budget.
 */
export function createEndUserKeys(secretKey: Secret) {
  const key = Buffer.from(
    hkdfSync("sha256", secretKey.reveal(), "flinks-authorize-gateway", "end-user-limits-v1", 32),
  );
  const fold = (value: string) => value.normalize("NFKC").trim().toLowerCase();
  // Inputs never hold NUL (input-rules.ts), so the separator keeps the parts apart.
  const hash = (...parts: string[]) =>
    createHmac("sha256", key).update(parts.join("\u0000")).digest("base64url").slice(0, 22);
  return {
    ofLogin: (request: AuthorizeRequest): string | undefined =>
      "Username" in request
        ? hash("credentials", fold(request.Institution), fold(request.Username))
        : "LoginId" in request
          ? hash("login", request.LoginId.toLowerCase())
          : undefined,
    ofSession: (requestId: string) => hash("session", requestId),
  };
}
