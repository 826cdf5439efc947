/**
 * Where a page says it came from: an incident's page names the incident, read through incident-refs.ts (no ref
 * is parsed by a regex outside its feature's refs module; the guard below keeps it so).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pageDmBlocks, type PageView } from '../../src/paging/page-blocks.js';

const view = (p: Partial<PageView>): PageView => ({
  id: 3,
  severity: 'P1',
  summary: 'checkout down',
  rotation: 'backend',
  source: 'person',
  sourceRef: null,
  createdBy: null,
  createdAt: Date.UTC(2026, 0, 5, 10),
  ...p,
});

describe('a page DM says where the page came from', () => {
  it.each<[string, Partial<PageView>, string]>([
    ['a person', { source: 'person', createdBy: 'U0DAN' }, 'paged by <@U0DAN>'],
    ['an incident', { source: 'incident', sourceRef: 'incident:12' }, 'from incident #12'],
    ["an incident's card ref is no incident", { source: 'incident', sourceRef: 'incident:12:card' }, 'from incident'],
    ['an incident without a ref', { source: 'incident' }, 'from incident'],
    ['an alert', { source: 'alertmanager', sourceRef: 'alert:40' }, 'from alertmanager'],
  ])('%s', (_what, page, expected) => {
    expect(pageDmBlocks(view(page), [], 'step 1 of 2').text.endsWith(`, ${expected}`)).toBe(true);
  });
});

describe('refs are parsed in their refs module only', () => {
  const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  it('no regex on a page:, incident: or alert: ref outside *-refs.ts', () => {
    const offenders = files(SRC)
      .filter((f) => !f.endsWith('-refs.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${f.slice(SRC.length)}:${i + 1}` }))
          .filter(({ line }) => /\/\^\(?(page|incident|alert)(\\?:|\|)/.test(line))
          .map(({ at }) => at),
      );
    expect(offenders).toEqual([]);
  });
});
