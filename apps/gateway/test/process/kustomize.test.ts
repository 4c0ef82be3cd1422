import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { type Json, KUBERNETES_DIR, manifestProblems } from "../deploy/manifests.js";
import { blocksFor } from "../readme.js";
import { onPath } from "./support.js";

/**
 * The manifests as the cluster would receive them: rendered by kubectl's own kustomize (`kubectl
 * kustomize`, what `kubectl apply -k` runs, offline), the base alone, with the with-redis component, and
 * docs/operators/deploying.md's example overlay; every rendered object is held to the Kubernetes schema as in
 * test/deploy/kubernetes.test.ts.
 */

const ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

const KUBECTL = onPath("kubectl");
const INSTALL =
  "kubectl is not installed: these tests render the manifests with its kustomize. Install it " +
  "(https://kubernetes.io/docs/tasks/tools/; not packaged by Debian bookworm) to run them.";
if (!KUBECTL) console.warn(`Skipping the kustomize rendering tests: ${INSTALL}`);

const scratch = mkdtempSync(join(tmpdir(), "gateway-kustomize-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function render(dir: string): Promise<Json[]> {
  return new Promise((resolve, reject) => {
    execFile(
      "kubectl",
      ["kustomize", dir],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 30_000, encoding: "utf8" },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`kubectl kustomize ${dir}: ${stderr}`))
          : resolve(parseAllDocuments(stdout).map((document) => document.toJS() as Json)),
    );
  });
}

/** An overlay outside the repository: the base plus the with-redis component, as a platform team writes it. */
function withRedisOverlay(): string {
  const overlay = join(scratch, "with-redis");
  mkdirSync(overlay, { recursive: true });
  const base = relative(overlay, KUBERNETES_DIR);
  writeFileSync(
    join(overlay, "kustomization.yaml"),
    `resources:\n  - ${base}\ncomponents:\n  - ${join(base, "with-redis")}\n`,
  );
  return overlay;
}

/**
 * The overlay of docs/operators/deploying.md, as written: in a folder beside a checkout named flinks-authorize,
 * which here is a link to this repository.
 */
function readmeOverlay(): string {
  const [block] = blocksFor("yaml overlay");
  if (!block) throw new Error("The docs have no `yaml overlay` block (docs/operators/deploying.md).");
  const folder = mkdtempSync(join(scratch, "readme-"));
  symlinkSync(ROOT, join(folder, "flinks-authorize"));
  mkdirSync(join(folder, "flinks-gateway"));
  writeFileSync(join(folder, "flinks-gateway", "kustomization.yaml"), block.text);
  return join(folder, "flinks-gateway");
}

const kinds = (objects: Json[]) => objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
/** The gateway's container in the rendered Deployment. */
const gatewayContainer = (objects: Json[]): Json => {
  const deployment = objects.find(
    (object) => object.kind === "Deployment" && object.metadata.name === "flinks-authorize-gateway",
  );
  return deployment?.spec.template.spec.containers[0] ?? {};
};
const configMapOf = (objects: Json[]) => objects.find((object) => object.kind === "ConfigMap");

describe.skipIf(!KUBECTL)("kubectl kustomize", () => {
  it.each([
    ["the base", () => KUBERNETES_DIR],
    ["the base with the with-redis component", withRedisOverlay],
    ["the docs' overlay", readmeOverlay],
  ])("renders %s, each object valid against the schema", async (_, dir) => {
    const objects = await render(dir());
    expect(objects.flatMap((object) => manifestProblems(object))).toEqual([]);
    // The Secret stays out: it is the operator's to create.
    expect(objects.some((object) => object.kind === "Secret")).toBe(false);
  });

  it("the base: the gateway, its generated ConfigMap by its hashed name, the image's tag", async () => {
    const objects = await render(KUBERNETES_DIR);
    const configMap = configMapOf(objects) as Json;
    expect(kinds(objects)).toEqual([
      `ConfigMap/${configMap.metadata.name}`,
      "Deployment/flinks-authorize-gateway",
      "HorizontalPodAutoscaler/flinks-authorize-gateway",
      "NetworkPolicy/flinks-authorize-gateway",
      "PodDisruptionBudget/flinks-authorize-gateway",
      "Service/flinks-authorize-gateway",
    ]);
    expect(configMap.metadata.name).toMatch(/^flinks-authorize-gateway-[a-z0-9]{10}$/);
    const container = gatewayContainer(objects);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    expect(container.image).toBe("flinks-authorize-gateway:0.2.0");
    expect(configMap.data.REDIS_URL).toBeUndefined();
  });

  it("with-redis: Redis, its Service and NetworkPolicy, and REDIS_URL in the gateway's ConfigMap", async () => {
    const objects = await render(withRedisOverlay());
    expect(kinds(objects)).toEqual(
      expect.arrayContaining([
        "Deployment/flinks-authorize-gateway-redis",
        "NetworkPolicy/flinks-authorize-gateway-redis",
        "Service/flinks-authorize-gateway-redis",
      ]),
    );
    const configMap = configMapOf(objects) as Json;
    expect(configMap.data).toMatchObject({
      NODE_ENV: "production",
      REDIS_URL: "redis://flinks-authorize-gateway-redis:6379",
    });
    const container = gatewayContainer(objects);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
  });

  it("the docs' overlay: its namespace, its image, its settings merged into the ConfigMap", async () => {
    const objects = await render(readmeOverlay());
    expect(new Set(objects.map((object) => object.metadata.namespace))).toEqual(new Set(["flinks-gateway"]));
    expect(gatewayContainer(objects).image).toBe("registry.example.com/flinks-authorize-gateway:0.2.0");
    expect(configMapOf(objects)?.data).toMatchObject({
      NODE_ENV: "production",
      GATEWAY_CORS_ORIGINS: "https://app.example.com",
      REDIS_URL: "redis://flinks-authorize-gateway-redis:6379",
    });
  });
});
