import { createFlinksClient, Secret, TOOLBOX_CUSTOMER_ID } from "@flinks-authorize/client";
import { LOGIN_ID } from "@flinks-authorize/kit/fixtures";
import { serveBaseline } from "./serve-baseline.js";

/**
 * Baseline (b): the real typed client (openapi-fetch over the default undici transport, response
 * validation included) with no GraphQL. Per request: generateAuthorizeToken, then authorize.
 */
const flinks = createFlinksClient({
  baseUrl: process.env.FLINKS_BASE_URL ?? "http://127.0.0.1:4010",
  customerId: TOOLBOX_CUSTOMER_ID,
});
const secretKey = new Secret(process.env.FLINKS_SECRET_KEY ?? "x");

serveBaseline(async () => {
  const minted = await flinks.generateAuthorizeToken(secretKey);
  if (minted.kind !== "token") throw new Error(minted.kind);
  const outcome = await flinks.authorize(minted.token, { LoginId: LOGIN_ID, MostRecentCached: true });
  if (outcome.kind !== "authorized") throw new Error(outcome.kind);
  return outcome.body.RequestId;
});
