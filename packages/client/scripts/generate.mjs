// Regenerates everything under src/generated/ from spec/openapi.yaml. Never edit those files by hand.
//   openapi.ts      TypeScript types of the whole document (openapi-typescript)
//   validators.js   standalone JSON Schema validators for every documented request and response body (Ajv)
//   validators.d.ts their types, one per component schema
//   response-validators.ts  the validator of each documented (operation, status)
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import openapiTS, { astToString } from "openapi-typescript";
import { parse } from "yaml";

const require = createRequire(import.meta.url);
const specPath = require.resolve("@flinks-authorize/spec/openapi.yaml");
const outDir = fileURLToPath(new URL("../src/generated/", import.meta.url));
const banner = `// Generated from spec/openapi.yaml by packages/client/scripts/generate.mjs. Do not edit: run \`pnpm generate\`.\n`;

const specText = await readFile(specPath, "utf8");
const spec = parse(specText);
await mkdir(outDir, { recursive: true });

// Request bodies keep their defaults optional: a default is what Flinks assumes, not what we must send.
const ast = await openapiTS(specText, { defaultNonNullable: false });
await writeFile(`${outDir}openapi.ts`, banner + astToString(ast));

// One validator per (operation, status, JSON body). A status missing here is not in the contract.
const docId = "https://flinks-authorize.invalid/openapi.json";
const ajv = new Ajv2020({
  strict: true,
  // The request's modes are `required` lists in an anyOf beside the properties they name: valid JSON Schema.
  strictRequired: false,
  allErrors: false,
  code: { source: true, esm: true, lines: false, optimize: true },
  formats: {
    uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    // `password` only marks a field as sensitive in OpenAPI; it constrains nothing.
    password: true,
  },
});
// OpenAPI keywords that annotate and never constrain; `components` is the document root the $refs point into.
ajv.addVocabulary(["components", "example", "discriminator", "xml", "externalDocs"]);
ajv.addSchema({ $id: docId, components: { schemas: spec.components.schemas } });

// One exported validator per component schema a request or response body uses; the table maps
// (operation, status) to the response's.
const schemaNames = new Set();
const table = {};
const followRef = (node) => {
  if (!node?.$ref) return node;
  const path = node.$ref.replace(/^#\//, "").split("/");
  return path.reduce((at, key) => at[key.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
};
/** The component schema name of a JSON body; every body is one, so each gets a named validator. */
const jsonBodySchema = (bodyOrRef, where) => {
  const schema = followRef(bodyOrRef).content?.["application/json"]?.schema;
  if (!schema?.$ref?.startsWith("#/components/schemas/")) {
    throw new Error(`${where}: the JSON body must be a $ref to components.schemas`);
  }
  const name = schema.$ref.split("/").pop();
  schemaNames.add(name);
  return name;
};
for (const pathItem of Object.values(spec.paths)) {
  for (const [method, operation] of Object.entries(pathItem)) {
    if (method === "parameters") continue;
    if (operation.requestBody) jsonBodySchema(operation.requestBody, `${operation.operationId} request`);
    const statuses = {};
    table[operation.operationId] = statuses;
    for (const [status, responseOrRef] of Object.entries(operation.responses)) {
      statuses[status] = jsonBodySchema(responseOrRef, `${operation.operationId} ${status}`);
    }
  }
}
const exportsMap = Object.fromEntries(
  [...schemaNames].sort().map((name) => [`validate${name}`, `${docId}#/components/schemas/${name}`]),
);
// Ajv's "ESM" output still calls require() for its runtime helpers (ucs2length for minLength): each call
// becomes a name bound below.
const runtimeImports = new Map();
const standalone = standaloneCode(ajv, exportsMap).replace(/require\("([^"]+)"\)/g, (_, specifier) => {
  if (!runtimeImports.has(specifier)) runtimeImports.set(specifier, `ajvRuntime${runtimeImports.size}`);
  return runtimeImports.get(specifier);
});
// Ajv's runtime helpers (ucs2length for minLength) are inlined, so that the published client needs no
// Ajv at run time: each is a small CommonJS module of its own, run here in a function scope. One that
// needs another module would not be self-contained: the generator stops rather than inline half of it.
const inlined = await Promise.all(
  [...runtimeImports].map(async ([specifier, name]) => {
    const source = (await readFile(require.resolve(specifier), "utf8")).replace(
      /^\/\/# sourceMappingURL=.*$/m,
      "",
    );
    if (/\brequire\(/.test(source.replace(/\.code = .*$/gm, ""))) {
      throw new Error(`${specifier} requires another module: it cannot be inlined as it is`);
    }
    return `const ${name} = (() => {\n  const exports = {};\n${source}\n  return exports;\n})();\n`;
  }),
);
const importLines = inlined.join("");
await writeFile(`${outDir}validators.js`, `${banner}// @ts-nocheck\n${importLines}${standalone}\n`);

const declarations = [
  banner,
  `import type { components } from "./openapi.js";`,
  ``,
  `/** An Ajv standalone validator: true when \`data\` matches the schema; \`errors\` explains the last failure. */`,
  `export interface Validator<T> {`,
  `  (data: unknown): data is T;`,
  `  errors?: ReadonlyArray<{ instancePath: string; message?: string }> | null;`,
  `}`,
  ``,
  ...Object.keys(exportsMap).map(
    (fn) => `export declare const ${fn}: Validator<components["schemas"]["${fn.slice("validate".length)}"]>;`,
  ),
];
await writeFile(`${outDir}validators.d.ts`, `${declarations.join("\n")}\n`);

const tableLines = [
  banner,
  `import * as validators from "./validators.js";`,
  ``,
  `/** The JSON body validator of every documented (operation, status). A status absent here is outside the contract. */`,
  `export const responseValidators = {`,
  ...Object.entries(table).map(
    ([operationId, statuses]) =>
      `  ${operationId}: {\n${Object.entries(statuses)
        .map(([status, name]) => `    ${status}: validators.validate${name},`)
        .join("\n")}\n  },`,
  ),
  `} as const;`,
];
await writeFile(`${outDir}response-validators.ts`, `${tableLines.join("\n")}\n`);
console.log(
  `generated ${Object.keys(exportsMap).length} validators and the OpenAPI types into src/generated/`,
);
