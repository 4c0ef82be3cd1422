import { fileURLToPath } from "node:url";

export type ContractName = "OpenAPI" | "GraphQL";

/** One contract the gates compare with its last release. Paths are relative to the repository root. */
export interface Contract {
  name: ContractName;
  /** The contract as it is now. */
  current: string;
  /** Its copy taken at the last release by `pnpm release:snapshot`. */
  released: string;
  /**
   * The package whose version tells users what a change costs them, so the one a breaking change must
   * bump: the OpenAPI contract ships as the client's generated types and validators, the GraphQL one is
   * the gateway's API.
   */
  owner: { name: string; manifest: string };
}

export const contracts: readonly Contract[] = [
  {
    name: "OpenAPI",
    current: "spec/openapi.yaml",
    released: "packages/breaking-changes/released/openapi.yaml",
    owner: { name: "@flinks-authorize/client", manifest: "packages/client/package.json" },
  },
  {
    name: "GraphQL",
    current: "apps/gateway/schema.graphql",
    released: "packages/breaking-changes/released/schema.graphql",
    owner: { name: "@flinks-authorize/gateway", manifest: "apps/gateway/package.json" },
  },
];

/** The owners' versions the snapshot in `released/` belongs to. */
export const RELEASE_RECORD = "packages/breaking-changes/released/versions.json";

/** The Redocly configuration whose `diff-recommended` rules rate OpenAPI changes. */
export const REDOCLY_CONFIG = "spec/redocly.yaml";

export const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** A change between a release and now, as the gates name it: the tool's message and where it is. */
export interface ContractChange {
  contract: ContractName;
  /** `<message> (<where>)`: what an acknowledgement must quote, byte for byte. */
  description: string;
}

export const describeChange = (message: string, where: string) => `${message} (${where})`;
