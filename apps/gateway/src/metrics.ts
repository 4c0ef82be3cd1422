import type { FlinksClient } from "@flinks-authorize/client";
import type { GraphQLField, GraphQLSchema } from "graphql";
import type { AuthorizeTokens } from "./authorize-tokens.js";
import { type UpstreamOperation, wrapClientCalls } from "./client-calls.js";
import {
  AccountActionRequiredError,
  GatewayAccessDeniedError,
  GatewayBusyError,
  InstitutionUnavailableError,
  InvalidCredentialsError,
  InvalidInputError,
  MfaRejectedError,
  RateLimitedError,
  SessionError,
  UnknownFlinksError,
  UpstreamContractError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "./errors.js";
import type { SessionHandles } from "./session-handle.js";
import type { SpentHandles } from "./spent-handles.js";
import type { UpstreamSlots } from "./upstream-slots.js";

/**
 * The gateway's own metrics, as the code reports them: one call per event, every label from a closed
 * set (no ids, usernames or free text), so a series count never grows with traffic. NO_METRICS when
 * GATEWAY_METRICS_PORT is unset; the Prometheus implementation is `prometheus-metrics.ts`, loaded only
 * when metrics are on.
 */
export interface GatewayMetrics {
  /** A session field answered: which field, which member of its result union, which FlinksCode. */
  sessionResult(field: SessionField, value: unknown): void;
  /** One call to Flinks settled (retries of the token mint count one each). */
  upstreamCall(operation: UpstreamOperation, outcome: string, seconds: number): void;
  /** A request found no upstream slot within FLINKS_SLOT_WAIT_MS: GatewayBusyError, nothing sent. */
  upstreamBusy(): void;
  /** Where an authorize's token came from: the pool (minted ahead) or a mint on the request path. */
  tokenTaken(source: "pool" | "request"): void;
  /** A session handle sealed into a result, or presented and opened (or refused, and why). */
  sessionHandle(step: "mfa" | "pending", event: HandleEvent): void;
  /** An abuse limit refused a session call: nothing was sent. */
  rateLimited(budget: string, scope: string): void;
  /** Gauges read at scrape time from the live components (slots, token pool). */
  watch(sources: { slots: UpstreamSlots; tokens: AuthorizeTokens }): void;
}

export type SessionField = "authorize" | "submitMfa" | "continueAuthorization" | "authorization";
export type HandleEvent = "issued" | "opened" | "expired" | "malformed" | "wrongStep" | "replayed";

export const NO_METRICS: GatewayMetrics = {
  sessionResult() {},
  upstreamCall() {},
  upstreamBusy() {},
  tokenTaken() {},
  sessionHandle() {},
  rateLimited() {},
  watch() {},
};

/** Error classes by GraphQL type name: class names may be renamed by the bundler, these may not. */
const ERROR_TYPES: ReadonlyArray<[new (...args: never[]) => Error, string]> = [
  [InvalidCredentialsError, "InvalidCredentialsError"],
  [MfaRejectedError, "MfaRejectedError"],
  [SessionError, "SessionError"],
  [AccountActionRequiredError, "AccountActionRequiredError"],
  [InstitutionUnavailableError, "InstitutionUnavailableError"],
  [GatewayAccessDeniedError, "GatewayAccessDeniedError"],
  [UnknownFlinksError, "UnknownFlinksError"],
  [UpstreamTimeoutError, "UpstreamTimeoutError"],
  [UpstreamUnavailableError, "UpstreamUnavailableError"],
  [UpstreamContractError, "UpstreamContractError"],
  [GatewayBusyError, "GatewayBusyError"],
  [RateLimitedError, "RateLimitedError"],
  [InvalidInputError, "InvalidInputError"],
];
const SUCCESS_TYPES: Record<string, string> = {
  authorized: "Authorized",
  mfaRequired: "MfaRequired",
  pending: "Pending",
};

/**
 * The result union member a session field resolved to (`other` for anything else). By constructor, not
 * `instanceof`: Pothos' errors plugin hands error results on wrapped in a proxy whose prototype chain
 * is proxied too, while its `constructor` is the error's own class.
 */
export function resultLabel(value: unknown): string {
  if (typeof value !== "object" || value === null) return "other";
  const { kind, constructor: type } = value as { kind?: unknown; constructor?: unknown };
  if (typeof kind === "string" && Object.hasOwn(SUCCESS_TYPES, kind)) return SUCCESS_TYPES[kind] ?? "other";
  return ERROR_TYPES.find(([errorType]) => errorType === type)?.[1] ?? "other";
}

/**
 * The FlinksCode of a result: the spec's codes as the FlinksCode enum holds them (results.ts maps what
 * Flinks sent onto it), `other` for a code newer than the spec, `none` for a result without one.
 */
export function codeLabel(value: unknown): string {
  const code = (value as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return "none";
  return code === "UNKNOWN" ? "other" : code;
}

/** The client, timing every call to Flinks; what the calls return is untouched. */
export function measuredClient(flinks: FlinksClient, metrics: GatewayMetrics): FlinksClient {
  if (metrics === NO_METRICS) return flinks;
  return wrapClientCalls(flinks, (operation, call) => async (...args) => {
    const started = performance.now();
    const outcome = await call(...args);
    metrics.upstreamCall(operation, outcome.kind, (performance.now() - started) / 1000);
    return outcome;
  });
}

/** The session handles, counting every handle sealed and every open by its outcome. */
export function measuredHandles(handles: SessionHandles, metrics: GatewayMetrics): SessionHandles {
  if (metrics === NO_METRICS) return handles;
  return {
    seal(session) {
      metrics.sessionHandle(session.step, "issued");
      return handles.seal(session);
    },
    open(handle, step) {
      const opened = handles.open(handle, step);
      metrics.sessionHandle(step, opened.ok ? "opened" : opened.reason);
      return opened;
    },
  };
}

/** The single-use markers, counting replays (an MFA handle presented a second time). */
export function measuredSpentHandles(spent: SpentHandles, metrics: GatewayMetrics): SpentHandles {
  if (metrics === NO_METRICS) return spent;
  return {
    async spend(id, expiresAt) {
      const fresh = await spent.spend(id, expiresAt);
      if (!fresh) metrics.sessionHandle("mfa", "replayed");
      return fresh;
    },
    restore: (id) => spent.restore(id),
  };
}

const SESSION_FIELDS: ReadonlyArray<["Mutation" | "Subscription", SessionField]> = [
  ["Mutation", "authorize"],
  ["Mutation", "submitMfa"],
  ["Mutation", "continueAuthorization"],
  ["Subscription", "authorization"],
];

/**
 * Wraps the resolvers of the session fields so each result is reported to the request's metrics
 * (`context.metrics`): the final union member, whatever produced it (the resolver, a refusal, or input
 * validation, which runs before the resolver), with no code in the resolvers themselves.
 */
export function reportSessionResults(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, fieldName] of SESSION_FIELDS) {
    const type = typeName === "Mutation" ? schema.getMutationType() : schema.getSubscriptionType();
    const field: GraphQLField<unknown, { metrics?: GatewayMetrics }> | undefined =
      type?.getFields()[fieldName];
    const resolve = field?.resolve;
    if (!field || !resolve) throw new Error(`${typeName}.${fieldName} has no resolver to report from`);
    field.resolve = async (source, args, context, info) => {
      const result: unknown = await resolve(source, args, context, info);
      context.metrics?.sessionResult(fieldName, result);
      return result;
    };
  }
  return schema;
}
