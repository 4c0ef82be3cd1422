import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import ValidationPlugin from "@pothos/plugin-validation";
import { DateTimeResolver } from "graphql-scalars";
import type { GatewayContext } from "../context.js";
import { InvalidInputError } from "../errors.js";
import { SessionFields } from "./session-fields.js";

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
}>({
  // Errors first: validation failures and the session fields' refusals reach the result unions as members.
  plugins: [ErrorsPlugin, SessionFields, ValidationPlugin],
  defaultFieldNullability: false,
  errors: {
    defaultTypes: [],
    // The gateway has no auth hooks this could skip; it lets input issues be typed union members.
    unsafelyHandleInputErrors: true,
  },
  validation: {
    validationError: (result) => new InvalidInputError(result.issues),
  },
});

builder.addScalarType("DateTime", DateTimeResolver);
