import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FieldDefinitionNode, Kind, parse, parseType, print, visit } from "graphql";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { contracts, repositoryRoot } from "../src/contracts.js";

/**
 * Edited copies of the real contracts, as text for the tests to write into temp dirs. The real files are
 * never touched; each edit fails loudly when what it edits is no longer there.
 */

const currentText = (name: "OpenAPI" | "GraphQL") => {
  const contract = contracts.find((candidate) => candidate.name === name);
  if (!contract) throw new Error(`no ${name} contract`);
  return readFileSync(join(repositoryRoot, contract.current), "utf8");
};

export const currentSpec = () => currentText("OpenAPI");
export const currentSchema = () => currentText("GraphQL");

/** The schema with `type.field` removed. */
export function schemaWithout(type: string, field: string): string {
  let removed = false;
  const edited = visit(parse(currentSchema()), {
    FieldDefinition(node, _key, _parent, _path, ancestors) {
      const owner = ancestors.at(-1);
      if (
        owner &&
        "kind" in owner &&
        owner.kind === Kind.OBJECT_TYPE_DEFINITION &&
        owner.name.value === type
      ) {
        if (node.name.value !== field) return undefined;
        removed = true;
        return null;
      }
      return undefined;
    },
  });
  if (!removed) throw new Error(`${type}.${field} is not in the schema`);
  return print(edited);
}

/** The schema with a field of the given type added to `type`. */
export function schemaWith(type: string, field: string, fieldType: string): string {
  let added = false;
  const addition: FieldDefinitionNode = {
    kind: Kind.FIELD_DEFINITION,
    name: { kind: Kind.NAME, value: field },
    type: parseType(fieldType),
  };
  const edited = visit(parse(currentSchema()), {
    ObjectTypeDefinition(node) {
      if (node.name.value !== type) return undefined;
      added = true;
      return { ...node, fields: [...(node.fields ?? []), addition] };
    },
  });
  if (!added) throw new Error(`type ${type} is not in the schema`);
  return print(edited);
}

type Schema = { type?: string; required?: string[]; properties?: Record<string, unknown> };

/** The spec with `edit` applied to one component schema. */
function specWithSchema(name: string, edit: (schema: Schema) => void): string {
  const document = parseYaml(currentSpec()) as { components: { schemas: Record<string, Schema> } };
  const schema = document.components.schemas[name];
  if (!schema) throw new Error(`components.schemas.${name} is not in the spec`);
  edit(schema);
  return stringifyYaml(document);
}

/** The spec without the property `name.property`, in `required` too. */
export const specWithout = (name: string, property: string) =>
  specWithSchema(name, (schema) => {
    if (!schema.properties?.[property]) throw new Error(`${name}.${property} is not in the spec`);
    delete schema.properties[property];
    schema.required = schema.required?.filter((required) => required !== property);
  });

/** The spec with an optional string property added to `name`. */
export const specWithOptional = (name: string, property: string) =>
  specWithSchema(name, (schema) => {
    schema.properties = { ...schema.properties, [property]: { type: "string" } };
  });
