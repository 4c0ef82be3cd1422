import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { contracts, RELEASE_RECORD } from "../src/contracts.js";
import { checkBreakingChanges } from "../src/gate.js";
import { currentSchema, currentSpec, schemaWithout, specWithout } from "./variants.js";

const scratchRoots: string[] = [];
afterAll(() => Promise.all(scratchRoots.map((root) => rm(root, { recursive: true, force: true }))));

interface Repository {
  /** The contracts now; the release holds the real current ones. */
  spec?: string;
  schema?: string;
  /** Owner versions now; the release record holds `released` (default: the same). */
  versions?: { client: string; gateway: string };
  released?: { client: string; gateway: string };
  /** `.changeset/<name>.md` contents. */
  changesets?: Record<string, string>;
}

/** A repository in a temp dir with only what the gate reads. */
async function scratchRepository(repository: Repository): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "breaking-change-gate-"));
  scratchRoots.push(root);
  const versions = repository.versions ?? { client: "0.1.0", gateway: "0.1.0" };
  const released = repository.released ?? versions;
  const files: Record<string, string> = {
    "packages/breaking-changes/released/openapi.yaml": currentSpec(),
    "packages/breaking-changes/released/schema.graphql": currentSchema(),
    [RELEASE_RECORD]: JSON.stringify({
      "@flinks-authorize/client": released.client,
      "@flinks-authorize/gateway": released.gateway,
    }),
    "spec/openapi.yaml": repository.spec ?? currentSpec(),
    "apps/gateway/schema.graphql": repository.schema ?? currentSchema(),
    "packages/client/package.json": JSON.stringify({
      name: "@flinks-authorize/client",
      version: versions.client,
    }),
    "apps/gateway/package.json": JSON.stringify({
      name: "@flinks-authorize/gateway",
      version: versions.gateway,
    }),
    ".changeset/README.md": `Not a changeset, so no acknowledgement:\n\n- Breaking (GraphQL): ${REQUEST_ID_REMOVED}\n`,
  };
  for (const [name, text] of Object.entries(repository.changesets ?? {}))
    files[`.changeset/${name}.md`] = text;
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const changeset = (bumps: Record<string, string>, summary: string) =>
  `---\n${Object.entries(bumps)
    .map(([name, bump]) => `"${name}": ${bump}`)
    .join("\n")}\n---\n\n${summary}\n`;

const REQUEST_ID_REMOVED =
  "Field 'requestId' was removed from object type 'Authorized' (Authorized.requestId)";
const withoutRequestId = () => schemaWithout("Authorized", "requestId");

/** A repository whose schema lost `Authorized.requestId`, with one changeset acknowledging that. */
const removalAcknowledged = (bumps: Record<string, string>, gatewayVersion = "0.1.0") =>
  scratchRepository({
    schema: withoutRequestId(),
    versions: { client: "0.1.0", gateway: gatewayVersion },
    changesets: {
      "drop-request-id": changeset(
        bumps,
        `Authorized loses requestId.\n\n- Breaking (GraphQL): ${REQUEST_ID_REMOVED}`,
      ),
    },
  });

