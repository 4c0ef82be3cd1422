import type { Secret } from "@flinks-authorize/client";
import type { ConnectTokenStep } from "../flinks/calls.js";
import { failureOf } from "../flinks/outcome-to-result.js";
import { TOKEN_LIFETIME_MS } from "../handles/seal.js";
import { builder } from "./builder.js";
import { errorMemberTypes } from "./errors.js";
import { SESSION_FIELD } from "./session-fields.js";

/** A minted token for the Flinks Connect iframe, as the consumer receives it. */
export interface ConnectTokenValue {
  kind: "connectToken";
  token: Secret;
  mintedAt: number;
  connectUrl: string | undefined;
}

/** The iframe URL with the token in its `authorizeToken` parameter, every other parameter kept. */
export function connectUrlWith(connectUrl: string, token: string): string {
  const url = new URL(connectUrl);
  url.searchParams.set("authorizeToken", token);
  return url.href;
}

export const ConnectTokenType = builder.objectRef<ConnectTokenValue>("ConnectToken").implement({
  description:
    "A one-time authorize token for the Flinks Connect iframe, which opens its own session with it and hands back a LoginId (then: authorize with that loginId).",
  isTypeOf: (value) => (value as { kind?: string }).kind === "connectToken",
  fields: (t) => ({
    token: t.string({
      description:
        "Single use: mint one per iframe load. The gateway never logs it; treat it as a credential until used.",
      resolve: ({ token }) => token.reveal(),
    }),
    url: t.string({
      nullable: true,
      description:
        "The iframe URL with authorizeToken set (FLINKS_CONNECT_URL, or the instance's own iframe); null when the gateway has none configured.",
      resolve: ({ token, connectUrl }) =>
        connectUrl === undefined ? null : connectUrlWith(connectUrl, token.reveal()),
    }),
    expiresAt: t.field({
      type: "DateTime",
      description:
        "15 minutes after the mint: Flinks' pages say 15 or 30 minutes [chosen: the shorter]; it is single use either way.",
      resolve: ({ mintedAt }) => new Date(mintedAt + TOKEN_LIFETIME_MS),
    }),
  }),
});

builder.mutationField("connectToken", (t) =>
  t.errorUnionField({
    types: [ConnectTokenType, ...errorMemberTypes],
    union: { name: "ConnectTokenResult", description: "The outcome of a connectToken." },
    description:
      "Mint a one-time authorize token for the Flinks Connect iframe with the gateway's secret key, so a front end can open Connect without a back end of its own. Counted by the consumer's call budget.",
    extensions: SESSION_FIELD,
    resolve: async (_root, _args, { flinks, connectUrl }) => {
      const step: ConnectTokenStep = await flinks.connectToken();
      if (step.kind !== "minted") return failureOf(step);
      return { kind: "connectToken" as const, token: step.token, mintedAt: step.mintedAt, connectUrl };
    },
  }),
);
