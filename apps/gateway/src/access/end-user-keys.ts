import { createHmac, hkdfSync } from "node:crypto";
import type { AuthorizeRequest, Secret } from "@flinks-authorize/client";

/**
 * Letters from other scripts that look like Latin ones in a username field (a part of Unicode's
 * confusables, UTS #39, for the scripts a Canadian bank login is typed in): each folds to the letter it
 * passes for. Deliberately small and listed: docs/operators/security.md states the rule.
 */
const LOOKALIKES: Record<string, string> = {
  ı: "i", // dotless i
  ȷ: "j", // dotless j
  ſ: "s", // long s
  а: "a", // Cyrillic
  в: "b",
  е: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ӏ: "l",
  α: "a", // Greek
  ε: "e",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
};
const LOOKALIKE = new RegExp(`[${Object.keys(LOOKALIKES).join("")}]`, "gu");
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const MARK = /\p{M}/gu;
const SPACE = /[\s\p{Z}]/gu;

/**
 * How a username (or institution) is folded before it names an end user's budget, so that what a bank
 * reads as the same login shares one budget: compatibility forms (full-width letters) to their plain
 * ones (NFKC); default-ignorable code points (zero-width characters, soft hyphens, joiners) removed;
 * lower case; accents and other combining marks removed; the look-alikes above to the Latin letter; all
 * white space removed. Only the budget's key is folded: Flinks receives the username as typed.
 */
export function foldLogin(value: string): string {
  return value
    .normalize("NFKC")
    .replace(IGNORABLE, "")
    .toLowerCase()
    .normalize("NFD")
    .replace(MARK, "")
    .replace(LOOKALIKE, (letter) => LOOKALIKES[letter] ?? letter)
    .replace(SPACE, "");
}

/**
 * Keyed hashes naming an end user in limiter keys: the same end user gives the same hash on every
 * replica sharing FLINKS_SECRET_KEY; no raw username or LoginId is kept.
 */
export function createEndUserKeys(secretKey: Secret) {
  const key = Buffer.from(
    hkdfSync("sha256", secretKey.reveal(), "flinks-authorize-gateway", "end-user-limits-v1", 32),
  );
  // Inputs never hold NUL (schema/input-rules.ts), so the separator keeps the parts apart.
  const hash = (...parts: string[]) =>
    createHmac("sha256", key).update(parts.join("\u0000")).digest("base64url").slice(0, 22);
  return {
    ofLogin: (request: AuthorizeRequest): string | undefined =>
      "Username" in request
        ? hash("credentials", foldLogin(request.Institution), foldLogin(request.Username))
        : "LoginId" in request
          ? hash("login", request.LoginId.toLowerCase())
          : undefined,
    ofSession: (requestId: string) => hash("session", requestId),
  };
}
