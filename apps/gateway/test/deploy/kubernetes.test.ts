import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "../../src/config/index.js";
import { imageUser, readDockerfile } from "./dockerfile-rules.js";
import {
  type Document,
  documentsOf,
  type Json,
  manifestProblems,
  only,
  readKustomization,
} from "./manifests.js";

// Offline: no cluster, no kubectl. Each manifest against the Kubernetes schema (types and unknown
// fields), then what the schema cannot see: references between the objects, and to the gateway itself.
// test/process/kustomize.test.ts renders them with kubectl's kustomize where kubectl is installed.

/** What the gateway's pods carry, and the Service, PDB, HPA and spread constraints select. */
const GATEWAY_POD = {
  "app.kubernetes.io/name": "flinks-authorize-gateway",
  "app.kubernetes.io/component": "gateway",
};

const base = readKustomization("");
const redis = readKustomization("with-redis");
const [secretExample] = documentsOf("secret.example.yaml") as [Document];
const deployment = only(base.documents, "Deployment") as Json;
const pod = deployment.spec.template as Json;
const [container] = pod.spec.containers as [Json];
const env = { ...base.generatedEnv, ...secretExample.object.stringData } as Record<string, string>;

describe("the kustomizations", () => {
  it.each([
    ["the base", base],
    ["with-redis", redis],
  ])("%s: every file it names exists, and it has no field kustomize would refuse", (_, kustomization) => {
    expect(kustomization.problems).toEqual([]);
    expect(kustomization.documents.length).toBeGreaterThan(0);
  });

  it("the base is a Kustomization, with-redis a Component it can include", () => {
    expect(base.object.kind).toBe("Kustomization");
    expect(redis.object.kind).toBe("Component");
    // Enabled by uncommenting, so the commented line must name the real folder.
    expect(
      readFileSync(new URL("../../deploy/kubernetes/kustomization.yaml", import.meta.url), "utf8"),
    ).toMatch(/^# components:\n#\s+- with-redis$/m);
  });

  it("the example Secret is not applied by default", () => {
    expect(base.object.resources).not.toContain("secret.example.yaml");
  });
});

describe("every manifest against the Kubernetes schema", () => {
  const all = [...base.documents, ...redis.documents, secretExample];
  const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "generated" }, data: env };

  it.each(all.map((document) => [`${document.file}: ${document.object.kind}`, document.object] as const))(
    "%s",
    (_, object) => {
      expect(manifestProblems(object)).toEqual([]);
    },
  );

  it("the generated ConfigMap", () => {
    expect(manifestProblems(configMap)).toEqual([]);
  });
});

describe("the validation catches", () => {
  const broken = () => structuredClone(deployment);

  it("a misspelled field", () => {
    const changed = broken();
    changed.spec.template.spec.containers[0].readinesProbe = container.readinessProbe;
    expect(manifestProblems(changed)).toEqual([
      "apps/v1 Deployment: unknown field /spec/template/spec/containers/0/readinesProbe",
    ]);
  });

  it("a wrong type", () => {
    const changed = broken();
    changed.spec.replicas = "2";
    expect(manifestProblems(changed)).toEqual(["apps/v1 Deployment: data/spec/replicas must be integer"]);
  });

  it("a value outside an enum", () => {
    const changed = broken();
    changed.spec.template.spec.securityContext.seccompProfile.type = "Default";
    expect(manifestProblems(changed).join("\n")).toContain("seccompProfile/type must be equal to one of");
  });

  it("a kind it has no model for", () => {
    expect(manifestProblems({ apiVersion: "v1", kind: "Pod" })).toEqual([
      "v1 Pod: no model to validate it (add one to MODELS)",
    ]);
  });
});

