import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";

// Every example in the document is checked against its own schema, formats included, so Prism never
// serves an answer the contract forbids and the client's tests never run on a bad fixture.
const spec = parse(readFileSync(new URL("../openapi.yaml", import.meta.url), "utf8"));
const docId = "https://flinks-authorize.invalid/openapi.json";
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under NodeNext its callable export sits behind `.default` in the types only.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default;
addFormats(ajv);
ajv.addFormat("password", true);
ajv.addSchema({ $id: docId, components: spec.components });

type Node = Record<string, unknown>;
const resolve = (node: Node): Node =>
  typeof node.$ref === "string"
    ? resolve(
        node.$ref
          .slice(2)
          .split("/")
          .reduce((at: Node, key) => at[key.replace(/~1/g, "/")] as Node, spec),
      )
    : node;

interface Case {
  where: string;
  schema: Node;
  value: unknown;
}
const cases: Case[] = [];
const mediaCases = (where: string, media: Node | undefined) => {
  if (!media) return;
  for (const [name, example] of Object.entries((media.examples ?? {}) as Record<string, Node>)) {
    cases.push({
      where: `${where} example "${name}"`,
      schema: media.schema as Node,
      value: resolve(example).value,
    });
  }
};
for (const [path, pathItem] of Object.entries(spec.paths as Record<string, Record<string, Node>>)) {
  for (const [method, operation] of Object.entries(pathItem)) {
    if (method === "parameters") continue;
    const body = operation.requestBody as Node | undefined;
    mediaCases(
      `${method.toUpperCase()} ${path} request`,
      (body?.content as Node | undefined)?.["application/json"] as Node,
    );
    for (const [status, response] of Object.entries(operation.responses as Record<string, Node>)) {
      const content = resolve(response).content as Node;
      mediaCases(`${method.toUpperCase()} ${path} ${status}`, content["application/json"] as Node);
    }
  }
}
// Property-level `example`s inside component schemas.
const walk = (where: string, schema: Node) => {
  if ("example" in schema) cases.push({ where: `${where}.example`, schema, value: schema.example });
  for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, Node>)) {
    walk(`${where}.${name}`, child);
  }
};
for (const [name, schema] of Object.entries(spec.components.schemas as Record<string, Node>)) {
  walk(`components.schemas.${name}`, schema);
}
for (const [name, parameter] of Object.entries(spec.components.parameters as Record<string, Node>)) {
  cases.push({
    where: `components.parameters.${name}.example`,
    schema: parameter.schema as Node,
    value: parameter.example,
  });
}

describe("every example validates against its own schema", () => {
  test("the document has response, request and property examples", () => {
    expect(cases.filter((c) => c.where.includes("request example")).length).toBe(7);
    expect(cases.length).toBeGreaterThan(60);
  });

  test.each(cases.map((c) => [c.where, c] as const))("%s", (_, { schema, value }) => {
    // Validate through the document so internal $refs resolve.
    const validate = ajv.compile(rebase(schema));
    const valid = validate(value);
    expect(validate.errors ?? [], JSON.stringify(value)).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe("the examples are not vacuous", () => {
  test("a broken example would be caught", () => {
    const success = resolve({ $ref: "#/components/schemas/AuthorizeSuccess" });
    const validate = ajv.compile(rebase(success));
    expect(validate({ HttpStatusCode: 200, RequestId: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" })).toBe(false);
  });

  test("a poll (RequestId alone) is an AuthorizeAsync request, never an Authorize one", () => {
    const poll = resolve({ $ref: "#/components/examples/PollRequest" }).value;
    const compile = (name: string) => ajv.compile(rebase(resolve({ $ref: `#/components/schemas/${name}` })));
    const authorize = compile("AuthorizeRequest");
    const authorizeAsync = compile("AuthorizeAsyncRequest");
    expect(authorize(poll)).toBe(false);
    expect(authorizeAsync(poll)).toBe(true);
    // The poll is closed: anything beside the RequestId makes it one of Authorize's modes or nothing.
    expect(authorizeAsync({ ...(poll as object), Tag: "x" })).toBe(false);
  });
});

/** Points the schema's internal `#/components/...` refs at the document registered above. */
function rebase(schema: Node): Node {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', `"$ref":"${docId}#/`));
}
