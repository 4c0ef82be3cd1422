// Prints the gateway's schema, sorted, to schema.graphql: committed so reviews show every API change.
import { writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { schema } from "../src/schema/index.js";

const target = new URL("../schema.graphql", import.meta.url);
writeFileSync(target, `${printSchema(schema)}\n`);
console.log(`wrote ${target.pathname}`);
