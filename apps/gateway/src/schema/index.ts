import { lexicographicSortSchema } from "graphql";
import { builder } from "./builder.js";
import { countSessionResults } from "./session-fields.js";
import "./errors.js";
import "./session.js";
import "./authorize.js";
import "./mfa.js";
import "./continuation.js";
import "./connect.js";
import "./gateway.js";

builder.mutationType({});

/** The executable schema, sorted so the printed SDL diffs cleanly, each session field's results counted. */
export const schema = countSessionResults(lexicographicSortSchema(builder.toSchema()));