describe("the breaking-change gate", () => {
  test("the paths it reads are the ones the scratch repositories lay out", () => {
    expect(contracts.map((contract) => [contract.current, contract.released])).toEqual([
      ["spec/openapi.yaml", "packages/breaking-changes/released/openapi.yaml"],
      ["apps/gateway/schema.graphql", "packages/breaking-changes/released/schema.graphql"],
    ]);
  });

  test("passes when nothing changed since the release", async () => {
    const result = await checkBreakingChanges(await scratchRepository({}));
    expect(result).toEqual({ failures: [], acknowledged: [], dangerous: [] });
  });

  test("fails on an unacknowledged removal, naming it and the line that would acknowledge it", async () => {
    const { failures } = await checkBreakingChanges(await scratchRepository({ schema: withoutRequestId() }));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(`  ${REQUEST_ID_REMOVED}\n`);
    expect(failures[0]).toContain("bumps @flinks-authorize/gateway by minor (it is 0.x) or major");
    expect(failures[0]).toContain(`  - Breaking (GraphQL): ${REQUEST_ID_REMOVED}`);
  });

  test("passes a removal that a minor changeset of the owner acknowledges while it is 0.x", async () => {
    const root = await removalAcknowledged({ "@flinks-authorize/gateway": "minor" });
    expect(await checkBreakingChanges(root)).toEqual({
      failures: [],
      acknowledged: [{ contract: "GraphQL", description: REQUEST_ID_REMOVED }],
      dangerous: [],
    });
  });

  test.each([
    { bump: "patch", version: "0.1.0", needs: "minor (it is 0.x) or major" },
    { bump: "minor", version: "1.0.0", needs: "major" },
  ])("refuses an acknowledgement in a $bump changeset at $version", async ({ bump, version, needs }) => {
    const root = await removalAcknowledged({ "@flinks-authorize/gateway": bump }, version);
    const { failures } = await checkBreakingChanges(root);
    expect(failures).toEqual([
      `GraphQL: ${REQUEST_ID_REMOVED}\n  is acknowledged in .changeset/drop-request-id.md, which must bump @flinks-authorize/gateway (${version}) by ${needs}.`,
    ]);
  });

  test("refuses an acknowledgement of the right change on the wrong package", async () => {
    const root = await removalAcknowledged({ "@flinks-authorize/client": "minor" });
    const { failures } = await checkBreakingChanges(root);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(
      "which must bump @flinks-authorize/gateway (0.1.0) by minor (it is 0.x) or major.",
    );
  });

  test("fails on an acknowledgement that matches no change", async () => {
    const root = await scratchRepository({
      changesets: {
        stale: changeset(
          { "@flinks-authorize/gateway": "minor" },
          `- Breaking (GraphQL): ${REQUEST_ID_REMOVED}`,
        ),
      },
    });
    const { failures } = await checkBreakingChanges(root);
    expect(failures).toEqual([
      `.changeset/stale.md acknowledges a breaking GraphQL change that the gate does not find:\n  ${REQUEST_ID_REMOVED}\n  Quote the change as the gate prints it, or remove the line if the change was undone.`,
    ]);
  });

  test("fails when a release moved the versions but not the snapshot", async () => {
    const root = await scratchRepository({
      versions: { client: "0.2.0", gateway: "0.1.0" },
      released: { client: "0.1.0", gateway: "0.1.0" },
    });
    const { failures } = await checkBreakingChanges(root);
    expect(failures).toEqual([
      `${RELEASE_RECORD} holds the contracts of @flinks-authorize/client 0.1.0, but packages/client/package.json says 0.2.0: after \`changeset version\`, run \`pnpm release:snapshot\`.`,
    ]);
  });

  test("applies the same rule to the OpenAPI contract, owned by the client", async () => {
    const spec = specWithout("AuthorizeSuccess", "RequestId");
    const unacknowledged = await checkBreakingChanges(await scratchRepository({ spec }));
    expect(unacknowledged.failures).toHaveLength(1);
    expect(unacknowledged.failures[0]).toContain("Property `RequestId` of `AuthorizeSuccess` was removed.");
    expect(unacknowledged.failures[0]).toContain(
      "bumps @flinks-authorize/client by minor (it is 0.x) or major",
    );

    const acknowledgements = unacknowledged.failures[0]
      ?.split("\n")
      .filter((line) => line.startsWith("  - Breaking"))
      .join("\n");
    const acknowledged = await checkBreakingChanges(
      await scratchRepository({
        spec,
        changesets: {
          "drop-request-id": changeset({ "@flinks-authorize/client": "minor" }, `${acknowledgements}`),
        },
      }),
    );
    expect(acknowledged.failures).toEqual([]);
    expect(acknowledged.acknowledged).toHaveLength(2);
  });
});
