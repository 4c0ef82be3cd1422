import { Agent, request as httpRequest } from "node:http";
import { TOOLBOX_CUSTOMER_ID } from "@flinks-authorize/client";
import { LOGIN_ID } from "@flinks-authorize/kit/fixtures";
import { serveBaseline } from "./serve-baseline.js";

/**
 * Baseline (a): the least a forwarder can do. Per incoming POST, the same two upstream calls the gateway
 * makes (keep-alive `http.Agent`), then a small JSON answer shaped like the gateway's.
 */
const upstream = new URL(process.env.FLINKS_BASE_URL ?? "http://127.0.0.1:4010");
const agent = new Agent({ keepAlive: true });
const authorizeBody = JSON.stringify({ LoginId: LOGIN_ID, MostRecentCached: true });

function post(path: string, key: string, body?: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: "POST",
        path: `/v3/${TOOLBOX_CUSTOMER_ID}/BankingServices/${path}`,
        headers: {
          "flinks-auth-key": key,
          ...(body !== undefined && {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          }),
        },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
          } catch (error) {
            reject(error);
          }
        });
        answer.on("error", reject);
      },
    );
    call.on("error", reject);
    call.end(body);
  });
}

serveBaseline(async () => {
  const minted = await post("GenerateAuthorizeToken", "x");
  const authorized = await post("Authorize", String(minted.Token), authorizeBody);
  return String(authorized.RequestId);
});
