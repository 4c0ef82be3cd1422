/**
 * A URL as it may be printed or logged: an upstream URL may carry a user and password
 * (`https://user:secret@host`), which never reach a log or a terminal. No trailing slash.
 */
export function printableUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.href.replace(/\/+$/, "");
}

import { createServer } from "node:net";

export interface ListenTarget {
  port: number;
  host: string;
  /** The variables that set this address, named in the message: `PORT` and `HOST`, or `FLINKS_MOCK_URL`. */
  portVariable: string;
  hostVariable: string;
}

/**
 * What to tell a person when the address cannot be listened on: names the variable to change, never
 * a stack. Undefined for an error that is not about the address.
 */
export function listenProblem(
  error: NodeJS.ErrnoException,
  { port, host, portVariable, hostVariable }: ListenTarget,
): string | undefined {
  switch (error.code) {
    case "EADDRINUSE":
      return `Port ${port} is already in use (listening on ${host}:${port} failed: EADDRINUSE). Stop what holds it (another pnpm start?), or set ${portVariable} to a free port.`;
    case "EACCES":
      return `Port ${port} on ${host} needs privileges this user lacks (ports below 1024 usually do): set ${portVariable} to a port from 1024 up.`;
    case "EADDRNOTAVAIL":
      return `${host} is not an address of this machine: set ${hostVariable} to one of its addresses, e.g. 127.0.0.1.`;
    default:
      return undefined;
  }
}

/**
 * Whether host:port can be listened on right now, found by listening and closing at once: it sees a port
 * held on any address that conflicts (0.0.0.0, ::, another loopback address), which connecting to
 * 127.0.0.1 does not. Resolves with the error, or undefined when the address is free.
 */
export function tryListen(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
