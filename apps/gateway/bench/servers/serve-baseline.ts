import { createServer } from "node:http";

/**
 * A baseline server on loopback (PORT): /health answers at once; every other request, once read, gets the
 * GraphQL-shaped answer for the RequestId `authorize` resolves to, or a 502 if it fails.
 */
export function serveBaseline(authorize: () => Promise<string>): void {
  const server = createServer((request, response) => {
    if (request.url === "/health") {
      response.end("ok");
      return;
    }
    request.resume();
    request.on("end", async () => {
      let status = 200;
      let body: string;
      try {
        const requestId = await authorize();
        body = JSON.stringify({ data: { authorize: { __typename: "Authorized", requestId } } });
      } catch (error) {
        status = 502;
        body = JSON.stringify({ errors: [{ message: (error as Error).message }] });
      }
      response.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1");
}
