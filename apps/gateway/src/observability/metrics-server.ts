import { createServer, type Server } from "node:http";

/**
 * `/metrics` on a port of its own (GATEWAY_METRICS_PORT), never the GraphQL port: that one's caller
 * authentication and CORS rules stay about GraphQL callers, a scraper needs no API key, and a
 * deployment exposes the GraphQL port alone through its public Service (docs/operators/observability.md).
 *
 * What it serves is `scrape()`: the process's registry (`registry.metrics()`), with its content type.
 */
export type Scrape = () => Promise<string>;

export interface MetricsServerOptions {
  port: number;
  host: string;
  scrape: Scrape;
  contentType: string;
  /** A failed scrape is logged here; the scraper gets a 500 without the error's text. */
  onError?: (error: unknown) => void;
}

export function createMetricsServer({
  scrape,
  contentType,
  onError,
}: Omit<MetricsServerOptions, "port" | "host">): Server {
  return createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found: metrics are at /metrics\n");
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response
        .writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" })
        .end("Method not allowed\n");
      return;
    }
    scrape().then(
      (body) => {
        response.writeHead(200, { "content-type": contentType });
        response.end(request.method === "HEAD" ? undefined : body);
      },
      (error: unknown) => {
        onError?.(error);
        response.writeHead(500, { "content-type": "text/plain" }).end("Metrics could not be collected\n");
      },
    );
  });
}

/** Starts the metrics listener; rejects with the listen error (a port in use) so the caller can name it. */
export function startMetricsServer(options: MetricsServerOptions): Promise<Server> {
  const server = createMetricsServer(options);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
