import { describe, expect, it } from 'vitest';
import { pageIdOf, pageRef, pageSubject, parsePageRef, type PageRef, sourceIdOf } from '../../src/paging/page-refs.js';

describe('page refs: built and parsed in one place', () => {
  const cases: Array<[PageRef, string]> = [
    [{ kind: 'dm', pageId: 12, userId: 'U0ALICE', loop: 0, stepIndex: 1 }, 'page:12:dm:U0ALICE:0:1'],
    [{ kind: 'channel', pageId: 12, loop: 1, stepIndex: 0 }, 'page:12:channel:1:0'],
    [{ kind: 'chat', pageId: 3, target: 'C0TEAM', loop: 0, stepIndex: 2 }, 'page:3:chat:C0TEAM:0:2'],
    [{ kind: 'task', pageId: 7 }, 'page:7:task'],
    [{ kind: 'rule', pageId: 7, rule: 3, to: 'U0CTO' }, 'page:7:rule:3:U0CTO'],
    [{ kind: 'rule', pageId: 7, rule: 0, to: 'channel' }, 'page:7:rule:0:channel'],
    [{ kind: 'fyi', pageId: 7, rule: 2, to: 'U0LEAD' }, 'page:7:fyi:2:U0LEAD'],
    [{ kind: 'fyi', pageId: 7, rule: 2, to: 'channel' }, 'page:7:fyi:2:channel'],
    [{ kind: 'held', pageId: 9 }, 'page:9:held'],
    [{ kind: 'skip', pageId: 9, loop: 1, stepIndex: 2 }, 'page:9:skip:1:2'],
    [{ kind: 'exhausted', pageId: 9 }, 'page:9:exhausted'],
  ];
  it.each(cases)('%o <-> %s', (ref, text) => {
    expect(pageRef(ref)).toBe(text);
    expect(parsePageRef(text)).toEqual(ref);
  });

  it.each([
    'incident:12:card',
    'page:x:task',
    'page:12',
    'page:12:dm:U0ALICE:0',
    'page:12:dm::0:1',
    'page:12:channel:a:1',
    'page:12:task:extra',
    'page:12:rule:x:U0CTO',
    'page:12:rule:3',
    'page:12:unknown:0:1',
    'alert:4',
  ])('%s is no page message ref', (text) => expect(parsePageRef(text)).toBeNull());

  it('names the page of a timer subject or ref', () => {
    expect(pageSubject(4)).toBe('page:4');
    expect(pageIdOf(pageSubject(4))).toBe(4);
    expect(pageIdOf('page:4:dm:U1:0:0')).toBe(4);
    expect(pageIdOf('incident:4')).toBeNull();
  });
});

describe("sourceIdOf: the number in a page's own sourceRef", () => {
  it.each<[string, string, string | null | undefined, number | null]>([
    ['an incident page', 'incident', 'incident:12', 12],
    ['an alert page', 'alert', 'alert:40', 40],
    ['a ref of another source', 'incident', 'alert:40', null],
    ['a longer ref (a message of the incident)', 'incident', 'incident:12:card', null],
    ['no ref', 'person', null, null],
    ['not a number', 'incident', 'incident:twelve', null],
  ])('%s', (_what, source, sourceRef, expected) => {
    expect(sourceIdOf({ source, sourceRef })).toBe(expected);
  });
});
