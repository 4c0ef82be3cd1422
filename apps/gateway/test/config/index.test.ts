import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_MOCK_URL, loadConfig, TOOLBOX_CUSTOMER_ID } from "../../src/config/index.js";

const SECRET = "live-secret-key";
/** Caller authentication: required whenever an upstream is configured. */
const KEYS = { GATEWAY_API_KEYS: "caller-key-0123456789abcdef" };
const CUSTOMER_ID = "0b4a1c1e-8d6f-4f5a-9e2b-3c7d8e9f0a1b";

/** Calls loadConfig and returns the ConfigError it throws; fails the test if it does not throw one. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(Object.keys(env))}`);
}

describe("loadConfig defaults", () => {
  it("with no environment: mock mode on Prism, loopback port 4000, the toolbox customer, the budgets", () => {
    expect(loadConfig({})).toMatchObject({
      nodeEnv: "development",
      port: 4000,
      host: "127.0.0.1",
      mode: "mock",
      flinks: {
        baseUrl: "http://127.0.0.1:4010",
        instance: undefined,
        customerId: TOOLBOX_CUSTOMER_ID,
        secretKey: expect.any(String),
        timeoutMs: 30_000,
        liveTimeoutMs: 240_000,
        tokenTimeoutMs: 10_000,
        maxInFlight: 2_500,
        slotWaitMs: 250,
      },
      introspection: true,
      logLevel: "info",
      shutdownGraceMs: 30_000,
    });
    expect(DEFAULT_MOCK_URL).toBe("http://127.0.0.1:4010");
    expect(TOOLBOX_CUSTOMER_ID).toBe("43387ca6-0391-4c82-857d-70d95f087ecb");
  });

  it("mock mode needs no secret key, and uses FLINKS_MOCK_URL when set", () => {
    const config = loadConfig({ FLINKS_MOCK_URL: "http://127.0.0.1:5999" });
    expect(config.mode).toBe("mock");
    expect(config.flinks.baseUrl).toBe("http://127.0.0.1:5999");
    expect(config.flinks.secretKey.length).toBeGreaterThan(0);
  });

  it("reads every variable when valid", () => {
    const config = loadConfig({
      NODE_ENV: "test",
      PORT: "8080",
      HOST: "127.0.0.1",
      FLINKS_INSTANCE: "acme",
      FLINKS_CUSTOMER_ID: CUSTOMER_ID,
      FLINKS_SECRET_KEY: SECRET,
      FLINKS_TIMEOUT_MS: "1500",
      FLINKS_LIVE_TIMEOUT_MS: "300000",
      FLINKS_TOKEN_TIMEOUT_MS: "2000",
      FLINKS_MAX_IN_FLIGHT: "100",
      FLINKS_SLOT_WAIT_MS: "0",
      GATEWAY_MAX_CONNECTIONS: "1000",
      GATEWAY_SHUTDOWN_GRACE_MS: "0",
      ...KEYS,
    });
    expect(config).toMatchObject({
      nodeEnv: "test",
      port: 8080,
      host: "127.0.0.1",
      mode: "live",
      flinks: {
        baseUrl: undefined,
        instance: "acme",
        customerId: CUSTOMER_ID,
        secretKey: SECRET,
        timeoutMs: 1500,
        liveTimeoutMs: 300_000,
        tokenTimeoutMs: 2_000,
        maxInFlight: 100,
        slotWaitMs: 0,
      },
      maxConnections: 1_000,
      shutdownGraceMs: 0,
      apiKeys: [{ name: "key-1", key: KEYS.GATEWAY_API_KEYS }],
    });
  });
});

describe("loadConfig upstream selection", () => {
  it("FLINKS_INSTANCE selects live mode with that instance and no base URL", () => {
    const config = loadConfig({ FLINKS_INSTANCE: "toolbox", FLINKS_SECRET_KEY: SECRET, ...KEYS });
    expect(config.mode).toBe("live");
    expect(config.flinks.instance).toBe("toolbox");
    expect(config.flinks.baseUrl).toBeUndefined();
    expect(config.flinks.secretKey).toBe(SECRET);
  });

  it("FLINKS_BASE_URL selects live mode with that base URL and no instance", () => {
    const config = loadConfig({
      FLINKS_BASE_URL: "https://flinks.example.test",
      FLINKS_SECRET_KEY: SECRET,
      ...KEYS,
      // Ignored in live mode.
      FLINKS_MOCK_URL: "http://127.0.0.1:5999",
    });
    expect(config.mode).toBe("live");
    expect(config.flinks.baseUrl).toBe("https://flinks.example.test");
    expect(config.flinks.instance).toBeUndefined();
    expect(config.flinks.secretKey).toBe(SECRET);
  });

  it("both FLINKS_INSTANCE and FLINKS_BASE_URL: a ConfigError naming FLINKS_BASE_URL", () => {
    const error = configError({
      FLINKS_INSTANCE: "toolbox",
      FLINKS_BASE_URL: "https://flinks.example.test",
      FLINKS_SECRET_KEY: SECRET,
    });
    expect(error.name).toBe("ConfigError");
    expect(error.message).toContain("FLINKS_BASE_URL");
  });

  it.each([
    ["FLINKS_INSTANCE", { FLINKS_INSTANCE: "toolbox" }],
    ["FLINKS_BASE_URL", { FLINKS_BASE_URL: "https://flinks.example.test" }],
    [
      "FLINKS_BASE_URL with a blank key",
      { FLINKS_BASE_URL: "https://flinks.example.test", FLINKS_SECRET_KEY: "  " },
    ],
  ])("live mode (%s) without FLINKS_SECRET_KEY: a ConfigError naming FLINKS_SECRET_KEY", (_label, env) => {
    expect(configError(env).message).toContain("FLINKS_SECRET_KEY");
  });
});

describe("safe in every mode", () => {
  const live = { FLINKS_INSTANCE: "toolbox", FLINKS_SECRET_KEY: SECRET };

  it.each([
    ["live mode without NODE_ENV", live],
    ["live mode in development", { ...live, NODE_ENV: "development" }],
    ["production", { ...live, NODE_ENV: "production" }],
  ])("%s requires caller authentication", (_, env) => {
    expect(configError(env).message).toMatch(/GATEWAY_API_KEYS: is required/);
  });

  it("live mode binds loopback and keeps GraphiQL and introspection off unless asked", () => {
    expect(loadConfig({ ...live, ...KEYS })).toMatchObject({ host: "127.0.0.1", introspection: false });
    expect(loadConfig({ ...live, ...KEYS, HOST: "0.0.0.0", GATEWAY_INTROSPECTION: "true" })).toMatchObject({
      host: "0.0.0.0",
      introspection: true,
    });
  });

  it("production refuses mock mode, naming the variables to set", () => {
    const message = configError({ NODE_ENV: "production", ...KEYS }).message;
    expect(message).toContain("FLINKS_INSTANCE: is required with NODE_ENV=production (or FLINKS_BASE_URL)");
    // Everything else production needs, in the same run.
    expect(configError({ NODE_ENV: "production" }).message.split("\n").slice(1)).toEqual([
      expect.stringMatching(/^ {2}- FLINKS_INSTANCE: /),
      expect.stringMatching(/^ {2}- GATEWAY_API_KEYS: /),
      expect.stringMatching(/^ {2}- FLINKS_SECRET_KEY: is required with NODE_ENV=production$/),
    ]);
  });

  it("production logs at warn unless LOG_LEVEL says otherwise", () => {
    const production = { ...live, ...KEYS, NODE_ENV: "production" };
    expect(loadConfig(production).logLevel).toBe("warn");
    expect(loadConfig({ ...production, LOG_LEVEL: "info" }).logLevel).toBe("info");
  });
});

describe("loadConfig rejects invalid values, naming the variable", () => {
  const live = { FLINKS_INSTANCE: "toolbox", FLINKS_SECRET_KEY: SECRET };
  it.each<[string, Record<string, string>]>([
    ["PORT", { PORT: "abc" }],
    ["PORT", { PORT: "70000" }],
    ["PORT", { PORT: "-1" }],
    ["PORT", { PORT: "80.5" }],
    ["FLINKS_TIMEOUT_MS", { FLINKS_TIMEOUT_MS: "0" }],
    ["FLINKS_TIMEOUT_MS", { FLINKS_TIMEOUT_MS: "600001" }],
    ["FLINKS_TIMEOUT_MS", { FLINKS_TIMEOUT_MS: "ten" }],
    ["FLINKS_CUSTOMER_ID", { FLINKS_CUSTOMER_ID: "not-a-guid" }],
    ["FLINKS_CUSTOMER_ID", { FLINKS_CUSTOMER_ID: "43387ca6-0391-4c82-857d-70d95f087ec" }],
    ["FLINKS_BASE_URL", { FLINKS_BASE_URL: "ftp://flinks.example.test", FLINKS_SECRET_KEY: SECRET }],
    ["FLINKS_BASE_URL", { FLINKS_BASE_URL: "file:///etc/passwd", FLINKS_SECRET_KEY: SECRET }],
    ["FLINKS_BASE_URL", { FLINKS_BASE_URL: "not a url", FLINKS_SECRET_KEY: SECRET }],
    ["FLINKS_MOCK_URL", { FLINKS_MOCK_URL: "ws://127.0.0.1:4010" }],
    ["FLINKS_INSTANCE", { FLINKS_INSTANCE: "evil.example.com/", FLINKS_SECRET_KEY: SECRET }],
    ["NODE_ENV", { NODE_ENV: "staging" }],
    ["FLINKS_LIVE_TIMEOUT_MS", { FLINKS_LIVE_TIMEOUT_MS: "900001" }],
    ["FLINKS_TOKEN_TIMEOUT_MS", { FLINKS_TOKEN_TIMEOUT_MS: "0" }],
    ["FLINKS_MAX_IN_FLIGHT", { FLINKS_MAX_IN_FLIGHT: "0" }],
    ["FLINKS_SLOT_WAIT_MS", { FLINKS_SLOT_WAIT_MS: "a while" }],
    ["GATEWAY_MAX_CONNECTIONS", { GATEWAY_MAX_CONNECTIONS: "-5" }],
    ["GATEWAY_SHUTDOWN_GRACE_MS", { GATEWAY_SHUTDOWN_GRACE_MS: "30s" }],
    ["GATEWAY_SHUTDOWN_GRACE_MS", { GATEWAY_SHUTDOWN_GRACE_MS: "3600001" }],
  ])("%s in %j", (variable, env) => {
    const error = configError(env);
    expect(error.message).toContain(`  - ${variable}: `);
    expect(error.message).toMatch(/^Invalid gateway configuration:/);
    // One line, naming it once, at its start.
    const lines = error.message.split("\n").filter((line) => line.startsWith(`  - ${variable}: `));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.split(variable)).toHaveLength(2);
  });

  it("accepts the bounds: PORT 0 and 65535, FLINKS_TIMEOUT_MS 1 and 600000", () => {
    expect(loadConfig({ PORT: "0" }).port).toBe(0);
    expect(loadConfig({ PORT: "65535" }).port).toBe(65_535);
    expect(loadConfig({ FLINKS_TIMEOUT_MS: "1" }).flinks.timeoutMs).toBe(1);
    expect(loadConfig({ FLINKS_TIMEOUT_MS: "600000" }).flinks.timeoutMs).toBe(600_000);
  });

  it("reports every invalid variable at once, one line each", () => {
    const message = configError({ ...live, PORT: "abc", FLINKS_TIMEOUT_MS: "0" }).message;
    expect(message).toContain("  - PORT: must be a whole number");
    expect(message).toContain("  - FLINKS_TIMEOUT_MS: must be at least 1");
    expect(message.split("\n").filter((line) => line.startsWith("  - PORT"))).toHaveLength(1);
  });
});

describe("loadConfig blank values", () => {
  it.each(["", " ", "\t", "  \n "])("treats %j as unset for every variable", (blank) => {
    const config = loadConfig({
      NODE_ENV: blank,
      PORT: blank,
      HOST: blank,
      FLINKS_INSTANCE: blank,
      FLINKS_BASE_URL: blank,
      FLINKS_MOCK_URL: blank,
      FLINKS_CUSTOMER_ID: blank,
      FLINKS_SECRET_KEY: blank,
      FLINKS_TIMEOUT_MS: blank,
    });
    expect(config).toEqual(loadConfig({}));
    expect(config.mode).toBe("mock");
  });

  it("a blank FLINKS_BASE_URL next to FLINKS_INSTANCE is not 'both set'", () => {
    const config = loadConfig({
      FLINKS_INSTANCE: "toolbox",
      FLINKS_BASE_URL: "   ",
      FLINKS_SECRET_KEY: SECRET,
      ...KEYS,
    });
    expect(config.mode).toBe("live");
    expect(config.flinks.instance).toBe("toolbox");
  });

  it("undefined values are unset", () => {
    expect(loadConfig({ PORT: undefined, FLINKS_INSTANCE: undefined })).toEqual(loadConfig({}));
  });
});

describe("ConfigError never quotes the secret", () => {
  const CANARY = "canary-s3cr3t-7f1d9a0c";
  it.each<[string, Record<string, string>]>([
    ["PORT", { FLINKS_INSTANCE: "toolbox", PORT: "abc" }],
    ["FLINKS_TIMEOUT_MS", { FLINKS_INSTANCE: "toolbox", FLINKS_TIMEOUT_MS: "0" }],
    ["FLINKS_CUSTOMER_ID", { FLINKS_INSTANCE: "toolbox", FLINKS_CUSTOMER_ID: "nope" }],
    ["FLINKS_BASE_URL", { FLINKS_BASE_URL: "ftp://flinks.example.test" }],
    ["FLINKS_BASE_URL", { FLINKS_INSTANCE: "toolbox", FLINKS_BASE_URL: "https://flinks.example.test" }],
    ["FLINKS_INSTANCE", { FLINKS_INSTANCE: "bad_instance!" }],
    ["PORT", { PORT: "99999" }],
  ])("when %s is invalid", (variable, env) => {
    const error = configError({ ...env, FLINKS_SECRET_KEY: CANARY });
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain(CANARY);
    expect(String(error)).not.toContain(CANARY);
    expect(error.stack ?? "").not.toContain(CANARY);
    expect(JSON.stringify(error)).not.toContain(CANARY);
  });

  it("nor a secret value reused as another variable's invalid value", () => {
    // The secret also appears as another variable's invalid value: the message still never quotes it.
    const error = configError({
      FLINKS_SECRET_KEY: CANARY,
      FLINKS_INSTANCE: "toolbox",
      FLINKS_CUSTOMER_ID: CANARY,
    });
    expect(error.message).toContain("FLINKS_CUSTOMER_ID");
    expect(error.message).not.toContain(CANARY);
  });
});
