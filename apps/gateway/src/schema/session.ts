import type { Authorized, components } from "@flinks-authorize/client";
import type { MfaRequiredResult, PendingResult } from "../flinks/outcome-to-result.js";
import { builder } from "./builder.js";
import { errorMemberTypes } from "./errors.js";

/**
 * The non-error outcomes of a Flinks session. A field name shared by several union members has one type
 * everywhere (requestId: String!), so a consumer can select it on all of them at once. Each GraphQL type is bound to the client's outcome type,
 * itself generated from the spec, so renaming a field in spec/openapi.yaml breaks this file's compile.
 */
type Schemas = components["schemas"];

export const LinkType = builder.objectRef<Schemas["Link"]>("Link").implement({
  description: "A data endpoint available with this session's requestId.",
  fields: (t) => ({
    rel: t.exposeString("rel"),
    href: t.exposeString("href"),
  }),
});

/** Flinks sends LastRefresh in UTC without an offset (spec decision 7); an explicit offset is kept. */
export function parseUtcTimestamp(value: string): Date | null {
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? null : date;
}

export const LoginType = builder.objectRef<Schemas["Login"]>("Login").implement({
  description: "The end user's login at the institution.",
  fields: (t) => ({
    id: t.exposeString("Id", { description: "The LoginId: reuse it for cached sessions." }),
    username: t.exposeString("Username", { nullable: true }),
    type: t.exposeString("Type", { nullable: true, description: "Such as Personal or Business." }),
    isScheduledRefresh: t.exposeBoolean("IsScheduledRefresh", { nullable: true }),
    lastRefresh: t.field({
      type: "DateTime",
      nullable: true,
      description: "When Flinks last aggregated this login.",
      resolve: (login) => (login.LastRefresh === undefined ? null : parseUtcTimestamp(login.LastRefresh)),
    }),
  }),
});

export const AuthorizedType = builder.objectRef<Authorized>("Authorized").implement({
  description: "The session is open: use requestId on Flinks' data endpoints.",
  isTypeOf: (value) => (value as { kind?: string }).kind === "authorized",
  fields: (t) => ({
    requestId: t.string({ resolve: ({ body }) => body.RequestId }),
    institution: t.string({ resolve: ({ body }) => body.Institution }),
    institutionId: t.int({ nullable: true, resolve: ({ body }) => body.InstitutionId ?? null }),
    institutionName: t.string({ nullable: true, resolve: ({ body }) => body.InstitutionName ?? null }),
    login: t.field({ type: LoginType, resolve: ({ body }) => body.Login }),
    links: t.field({ type: [LinkType], resolve: ({ body }) => body.Links ?? [] }),
  }),
});

export const PendingReasonEnum = builder.enumType("PendingReason", {
  values: {
    OPERATION_PENDING: { description: "Still processing: Flinks' async endpoints take over." },
    OPERATION_DISPATCHED: { description: "Over 210 s: dispatched to a background job." },
  } satisfies Record<Schemas["OperationPending"]["FlinksCode"], { description: string }>,
});

export const PendingType = builder.objectRef<PendingResult>("Pending").implement({
  description:
    "Flinks is still working on this session. Continue it with the handle: continueAuthorization polls once, the authorization subscription streams until a final result.",
  isTypeOf: (value) => (value as { kind?: string }).kind === "pending",
  fields: (t) => ({
    reason: t.field({ type: PendingReasonEnum, resolve: (pending) => pending.flinksCode }),
    message: t.string({ resolve: (pending) => pending.body.Message ?? "The operation is still processing." }),
    requestId: t.string({ resolve: (pending) => pending.body.RequestId }),
    handle: t.exposeString("handle", {
      description:
        "Opaque, sealed and expiring with the session's token (15 min from its mint). Any gateway instance accepts it.",
    }),
  }),
});

type KnownChallengeType = Schemas["KnownSecurityChallengeType"];
/** GraphQL names for the spec's challenge types: a type added to the spec must be named here. */
const challengeTypeNames = {
  QuestionAndAnswer: "QUESTION_AND_ANSWER",
  MultipleChoice: "MULTIPLE_CHOICE",
  MultipleChoiceMultipleAnswers: "MULTIPLE_CHOICE_MULTIPLE_ANSWERS",
  ImageSelection: "IMAGE_SELECTION",
  TextOrCall: "TEXT_OR_CALL",
} as const satisfies Record<KnownChallengeType, string>;
type ChallengeTypeName = (typeof challengeTypeNames)[KnownChallengeType] | "UNKNOWN";

export const ChallengeTypeEnum = builder.enumType("ChallengeType", {
  description: "How to answer a challenge. UNKNOWN: a type newer than this gateway; see rawType.",
  values: [...Object.values(challengeTypeNames), "UNKNOWN"] as const,
});

export const SecurityChallengeType = builder
  .objectRef<Schemas["SecurityChallenge"]>("SecurityChallenge")
  .implement({
    description: "One MFA question. Answer it in submitMfa under this exact prompt.",
    fields: (t) => ({
      type: t.field({
        type: ChallengeTypeEnum,
        resolve: ({ Type }): ChallengeTypeName =>
          Object.hasOwn(challengeTypeNames, Type)
            ? challengeTypeNames[Type as KnownChallengeType]
            : "UNKNOWN",
      }),
      rawType: t.exposeString("Type", { description: "The type exactly as Flinks sent it." }),
      prompt: t.exposeString("Prompt", {
        description: "Pass it back byte for byte: Flinks matches it exactly.",
      }),
      choices: t.stringList({
        description: "Options of a multiple-choice challenge; base64 JPEG images for IMAGE_SELECTION.",
        resolve: ({ Iterables }) => Iterables ?? [],
      }),
    }),
  });

export const MfaRequiredType = builder.objectRef<MfaRequiredResult>("MfaRequired").implement({
  description: "The institution asks MFA questions: answer them all with submitMfa.",
  isTypeOf: (value) => (value as { kind?: string }).kind === "mfaRequired",
  fields: (t) => ({
    requestId: t.string({ resolve: ({ body }) => body.RequestId }),
    handle: t.exposeString("handle", {
      description:
        "Opaque, sealed, single-use and expiring with the session's token (15 min from its mint). Pass it to submitMfa; any gateway instance accepts it.",
    }),
    institution: t.string({ resolve: ({ body }) => body.Institution }),
    challenges: t.field({ type: [SecurityChallengeType], resolve: ({ body }) => body.SecurityChallenges }),
  }),
});

/** The members of every result union: the session outcomes, then every error type (errors.ts). */
export const resultTypes = [AuthorizedType, MfaRequiredType, PendingType, ...errorMemberTypes] as const;
