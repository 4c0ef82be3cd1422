import { createServer } from "node:http";
import { createFlinksClient, Secret, TOOLBOX_CUSTOMER_ID } from "@flinks-authorize/client";
import { LOGIN_ID } from "@flinks-authorize/kit/fixtures";

/**
 * Baseline (b): the real typed client (openapi-fetch over the default undici transport, response
 * validation included) with no GraphQL. Per request: generateAuthorizeToken, then authorize.
 */
const port = Number(process.env.PORT ?? 0);
const flinks = createFlinksClient({
  baseUrl: process.env.FLINKS_BASE_URL ?? "http://127.0.0.1:4010",
  customerId: TOOLBOX_CUSTOMER_ID,
});
const secretKey = new Secret(process.env.FLINKS_SECRET_KEY ?? "x");

const server = createServer((request, response) => {
  if (request.url === "/health") {
    response.end("ok");
    return;
  }
  request.resume();
  request.on("end", async () => {
    const minted = await flinks.generateAuthorizeToken(secretKey);
    const outcome =
      minted.kind === "token"
        ? await flinks.authorize(minted.token, {
            LoginId: LOGIN_ID,
            MostRecentCached: true,
          })
        : minted;
    const body = JSON.stringify(
      outcome.kind === "authorized"
        ? { data: { authorize: { __typename: "Authorized", requestId: outcome.body.RequestId } } }
        : { errors: [{ message: outcome.kind }] },
    );
    response.writeHead(outcome.kind === "authorized" ? 200 : 502, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1");
