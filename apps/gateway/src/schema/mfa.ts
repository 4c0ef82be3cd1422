import { z } from "zod";
import { refusalOfStore, SharedStoreUnavailable } from "../access/shared-store.js";
import { settlementOf } from "../flinks/calls.js";
import { refusalOfHandle, resultOf } from "../flinks/outcome-to-result.js";
import { markerOf } from "../handles/seal.js";
import { builder } from "./builder.js";
import { hasNoNul, NO_NUL_MESSAGE } from "./input-rules.js";
import { resultTypes } from "./session.js";
import { SESSION_FIELD } from "./session-fields.js";

// Bounds mirror spec/openapi.yaml (SecurityChallenge.Prompt: 1–1000 characters; at most 20 challenges),
// so every challenge an MfaRequired carries can be answered here.
const MAX_PROMPT = 1000;
const MAX_CHALLENGES = 20;
const MAX_ANSWER = 1000;

// Prompts are passed byte for byte: no trimming, no case or Unicode normalization, and no character
// refused, since Flinks wrote them.
const submitMfaInput = z
  .object({
    handle: z.string().min(1, "must not be empty").max(4096, "is not a handle from MfaRequired"),
    responses: z
      .array(
        z.object({
          prompt: z.string().min(1, "must not be empty").max(MAX_PROMPT),
          answers: z
            .array(z.string().max(MAX_ANSWER).refine(hasNoNul, NO_NUL_MESSAGE))
            .min(1, "needs at least one answer")
            .max(20),
        }),
      )
      .min(1, "needs one entry per challenge")
      .max(MAX_CHALLENGES),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.responses.forEach(({ prompt }, index) => {
      if (seen.has(prompt)) {
        ctx.addIssue({
          code: "custom",
          path: ["responses", index, "prompt"],
          message: "answers a prompt twice",
        });
      }
      seen.add(prompt);
    });
  });

const MfaResponseInput = builder.inputType("MfaResponseInput", {
  description: "The answers to one challenge.",
  fields: (t) => ({
    prompt: t.string({ required: true, description: "The challenge's prompt, exactly as received." }),
    answers: t.stringList({ required: true, description: "One answer, or the chosen options." }),
  }),
});

export const SubmitMfaInput = builder
  .inputType("SubmitMfaInput", {
    description: "Answers to every challenge of an MfaRequired.",
    fields: (t) => ({
      handle: t.string({ required: true, description: "MfaRequired.handle." }),
      responses: t.field({ type: [MfaResponseInput], required: true }),
    }),
  })
  .validate(submitMfaInput);

builder.mutationField("submitMfa", (t) =>
  t.errorUnionField({
    types: [...resultTypes],
    union: { name: "SubmitMfaResult", description: "The outcome of answering MFA challenges." },
    description: "Answer the challenges of an MfaRequired, on any gateway instance.",
    args: { input: t.arg({ type: SubmitMfaInput, required: true }) },
    extensions: SESSION_FIELD,
    resolve: async (_root, { input }, { flinks, handles, spentHandles, limits, consumer }) => {
      const opened = handles.open(input.handle, "mfa", consumer.id);
      if (!opened.ok) return refusalOfHandle(opened.reason, "MfaRequired");
      const { session } = opened;
      // Before the handle is spent: a refused call leaves it usable after the wait.
      const admission = await limits.answer(consumer, session.requestId);
      if (!admission.ok) return admission.refusal;
      const marker = markerOf(session);
      let verdict: Awaited<ReturnType<typeof spentHandles.spend>>;
      try {
        verdict = await spentHandles.spend(marker, session.expiresAt, session.epoch);
      } catch (error) {
        if (error instanceof SharedStoreUnavailable) return refusalOfStore("single-use handle markers");
        throw error;
      }
      if (verdict !== "fresh") return refusalOfHandle(verdict, "MfaRequired");
      const SecurityResponses = Object.fromEntries(
        input.responses.map(({ prompt, answers }) => [prompt, answers]),
      );
      const step = await flinks.continue(session, { RequestId: session.requestId, SecurityResponses });
      // Nothing reached Flinks: the handle may be used again.
      if (step.kind === "busy") await spentHandles.restore(marker);
      await admission.settle(settlementOf(step));
      return resultOf(step, handles);
    },
  }),
);
