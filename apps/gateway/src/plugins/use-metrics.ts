import {
  createCounter,
  createHistogram,
  type FillLabelsFnParams,
  usePrometheus,
} from "@graphql-yoga/plugin-prometheus";
import { type DocumentNode, Kind, parse } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Registry } from "prom-client";

/**
 * Yoga's request and phase metrics (@graphql-yoga/plugin-prometheus) on an injected registry, served
 * elsewhere (metrics-server.ts): the plugin's own `/metrics` route on the GraphQL port is off.
 *
 * Labels stay bounded. `operationName` is whatever a caller writes, so only names of operations the
 * gateway knows (the documented operations, GraphiQL's tabs, the trusted documents) are kept; any
 * other becomes `other`, and a missing one `anonymous`. No `url` label (ids and query strings), no
 * error `path`, and no summary, whose quantiles cannot be added across workers.
 */
export interface MetricsPluginOptions {
  registry: Registry;
  /** Operation names kept as labels; see `operationNamesIn`. */
  operationNames: ReadonlySet<string>;
}

export const OTHER_OPERATION = "other";
export const ANONYMOUS_OPERATION = "anonymous";

/** The names of the named operations of these documents (a document that does not parse adds none). */
export function operationNamesIn(documents: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const source of documents) {
    let document: DocumentNode;
    try {
      document = parse(source, { noLocation: true });
    } catch {
      continue;
    }
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
    }
  }
  return names;
}

/** Parse, validate, context building, execute, subscribe and whole operations: milliseconds to minutes. */
const PHASE_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 240,
];

export function useMetrics({ registry, operationNames }: MetricsPluginOptions): Plugin {
  const boundedName = (name: unknown): string =>
    typeof name !== "string" || name === "" || name === "Anonymous"
      ? ANONYMOUS_OPERATION
      : operationNames.has(name)
        ? name
        : OTHER_OPERATION;
  const operationLabels = (params: FillLabelsFnParams) => ({
    operationName: boundedName(params.operationName),
    operationType: params.operationType ?? "unknown",
  });
  const OPERATION = ["operationName", "operationType"];
  const histogram = <Phases>(name: string, help: string) =>
    createHistogram<Phases, string>({
      registry,
      histogram: { name, help, labelNames: OPERATION, buckets: PHASE_BUCKETS },
      fillLabelsFn: operationLabels,
    });

  return usePrometheus({
    registry,
    endpoint: false,
    labels: { url: false, path: false },
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: {
          name: "graphql_envelop_request",
          help: "GraphQL operations executed.",
          labelNames: OPERATION,
        },
        fillLabelsFn: operationLabels,
      }),
      graphql_envelop_request_duration: histogram(
        "graphql_envelop_request_duration",
        "Time of whole GraphQL operations (parse to execution end), in seconds.",
      ),
      graphql_envelop_phase_parse: histogram("graphql_envelop_phase_parse", "Time to parse a document."),
      graphql_envelop_phase_validate: histogram(
        "graphql_envelop_phase_validate",
        "Time to validate a document.",
      ),
      graphql_envelop_phase_context: histogram("graphql_envelop_phase_context", "Time to build the context."),
      graphql_envelop_phase_execute: histogram(
        "graphql_envelop_phase_execute",
        "Time to execute an operation (the upstream calls included).",
      ),
      graphql_envelop_phase_subscribe: histogram(
        "graphql_envelop_phase_subscribe",
        "Time to start a subscription.",
      ),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: "graphql_envelop_error_result",
          help: "GraphQL errors (not error results of the unions), by phase.",
          labelNames: [...OPERATION, "phase"],
        },
        fillLabelsFn: (params) => ({ ...operationLabels(params), phase: params.errorPhase ?? "unknown" }),
      }),
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: {
          name: "graphql_yoga_http_duration",
          help: "Time of HTTP requests that carried a GraphQL document, by status.",
          labelNames: [...OPERATION, "method", "statusCode"],
          buckets: PHASE_BUCKETS,
        },
        fillLabelsFn: (params, { request, response }) => ({
          ...operationLabels(params),
          method: request.method,
          statusCode: response.status,
        }),
      }),
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
    },
  });
}