describe("references between the objects", () => {
  const ports = (container.ports as Json[]).map((port) => port.name);

  it("the pods carry the labels the Deployment, Service, PDB and spread constraints select", () => {
    expect(pod.metadata.labels).toEqual(GATEWAY_POD);
    expect(deployment.spec.selector.matchLabels).toEqual(GATEWAY_POD);
    expect(only(base.documents, "Service").spec.selector).toEqual(GATEWAY_POD);
    expect(only(base.documents, "PodDisruptionBudget").spec.selector.matchLabels).toEqual(GATEWAY_POD);
    for (const constraint of pod.spec.topologySpreadConstraints) {
      expect(constraint.labelSelector.matchLabels).toEqual(GATEWAY_POD);
    }
  });

  it("the Service exposes the GraphQL port alone, by the container's port name", () => {
    const servicePorts = only(base.documents, "Service").spec.ports as Json[];
    expect(servicePorts.map((port) => port.targetPort)).toEqual(["http"]);
    expect(ports).toContain("http");
    const http = (container.ports as Json[]).find((port) => port.name === "http");
    expect(http?.containerPort).toBe(Number(env.PORT));
  });

  it("the probes ask the container's GraphQL port: liveness and startup /health, readiness /ready", () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    expect(container.startupProbe.httpGet).toEqual({ path: "/health", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/ready", port: "http" });
  });

  it("the metrics port is the configured one, annotated for scraping, and not on the Service", () => {
    const metrics = (container.ports as Json[]).find((port) => port.name === "metrics");
    expect(metrics?.containerPort).toBe(Number(env.GATEWAY_METRICS_PORT));
    expect(pod.metadata.annotations["prometheus.io/port"]).toBe(env.GATEWAY_METRICS_PORT);
    expect(JSON.stringify(only(base.documents, "Service"))).not.toContain("metrics");
  });

  it("the metrics port admits only the scraper; the GraphQL port anyone", () => {
    const policy = only(base.documents, "NetworkPolicy") as Json;
    expect(policy.spec.podSelector.matchLabels).toEqual(GATEWAY_POD);
    expect(policy.spec.policyTypes).toEqual(["Ingress"]);
    const rules = policy.spec.ingress as Json[];
    const portsOf = (rule: Json) => (rule.ports as Json[]).map((port) => port.port);
    const metrics = rules.filter((rule) => portsOf(rule).includes("metrics"));
    expect(metrics).toHaveLength(1);
    expect(metrics[0]?.from?.length).toBeGreaterThan(0);
    expect(metrics[0]?.from.every((peer: Json) => peer.podSelector && peer.namespaceSelector)).toBe(true);
    // No rule without `from` opens the metrics port; the GraphQL port's rule opens nothing else.
    const open = rules.filter((rule) => rule.from === undefined);
    expect(open.flatMap(portsOf)).toEqual(["http"]);
    const named = (container.ports as Json[]).map((port) => port.name);
    expect(named).toEqual(expect.arrayContaining(["http", "metrics"]));
  });

  it("the HPA scales this Deployment; the Deployment starts at the HPA's minimum", () => {
    const hpa = only(base.documents, "HorizontalPodAutoscaler").spec;
    expect(hpa.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: deployment.metadata.name,
    });
    expect(deployment.spec.replicas).toBe(hpa.minReplicas);
    expect(hpa.metrics.map((metric: Json) => metric.resource.name)).toEqual(["cpu"]);
  });

  it("the pods read the ConfigMap the base generates, and the Secret the example describes", () => {
    const [generator] = base.object.configMapGenerator as [Json];
    expect(container.envFrom).toEqual([{ configMapRef: { name: generator.name } }]);
    const references = (container.env as Json[]).map((variable) => variable.valueFrom.secretKeyRef);
    for (const reference of references) {
      expect(reference.name).toBe(secretExample.object.metadata.name);
      expect(Object.keys(secretExample.object.stringData)).toContain(reference.key);
    }
    expect(references.map((reference) => reference.key).sort()).toEqual(
      Object.keys(secretExample.object.stringData).sort(),
    );
  });

  it("with-redis merges REDIS_URL into that ConfigMap, naming its own Service", () => {
    const [generator] = redis.object.configMapGenerator as [Json];
    expect(generator).toMatchObject({ name: base.object.configMapGenerator[0].name, behavior: "merge" });
    const service = only(redis.documents, "Service", "redis");
    const url = new URL(redis.generatedEnv.REDIS_URL as string);
    expect(url.hostname).toBe(service.metadata.name);
    expect(Number(url.port)).toBe(service.spec.ports[0].port);
    expect(only(redis.documents, "NetworkPolicy").spec.ingress[0].from[0].podSelector.matchLabels).toEqual(
      GATEWAY_POD,
    );
  });
});

