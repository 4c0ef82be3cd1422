import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type FakeFlinks, startFakeFlinks } from "@flinks-authorize/kit/fake-flinks";
import { type GatewayProcess, startGateway } from "@flinks-authorize/kit/gateway";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { AUTHORIZE, authorized, CALLER_KEY, LOGIN_ID } from "../harness.js";
import { postGraphQL } from "./support.js";

// The production entry: scripts/build.ts bundles src/main.ts into one ESM file that plain `node` runs
// with no TypeScript loader. The run's bundle (build-bundle.ts) sits in a temporary folder: started there
// with the production flags, and asked for one authorize.
let upstream: FakeFlinks;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await startFakeFlinks();
  const bundle = inject("gatewayBundle");
  gateway = await startGateway({
    entry: bundle,
    cwd: dirname(bundle),
    env: {
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      FLINKS_BASE_URL: upstream.url,
      FLINKS_SECRET_KEY: "build-test-key",
      GATEWAY_API_KEYS: CALLER_KEY,
    },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

describe("the production bundle", () => {
  test("starts from a folder with no node_modules and serves authorize", async () => {
    const data = await postGraphQL(gateway.port, AUTHORIZE, { input: { loginId: LOGIN_ID } });
    expect(data.authorize).toMatchObject({ __typename: "Authorized", requestId: authorized.RequestId });
  });
});

describe("what the bundle loads at start", () => {
  // Metrics and traces are dynamic imports (observability.ts): their libraries sit in chunks/, which a
  // gateway with them off never loads.
  test("neither prom-client nor OpenTelemetry is in the entry; both are in chunks", () => {
    const bundle = inject("gatewayBundle");
    const entry = readFileSync(bundle, "utf8");
    const chunks = readdirSync(join(dirname(bundle), "chunks"))
      .filter((name) => name.endsWith(".mjs"))
      .map((name) => readFileSync(join(dirname(bundle), "chunks", name), "utf8"));
    for (const marker of ["collectDefaultMetrics", "NodeTracerProvider", "UndiciInstrumentation"]) {
      expect(entry, marker).not.toContain(marker);
      expect(
        chunks.some((chunk) => chunk.includes(marker)),
        marker,
      ).toBe(true);
    }
  });
});
