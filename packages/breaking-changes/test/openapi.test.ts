import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REDOCLY_CONFIG, repositoryRoot } from "../src/contracts.js";
import { openapiBreakingChanges } from "../src/openapi.js";
import { currentSpec, specWithOptional, specWithout } from "./variants.js";

let scratch: string;
let released: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "openapi-gate-"));
  released = join(scratch, "released.yaml");
  await writeFile(released, currentSpec());
});

afterAll(() => rm(scratch, { recursive: true, force: true }));

async function breakingChangesTo(name: string, text: string) {
  const revision = join(scratch, name);
  await writeFile(revision, text);
  return openapiBreakingChanges(released, revision, join(repositoryRoot, REDOCLY_CONFIG));
}

describe("the OpenAPI gate (redocly diff)", () => {
  test("catches a response property removed and names it", async () => {
    const breaking = await breakingChangesTo("removed.yaml", specWithout("AuthorizeSuccess", "RequestId"));
    expect(breaking.map((change) => change.description).sort()).toEqual([
      "Properties of `AuthorizeSuccess` are no longer required: `RequestId`. (#/components/schemas/AuthorizeSuccess/required)",
      "Property `RequestId` of `AuthorizeSuccess` was removed. (#/components/schemas/AuthorizeSuccess/properties/RequestId)",
    ]);
  });

  test("lets an added optional property through, in a response and in the request", async () => {
    const inResponse = await breakingChangesTo(
      "response.yaml",
      specWithOptional("AuthorizeSuccess", "Nickname"),
    );
    const inRequest = await breakingChangesTo("request.yaml", specWithOptional("AuthorizeRequest", "Note"));
    expect([...inResponse, ...inRequest]).toEqual([]);
  });
});
