import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authorized, TOKEN } from "../harness.js";

/** How the fake Flinks misbehaves on a call. */
export type Fault =
  | "ok"
  | "hang"
  | "slow"
  | "status500"
  | "resetMidBody"
  | "notJson"
  | "schemaBreaking"
  | "rejectedToken"
  | "destroyBeforeAnswer";

export interface FaultUpstream {
  url: string;
  /** Fault applied to GenerateAuthorizeToken and Authorize calls. */
  faults: { token: Fault; authorize: Fault };
  /** Requests received, and requests whose client went away before the answer. */
  received: Array<{ operation: string; headers: IncomingMessage["headers"]; body: string }>;
  aborted: number;
  slowMs: number;
  close(): Promise<void>;
}

/** A real HTTP server on loopback, so faults hit the gateway's real transport (sockets, resets). */
export async function startFaultUpstream(): Promise<FaultUpstream> {
  const open = new Set<ServerResponse>();
  const state: FaultUpstream = {
    url: "",
    faults: { token: "ok", authorize: "ok" },
    received: [],
    aborted: 0,
    slowMs: 0,
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const operation = request.url?.endsWith("/GenerateAuthorizeToken")
        ? "GenerateAuthorizeToken"
        : "Authorize";
      state.received.push({ operation, headers: request.headers, body });
      open.add(response);
      response.on("close", () => {
        open.delete(response);
        if (!response.writableFinished) state.aborted++;
      });
      const fault = operation === "GenerateAuthorizeToken" ? state.faults.token : state.faults.authorize;
      const success =
        operation === "GenerateAuthorizeToken" ? { HttpStatusCode: 200, Token: TOKEN } : authorized;
      switch (fault) {
        case "ok":
          return json(response, 200, success);
        case "hang":
          return;
        case "slow":
          setTimeout(() => json(response, 200, success), state.slowMs).unref();
          return;
        case "status500":
          return json(response, 500, {
            HttpStatusCode: 500,
            FlinksCode: "AGGREGATION_ERROR",
            Message: "boom",
          });
        case "resetMidBody":
          response.writeHead(200, { "content-type": "application/json", "content-length": "500" });
          response.write('{"HttpStatusCode":200,"Requ');
          setTimeout(() => response.socket?.destroy(), 10).unref();
          return;
        case "destroyBeforeAnswer":
          request.socket.destroy();
          return;
        case "notJson":
          response.writeHead(502, { "content-type": "text/html" });
          return response.end("<html><body>Bad gateway</body></html>");
        case "schemaBreaking":
          return json(response, 200, { ...success, RequestId: undefined, Login: "not an object" });
        case "rejectedToken":
          return json(response, 401, {
            HttpStatusCode: 401,
            FlinksCode: operation === "GenerateAuthorizeToken" ? "UNAUTHORIZED" : "ACCESS_DENIED",
            Message: "You must provide a valid authorize token",
          });
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
