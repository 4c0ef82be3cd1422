import { lexicographicSortSchema } from "graphql";
import { builder } from "../builder.js";
import { reportSessionResults } from "../metrics.js";
import "./errors.js";
import "./session.js";
import "./authorize.js";
import "./mfa.js";
import "./continuation.js";
import "./gateway.js";

builder.mutationType({});

/**
 * The executable schema, sorted so the printed SDL diffs cleanly; each session field reports its result
 * to the request's metrics (a no-op when they are off).
 */
export const schema = reportSessionResults(lexicographicSortSchema(builder.toSchema()));
