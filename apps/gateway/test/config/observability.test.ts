import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/index.js";

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: "test", ...env });

describe("metrics and traces configuration", () => {
  test("both off unless asked for", () => {
    expect(load({})).toMatchObject({ metrics: undefined, tracing: undefined });
    expect(
      load({ OTEL_SERVICE_NAME: "x", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).tracing,
    ).toBeUndefined();
  });

  test("the metrics port binds HOST unless GATEWAY_METRICS_HOST says otherwise, and is never PORT", () => {
    expect(load({ GATEWAY_METRICS_PORT: "9464" }).metrics).toEqual({ port: 9464, host: "127.0.0.1" });
    expect(load({ GATEWAY_METRICS_PORT: "9464", HOST: "0.0.0.0" }).metrics?.host).toBe("0.0.0.0");
    expect(load({ GATEWAY_METRICS_PORT: "9464", GATEWAY_METRICS_HOST: "10.0.0.5" }).metrics?.host).toBe(
      "10.0.0.5",
    );
    expect(() => load({ PORT: "4000", GATEWAY_METRICS_PORT: "4000" })).toThrow(
      /GATEWAY_METRICS_PORT: must differ/,
    );
  });

  test("traces from the standard variables: the endpoint, the exporter, the kill switch", () => {
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).tracing).toEqual({
      endpoint: "http://collector:4318/v1/traces",
      serviceName: "flinks-authorize-gateway",
    });
    expect(
      load({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b/traces",
      }).tracing?.endpoint,
    ).toBe("http://b/traces");
    expect(load({ OTEL_TRACES_EXPORTER: "otlp" }).tracing?.endpoint).toBe("http://localhost:4318/v1/traces");
    expect(
      load({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_TRACES_EXPORTER: "none" }).tracing,
    ).toBeUndefined();
    expect(
      load({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_SDK_DISABLED: "true" }).tracing,
    ).toBeUndefined();
  });

  test.each([
    ["OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"],
    ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"],
    ["OTEL_TRACES_EXPORTER", "zipkin"],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"],
    ["GATEWAY_METRICS_PORT", "0"],
  ])("%s=%s stops the gateway, naming the variable", (variable, value) => {
    expect(() => load({ [variable]: value })).toThrow(ConfigError);
    expect(() => load({ [variable]: value })).toThrow(new RegExp(`- ${variable}:`));
  });
});
