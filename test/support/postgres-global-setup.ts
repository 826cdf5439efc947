/**
 * vitest globalSetup: gives the run an empty PostgreSQL directory (the server in it is started by the first test file
 * that needs it, test/support/postgres.ts) and, when the run ends, stops that server and removes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopServer } from './postgres-server.js';

export default function setup(project: TestProject): () => void {
  const runDir = mkdtempSync(join(tmpdir(), 'oncall-pg-'));
  project.provide('postgresRunDir', runDir);
  return () => {
    try {
      stopServer(runDir);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  };
}
