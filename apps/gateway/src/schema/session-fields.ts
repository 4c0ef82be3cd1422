import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import {
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNamedType,
  isUnionType,
} from "graphql";
import type { GatewayContext } from "../context.js";
import { errorTypeName } from "../errors.js";

/**
 * The session fields: every root field that makes Flinks work. A field becomes one by carrying
 * `extensions: SESSION_FIELD` in its own schema file; that mark is its one registration, and what applies
 * to all of them follows from it, through this Pothos plugin:
 *
 * - limits: each call is charged to the consumer's `calls` budget before its resolver runs (a refusal is
 *   the field's RateLimitedError result), and each subscription when it starts (this Pothos plugin, inside
 *   the errors plugin, which turns a refusal into a union member);
 * - metrics: each result is counted by field, union member and FlinksCode, whatever produced it, input
 *   validation included (`countSessionResults`, around the whole field);
 * - the root-field cap (plugins/use-operation-limits.ts) names them in its refusal.
 *
 * A Mutation or Subscription field without the mark fails test/schema/session-fields.test.ts, so a new
 * field cannot go unlimited and unreported.
 */
export const SESSION_FIELD = { sessionField: true } as const;

const isSessionField = (extensions: Record<string, unknown> | undefined | null) =>
  extensions?.sessionField === true;

/**
 * The union member a result resolves to, as the metrics label it: an error by the one list of
 * errors.ts (its `constructor` survives the errors plugin's proxy, whose `isTypeOf` would unwrap it), any
 * other value by the union's own `isTypeOf` checks.
 */
function memberName(value: unknown, context: unknown, info: GraphQLResolveInfo): string {
  const error = errorTypeName(value);
  if (error) return error;
  const union = getNamedType(info.returnType);
  if (!isUnionType(union)) return "other";
  return union.getTypes().find((member) => member.isTypeOf?.(value, context, info) === true)?.name ?? "other";
}

/** The FlinksCode label of a result: `none` without one, `other` for a code newer than the spec. */
function codeLabel(value: unknown): string {
  const code = (value as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return "none";
  return code === "UNKNOWN" ? "other" : code;
}

/** A stream of one refusal, for a subscription refused before it starts. */
async function* refused(value: unknown) {
  yield value;
}

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types["Context"], object>;

/** The gateway's context, which every Pothos type of this schema has (builder.ts). */
const gatewayContext = (context: unknown) => context as GatewayContext;

export class SessionFieldsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, field: PothosOutputFieldConfig<Types>): Resolver<Types> {
    if (!isSessionField(field.extensions)) return resolver;
    const charged = field.parentType === "Mutation";
    if (!charged) return resolver;
    return async (source, args, ctx, info) => {
      const context = gatewayContext(ctx);
      return (await context.limits.call(context.consumer)) ?? resolver(source, args, ctx, info);
    };
  }

  override wrapSubscribe(
    subscribe: Resolver<Types> | undefined,
    field: PothosOutputFieldConfig<Types>,
  ): Resolver<Types> | undefined {
    if (!subscribe || !isSessionField(field.extensions)) return subscribe;
    return async (source, args, ctx, info) => {
      const context = gatewayContext(ctx);
      const refusal = await context.limits.call(context.consumer);
      return refusal ? refused(refusal) : subscribe(source, args, ctx, info);
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      sessionFields: SessionFieldsPlugin<Types>;
    }
  }
}

/** The plugin's name, for the builder's `plugins` list (after the errors plugin, which wraps its results). */
export const SessionFields = "sessionFields";
SchemaBuilder.registerPlugin(SessionFields, SessionFieldsPlugin);

type RootTypeName = "Mutation" | "Subscription";
type Field = GraphQLField<unknown, GatewayContext>;

/** Every root field of Mutation and Subscription, and whether it carries the mark. */
export function rootFields(
  schema: GraphQLSchema,
): Array<{ type: RootTypeName; field: Field; marked: boolean }> {
  const roots = [
    ["Mutation", schema.getMutationType()],
    ["Subscription", schema.getSubscriptionType()],
  ] as const;
  return roots.flatMap(([type, root]) =>
    Object.values(root?.getFields() ?? {}).map((field) => ({
      type,
      field: field as Field,
      marked: isSessionField(field.extensions as Record<string, unknown>),
    })),
  );
}

/** The names of the session fields of one root type (what a refusal of the root-field cap lists). */
export const sessionFieldNames = (schema: GraphQLSchema, of: RootTypeName) =>
  rootFields(schema)
    .filter(({ type, marked }) => marked && type === of)
    .map(({ field }) => field.name);

/**
 * Counts every result of every session field: the final union member, whatever produced it (the
 * resolver, a refusal, or input validation, which Pothos runs before any resolver wrapper). Error results
 * arrive wrapped in the errors plugin's proxy, whose `constructor` is still the error's own class.
 */
export function countSessionResults(schema: GraphQLSchema): GraphQLSchema {
  for (const { field, marked } of rootFields(schema)) {
    const { resolve } = field;
    if (!marked || !resolve) continue;
    field.resolve = async (source, args, context, info) => {
      const result: unknown = await resolve(source, args, context, info);
      context.metrics.sessionResult(field.name, memberName(result, context, info), codeLabel(result));
      return result;
    };
  }
  return schema;
}
