import { fileURLToPath } from "node:url";
import { configDefaults, type TestProjectInlineConfiguration } from "vitest/config";

type ProjectTest = NonNullable<TestProjectInlineConfiguration["test"]>;

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * The three vitest projects of every package, named for what they start:
 *
 * - `unit`: in process only. No child process (a setup file makes starting one fail the test), no socket
 *   but loopback servers the test starts itself.
 * - `contract` (`test/contract/`): against Prism, one mock per run started by globalSetup, or
 *   FLINKS_TEST_BASE_URL when set.
 * - `process` (`test/process/`): real processes: the gateway's bundle, `pnpm start`, Prism.
 *
 * `vitest run` runs all three; `vitest run --project unit` starts nothing. `extra` adds settings per project.
 *
 * Unit and contract files share one module graph per worker (`isolate: false`): they keep no global state
 * (the fixtures are frozen), and loading Yoga, Pothos and the spec once rather than once per file is most
 * of what those runs cost. Process tests keep their isolation.
 */
export function testProjects(
  extra: { unit?: ProjectTest; contract?: ProjectTest; process?: ProjectTest } = {},
): TestProjectInlineConfiguration[] {
  return [
    {
      extends: true,
      test: {
        name: "unit",
        isolate: false,
        include: ["test/**/*.test.ts"],
        exclude: [...configDefaults.exclude, "test/contract/**", "test/process/**"],
        ...extra.unit,
        setupFiles: [here("./unit-setup.ts"), ...[extra.unit?.setupFiles ?? []].flat()],
      },
    },
    {
      extends: true,
      test: {
        name: "contract",
        isolate: false,
        include: ["test/contract/**/*.test.ts"],
        ...extra.contract,
        globalSetup: [here("./prism-global-setup.ts"), ...[extra.contract?.globalSetup ?? []].flat()],
      },
    },
    {
      extends: true,
      test: { name: "process", include: ["test/process/**/*.test.ts"], ...extra.process },
    },
  ];
}
