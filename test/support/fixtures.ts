import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared sample payloads (../shared/fixtures/alerts beside the repository). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../shared/fixtures/alerts/', import.meta.url));

export function fixtureText(path: string): string {
  return readFileSync(`${FIXTURES_DIR}${path}`, 'utf8');
}

export function fixture(path: string): unknown {
  return JSON.parse(fixtureText(path)) as unknown;
}
