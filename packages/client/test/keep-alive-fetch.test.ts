import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createFlinksClient, createKeepAliveFetch } from "../src/index.js";

// The default transport against a real loopback server: what the injected-fetch tests cannot show.
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  "/echo": (req, res, body) => {
    res.writeHead(203, { "content-type": "application/json", "x-multi": ["a", "b"] });
    res.end(JSON.stringify({ method: req.method, auth: req.headers["flinks-auth-key"], body }));
  },
  "/redirect": (_req, res) => {
    res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" });
    res.end();
  },
  "/stall": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"partial":');
  },
};
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => routes[req.url ?? ""]?.(req, res, body));
});
let origin = "";
const transport = createKeepAliveFetch();

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await transport.close();
  server.closeAllConnections();
  server.close();
});

describe("createKeepAliveFetch", () => {
  test("sends method, headers and body; returns status, headers and body", async () => {
    const response = await transport(
      new Request(`${origin}/echo`, { method: "POST", headers: { "flinks-auth-key": "k" }, body: '{"a":1}' }),
    );
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(203);
    expect(response.headers.get("x-multi")).toBe("a, b");
    expect(await response.json()).toEqual({ method: "POST", auth: "k", body: '{"a":1}' });
  });

  test("does not follow a redirect", async () => {
    const response = await transport(new Request(`${origin}/redirect`, { method: "POST" }));
    expect(response.status).toBe(302);
  });

  test("an abort while the body streams rejects the call", async () => {
    const controller = new AbortController();
    const pending = transport(new Request(`${origin}/stall`, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await expect(pending).rejects.toThrow();
  });
});

describe("the client on its default transport (WireRequest, no WHATWG objects)", () => {
  const CUSTOMER_ID = "43387ca6-0391-4c82-857d-70d95f087ecb";
  const client = () =>
    createFlinksClient({ baseUrl: `${origin}/echo-client`, customerId: CUSTOMER_ID, timeoutMs: 200 });

  test("sends the JSON body and headers; reads status and body", async () => {
    routes[`/echo-client/v3/${CUSTOMER_ID}/BankingServices/Authorize`] = (req, res, body) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          HttpStatusCode: 401,
          FlinksCode: "INVALID_LOGIN",
          Message: `${req.headers["flinks-auth-key"]}|${req.headers["x-request-id"]}|${body}`,
        }),
      );
    };
    const flinks = client();
    const outcome = await flinks.authorize(
      "tok",
      { LoginId: "5e115eac-1209-4f19-641c-08d6d484e2fe" },
      { headers: { "x-request-id": "r-1" } },
    );
    expect(outcome).toMatchObject({
      kind: "flinksError",
      flinksCode: "INVALID_LOGIN",
      message: 'tok|r-1|{"LoginId":"5e115eac-1209-4f19-641c-08d6d484e2fe"}',
    });
    await flinks.close();
  });

  test("a body that stalls after the headers times out", async () => {
    routes[`/echo-client/v3/${CUSTOMER_ID}/BankingServices/GenerateAuthorizeToken`] =
      routes["/stall"] ?? (() => {});
    const flinks = client();
    expect(await flinks.generateAuthorizeToken("s")).toMatchObject({ kind: "timeout", timeoutMs: 200 });
    await flinks.close();
  });
});
