import { buildServer } from "../../scripts/build.js";

/**
 * Bundles a bench entry (bench/gateway-variant.ts) exactly as scripts/build.ts bundles src/server.ts for
 * production, so lever variants run as the shipped artifact does: one ESM file under plain node.
 */
export const bundleEntry = (entry: string, outfile: string): Promise<string> => buildServer(outfile, entry);