describe("the gateway in the pod", () => {
  it("runs the image's CMD (node with the production flags): no command or args override it", () => {
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    const images = base.object.images as Json[];
    expect(images.map((image) => image.name)).toContain(container.image);
  });

  it("runs as the image's user", () => {
    const [uid, gid] = (imageUser(readDockerfile()) ?? "").split(":").map(Number);
    expect(pod.spec.securityContext).toMatchObject({ runAsUser: uid, runAsGroup: gid });
  });

  it("reads only variables the gateway knows", () => {
    const names = [
      ...Object.keys(base.generatedEnv),
      ...Object.keys(redis.generatedEnv),
      ...(container.env as Json[]).map((variable) => variable.name),
    ];
    const known = new Set(CONFIG_VARIABLES);
    expect(names.filter((name) => !known.has(name))).toEqual([]);
  });

  it("refuses to start on the example Secret's placeholders, naming GATEWAY_API_KEYS", () => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/GATEWAY_API_KEYS/);
  });

  it("starts with the ConfigMap and a filled-in Secret, in production against a live upstream", () => {
    const filled = { ...env, GATEWAY_API_KEYS: "service:a-key-of-sixteen-chars-or-more" };
    const config = loadConfig(filled);
    expect(config).toMatchObject({ nodeEnv: "production", mode: "live", host: "0.0.0.0" });
    expect(loadConfig({ ...filled, ...redis.generatedEnv }).redis?.url).toBe(redis.generatedEnv.REDIS_URL);
  });

  it("is given longer than its drain to stop: preStop + GATEWAY_SHUTDOWN_GRACE_MS + 10 s", () => {
    const [sleep, seconds] = container.lifecycle.preStop.exec.command;
    expect(sleep).toBe("sleep");
    const needed = Number(seconds) + Number(env.GATEWAY_SHUTDOWN_GRACE_MS) / 1000 + 10;
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(needed);
  });
});

describe("hardening, on every container", () => {
  const pods = [pod, only(redis.documents, "Deployment", "redis").spec.template] as Json[];

  it.each(pods.map((template) => [template.metadata.labels["app.kubernetes.io/component"], template]))(
    "%s: non-root, read-only root filesystem, no capabilities, no escalation, RuntimeDefault seccomp",
    (_, template) => {
      expect(template.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(template.spec.automountServiceAccountToken).toBe(false);
      expect(template.spec.enableServiceLinks).toBe(false);
      for (const each of template.spec.containers) {
        expect(each.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ["ALL"] },
        });
        expect(each.resources.limits.cpu, "no CPU limit: throttling stalls the event loop").toBeUndefined();
        expect(each.image, "pinned by tag").toMatch(/:[\w.-]+$|^flinks-authorize-gateway$/);
        expect(each.image).not.toMatch(/:latest$/);
      }
    },
  );
});

describe("sizing from the benchmark", () => {
  const results = JSON.parse(
    readFileSync(new URL("../../bench/results.json", import.meta.url), "utf8"),
  ) as Json;
  const gatewayRuns = ((results.slow?.data?.runs ?? []) as Json[]).filter(
    (run) => run.target === "gateway (production bundle)",
  );
  const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)?.[1]);
  const bytes = (quantity: string) => mebibytes(quantity) * 1024 * 1024;

  it("the memory limit is at least 25% over the highest RSS the slow benchmark measured", () => {
    expect(gatewayRuns.length, "bench/results.json has the slow scenario's gateway runs").toBeGreaterThan(0);
    const highest = Math.max(...gatewayRuns.map((run) => run.rssPeak as number));
    expect(bytes(container.resources.limits.memory)).toBeGreaterThanOrEqual(highest * 1.25);
  });

  it("the memory request covers the peak with 500 consumers", () => {
    const at500 = gatewayRuns.find((run) => run.consumers === 500);
    expect(bytes(container.resources.requests.memory)).toBeGreaterThanOrEqual(at500?.rssPeak);
  });
});
