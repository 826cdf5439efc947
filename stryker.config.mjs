// @ts-check
/**
 * Mutation testing of the pure rules (`npm run mutate`): StrykerJS changes one thing in the source at a time
 * (a `<` into `<=`, a 15 into 0, a branch removed) and runs the unit tests that cover it; a mutant no test
 * notices ("survived") is behaviour nothing pins down. Reports: reports/mutation/mutation.html and .json.
 *
 * Scope: the functional core only (see DESIGN.md, "Architecture"), tested by the fast tests listed in
 * vitest.mutate.config.ts. A mutant that is truly equivalent is marked in the source with
 * `// Stryker disable next-line <Mutator>: equivalent because ...`.
 */
import { lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TEMP_DIR = '.stryker-tmp';

// Stryker runs the tests in a copy of the project at .stryker-tmp/sandbox-XXXX. The tests read the shared
// fixtures "beside the repository" (test/support/fixtures.ts: ../shared), which from the sandbox is
// .stryker-tmp/shared: point that at the real one. Stryker leaves a non-empty temp dir in place.
const tempDir = fileURLToPath(new URL(`${TEMP_DIR}/`, import.meta.url));
mkdirSync(tempDir, { recursive: true });
try {
  lstatSync(`${tempDir}shared`);
} catch {
  symlinkSync('../../shared', `${tempDir}shared`, 'dir');
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: [
    'src/time/business-hours.ts',
    'src/time/zoned.ts',
    'src/schedules/rotation.ts',
    'src/schedules/boundary.ts',
    'src/paging/escalation.ts',
    'src/engine/delivery.ts',
    'src/alerts/sources/*.ts',
    'src/alerts/auth.ts',
    'src/incidents/triage.ts',
    'src/incidents/cadence.ts',
  ],
  // Only what the tests import is copied into the sandbox's way; the rest is dead weight.
  ignorePatterns: ['bench', 'migrations', 'data', 'dist', 'test-output', '.ci', 'reports'],
  coverageAnalysis: 'perTest',
  // Two cores, shared with others.
  concurrency: 2,
  incremental: false,
  tempDirName: TEMP_DIR,
  // Stryker rewrites tsconfig.json's extends/references for the sandbox through TypeScript's JS API, which
  // TypeScript 7 (the native port) no longer has. Ours has neither, and vitest compiles with esbuild, so
  // point the option at no file and the rewrite is skipped.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
};
