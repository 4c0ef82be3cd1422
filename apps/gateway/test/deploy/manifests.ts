import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { parseAllDocuments } from "yaml";

/**
 * The Kubernetes manifests as tests read them, and their validation offline. kubernetes-models 4.5.1 (5.x
 * needs Node 22) validates each object against the Kubernetes OpenAPI schema it was generated from:
 * types, enums, required fields, formats. Its validators ignore fields the schema does not have, so a
 * misspelled `readinesProbe` would pass and be dropped by the API server. The strict pass runs the same
 * validators on a proxy that records every field they read: the schema reads each field it knows, so a
 * field never read is one it does not know.
 */

export const KUBERNETES_DIR = fileURLToPath(new URL("../../deploy/kubernetes/", import.meta.url));

/** Parsed YAML, for tests to assert on; manifestProblems holds it to the Kubernetes schema. */
// biome-ignore lint/suspicious/noExplicitAny: its shape is what the tests check, one field at a time.
export type Json = Record<string, any>;

/** The Kubernetes kinds the manifests may use, each with the model that validates it. */
const MODELS: Record<string, { prototype: { validate(): void } }> = {
  "apps/v1 Deployment": Deployment,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1 NetworkPolicy": NetworkPolicy,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "v1 ConfigMap": ConfigMap,
  "v1 Secret": Secret,
  "v1 Service": Service,
};

/** Each problem of one Kubernetes object: schema violations, then fields the schema does not know. */
export function manifestProblems(object: Json): string[] {
  const kind = `${object.apiVersion} ${object.kind}`;
  const model = MODELS[kind];
  if (!model) return [`${kind}: no model to validate it (add one to MODELS)`];
  const read = new Set<string>();
  const seen = new Set<string>();
  const problems: string[] = [];
  try {
    model.prototype.validate.call(track(object, "", read, seen));
  } catch (error) {
    problems.push(`${kind}: ${(error as Error).message}`);
  }
  for (const path of seen) {
    if (!read.has(path)) problems.push(`${kind}: unknown field ${path}`);
  }
  return problems;
}

/** A view of `value` that records, as `/a/b/0/c`, each object field read through it. */
function track(value: unknown, path: string, read: Set<string>, seen: Set<string>): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (!Array.isArray(value)) for (const key of Object.keys(value)) seen.add(`${path}/${key}`);
  return new Proxy(value, {
    get(target, key, receiver) {
      const field = Reflect.get(target, key, receiver);
      if (typeof key !== "string" || !Object.hasOwn(target, key)) return field;
      if (!Array.isArray(target)) read.add(`${path}/${key}`);
      return track(field, `${path}/${key}`, read, seen);
    },
  });
}

export interface Document {
  /** Relative to KUBERNETES_DIR. */
  file: string;
  object: Json;
}

/** Every YAML document of a file under KUBERNETES_DIR. */
export function documentsOf(file: string): Document[] {
  return parseAllDocuments(readFileSync(join(KUBERNETES_DIR, file), "utf8")).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
    return { file, object: document.toJS() as Json };
  });
}

/** A kustomization (or component) file's fields this project uses; kustomize rejects unknown ones. */
const KUSTOMIZATION_FIELDS = new Set([
  "apiVersion",
  "kind",
  "resources",
  "components",
  "configMapGenerator",
  "images",
]);

export interface Kustomization {
  dir: string;
  object: Json;
  /** Files and folders it names that do not exist, and fields it should not have. */
  problems: string[];
  /** The documents of its resources that are files. */
  documents: Document[];
  /** The env files of its configMapGenerator, merged: name → value. */
  generatedEnv: Record<string, string>;
}

/** A kustomization.yaml of KUBERNETES_DIR (`dir` relative to it: "" or "with-redis"). */
export function readKustomization(dir: string): Kustomization {
  const [only] = documentsOf(join(dir, "kustomization.yaml"));
  const object = only?.object ?? {};
  const problems = Object.keys(object)
    .filter((field) => !KUSTOMIZATION_FIELDS.has(field))
    .map((field) => `${dir || "."}/kustomization.yaml: unknown field ${field}`);
  const documents: Document[] = [];
  const named = (path: string) => {
    const exists = existsSync(join(KUBERNETES_DIR, dir, path));
    if (!exists) problems.push(`${dir || "."}/kustomization.yaml names ${path}, which does not exist`);
    return exists;
  };
  for (const resource of (object.resources as string[] | undefined) ?? []) {
    if (named(resource) && statSync(join(KUBERNETES_DIR, dir, resource)).isFile()) {
      documents.push(...documentsOf(join(dir, resource)));
    }
  }
  for (const component of (object.components as string[] | undefined) ?? []) named(component);
  const generatedEnv: Record<string, string> = {};
  for (const generator of (object.configMapGenerator as Json[] | undefined) ?? []) {
    for (const envFile of (generator.envs as string[] | undefined) ?? []) {
      if (named(envFile)) Object.assign(generatedEnv, envFileValues(join(dir, envFile)));
    }
    for (const literal of (generator.literals as string[] | undefined) ?? []) {
      const [name, ...value] = literal.split("=");
      generatedEnv[name as string] = value.join("=");
    }
  }
  return { dir, object, problems, documents, generatedEnv };
}

/** A kustomize env file: NAME=value a line, `#` comments and blank lines skipped. */
export function envFileValues(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(join(KUBERNETES_DIR, file), "utf8").split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const [name, ...value] = trimmed.split("=");
    values[name as string] = value.join("=");
  }
  return values;
}

export const labelsOf = (object: Json): Json =>
  ((object.metadata as Json | undefined)?.labels as Json | undefined) ?? {};

/** The one object of `kind` among `documents` (with that `app.kubernetes.io/component` label, if given). */
export function only(documents: Document[], kind: string, component?: string): Json {
  const found = documents.filter(
    ({ object }) =>
      object.kind === kind &&
      (component === undefined || labelsOf(object)["app.kubernetes.io/component"] === component),
  );
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return (found[0] as Document).object;
}
