import type { AuthorizeRequest } from "@flinks-authorize/client";
import { z } from "zod";
import { settlementOf } from "../flinks/calls.js";
import { resultOf } from "../flinks/outcome-to-result.js";
import { builder } from "./builder.js";
import { hasNoNul, NO_NUL_MESSAGE } from "./input-rules.js";
import { resultTypes } from "./session.js";
import { SESSION_FIELD } from "./session-fields.js";

export const LanguageEnum = builder.enumType("Language", {
  values: { EN: { value: "en" }, FR: { value: "fr" } } as const,
  description: "Language of the connection; MFA prompts come back in it.",
});

const text = (max: number) =>
  z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const credential = (max: number) => text(max).refine(hasNoNul, NO_NUL_MESSAGE);

const CREDENTIAL_FIELDS = ["institution", "username", "password"] as const;

/**
 * The two modes of AuthorizeInput, checked field by field, then turned into the client's request body.
 * Issues name the field; none quotes a value.
 */
const authorizeInput = z
  .object({
    loginId: z.guid("must be a UUID such as 5e115eac-1209-4f19-641c-08d6d484e2fe").nullish(),
    mostRecentCached: z.boolean().nullish(),
    institution: credential(100).nullish(),
    username: credential(256).nullish(),
    password: credential(256).nullish(),
    language: z.enum(["en", "fr"]).nullish(),
    save: z.boolean().nullish(),
    tag: text(256).nullish(),
  })
  .superRefine((input, ctx) => {
    const credentials = CREDENTIAL_FIELDS.filter((field) => input[field] != null);
    if (input.loginId != null) {
      for (const field of credentials) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: "cannot be combined with loginId (cached mode)",
        });
      }
      return;
    }
    if (credentials.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["loginId"],
        message: "is required, unless institution, username and password are given (live mode)",
      });
      return;
    }
    for (const field of CREDENTIAL_FIELDS) {
      if (input[field] == null)
        ctx.addIssue({ code: "custom", path: [field], message: "is required in live mode" });
    }
    if (input.mostRecentCached === true) {
      ctx.addIssue({
        code: "custom",
        path: ["mostRecentCached"],
        message: "must be false in live mode, which opens a fresh connection to the institution",
      });
    }
  })
  .transform((input): AuthorizeRequest => {
    const shared = {
      ...(input.language != null && { Language: input.language }),
      ...(input.save != null && { Save: input.save }),
      ...(input.tag != null && { Tag: input.tag }),
    };
    if (input.loginId != null) {
      return { LoginId: input.loginId, MostRecentCached: input.mostRecentCached ?? true, ...shared };
    }
    return {
      Institution: input.institution ?? "",
      Username: input.username ?? "",
      Password: input.password ?? "",
      MostRecentCached: false,
      ...shared,
    };
  });

export const AuthorizeInput = builder
  .inputType("AuthorizeInput", {
    description:
      "Cached mode: loginId (mostRecentCached defaults to true; false refreshes it live). " +
      "Live mode: institution, username and password (mostRecentCached must be false or absent).",
    fields: (t) => ({
      loginId: t.string({ description: "The LoginId Flinks Connect returned (UUID)." }),
      mostRecentCached: t.boolean({
        description: "true: the last aggregation (cached mode, default). false: a fresh connection.",
      }),
      institution: t.string({ description: "Live mode: the institution, e.g. FlinksCapital." }),
      username: t.string({ description: "Live mode: the end user's username at the institution." }),
      password: t.string({ description: "Live mode: the end user's password. Never logged or returned." }),
      language: t.field({ type: LanguageEnum, description: "Default EN." }),
      save: t.boolean({ description: "Save the collected data and credentials (Flinks' default: true)." }),
      tag: t.string({ description: "A string of yours attached to the request." }),
    }),
  })
  .validate(authorizeInput);

builder.mutationField("authorize", (t) =>
  t.errorUnionField({
    types: [...resultTypes],
    union: { name: "AuthorizeResult", description: "The outcome of an authorize." },
    description: "Open a Flinks session with a LoginId (cached) or bank credentials (live).",
    args: { input: t.arg({ type: AuthorizeInput, required: true }) },
    extensions: SESSION_FIELD,
    resolve: async (_root, { input }, { flinks, handles, limits, consumer }) => {
      const admission = await limits.login(consumer, input);
      if (!admission.ok) return admission.refusal;
      const step = await flinks.start(input);
      await admission.settle(settlementOf(step));
      return resultOf(step, handles);
    },
  }),
);
