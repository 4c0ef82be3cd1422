import { builder } from "./builder.js";

const GatewayModeEnum = builder.enumType("GatewayMode", {
  values: {
    MOCK: {
      value: "mock",
      description: "Flinks is the Prism mock of the spec; Prefer headers are forwarded.",
    },
    LIVE: { value: "live", description: "Flinks is a real upstream." },
  } as const,
});

builder.queryType({
  fields: (t) => ({
    gatewayMode: t.field({
      type: GatewayModeEnum,
      description: "Whether this gateway talks to a mock or a real Flinks.",
      resolve: (_root, _args, context) => context.mode,
    }),
  }),
});
