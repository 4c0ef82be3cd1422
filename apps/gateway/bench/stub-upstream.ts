import { createServer } from "node:http";
import { specExamples } from "./lib/spec-examples.js";

/**
 * A fast Flinks stand-in: GenerateAuthorizeToken and Authorize answer the spec's 200 examples from
 * prebuilt buffers. STUB_TOKEN_DELAY_MS delays GenerateAuthorizeToken only, to model a real round trip.
 */
const port = Number(process.env.PORT ?? 0);
const tokenDelayMs = Number(process.env.STUB_TOKEN_DELAY_MS ?? 0);
const { token, authorized } = specExamples();
const tokenBody = Buffer.from(JSON.stringify(token));
const authorizedBody = Buffer.from(JSON.stringify(authorized));
const counts = { GenerateAuthorizeToken: 0, Authorize: 0 };

const server = createServer((request, response) => {
  const url = request.url ?? "";
  request.resume();
  request.on("end", () => {
    const send = (body: Buffer) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      response.end(body);
    };
    if (request.method === "POST" && url.endsWith("/BankingServices/GenerateAuthorizeToken")) {
      counts.GenerateAuthorizeToken++;
      if (tokenDelayMs > 0) setTimeout(send, tokenDelayMs, tokenBody);
      else send(tokenBody);
    } else if (request.method === "POST" && url.endsWith("/BankingServices/Authorize")) {
      counts.Authorize++;
      send(authorizedBody);
    } else if (url === "/health") {
      response.end("ok");
    } else if (url === "/counts") {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(counts));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1");
