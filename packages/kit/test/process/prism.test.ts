import { describe, expect, test } from "vitest";
import { startPrism } from "../../src/prism.js";
import { isRunning } from "../../src/processes.js";

describe("startPrism", () => {
  test("serves the spec on a loopback port, and stop() ends the process", async () => {
    const prism = await startPrism({ mode: "mock" });
    try {
      expect(prism.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(
        `${prism.url}/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/GenerateAuthorizeToken`,
        { method: "POST", headers: { "flinks-auth-key": "secret" } },
      );
      expect(response.status).toBe(200);
      expect(isRunning(prism.pid)).toBe(true);
    } finally {
      await prism.stop();
    }
    expect(isRunning(prism.pid)).toBe(false);
    await prism.stop();
  });

  test("a document Prism cannot load rejects with Prism's output once Prism has exited", async () => {
    await expect(startPrism({ mode: "mock", document: "/nonexistent/openapi.yaml" })).rejects.toThrow(
      /exited before it was ready[\s\S]*nonexistent/,
    );
  });
});
