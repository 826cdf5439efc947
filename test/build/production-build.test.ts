/**
 * The production process (issue #24, memory): the Dockerfile starts node with flags that bound V8's heap, and the
 * memory bench runs the bundle with the same flags read from there; the bundle's text is ASCII, so node holds
 * its source at one byte a character.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, productionNodeFlags } from '../../scripts/build.js';

describe('production build', () => {
  it('reads the node flags from the Dockerfile CMD, and node starts with them', () => {
    const flags = productionNodeFlags();
    expect(flags).toContain('--max-semi-space-size=2');
    const run = spawnSync(process.execPath, [...flags, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expect.arrayContaining(flags));
  });

  it('emits the bundle and the chunks it loads at start as ASCII text', async () => {
    const main = await buildBundle();
    const text = readFileSync(main, 'utf8');
    const chunks = [...text.matchAll(/from\s*"(\.\/chunks\/[^"]+\.js)"/g)].map((m) => join(dirname(main), m[1]!));
    expect(chunks.length).toBeGreaterThan(0);
    for (const file of [main, ...chunks]) {
      const nonAscii = [...readFileSync(file, 'utf8')].find((c) => c.charCodeAt(0) > 0x7f);
      expect(nonAscii, file).toBeUndefined();
    }
  }, 60_000);
});
