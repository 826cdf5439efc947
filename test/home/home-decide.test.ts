/**
 * decideHomes and viewerHome, Home's pure decisions, as tables: who had their Home republished (a week's
 * window, once each), with which call (their lane, superseding, cosmetic), and what each viewer's Home holds.
 * Backend: weekly shifts handed over Mondays 09:00 UTC, Alice → Bob → Carol; B is Monday 2026-01-12 09:00.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { PRIORITY } from '../../src/engine/outbox.js';
import { decideHomes, sharedHome, viewerHome, type HomeState, type ViewerFacts } from '../../src/home/home-decide.js';
import { homeView } from '../../src/home/home-view.js';
import type { Override } from '../../src/schedules/rotation.js';
import { DAY, HOUR, MINUTE } from '../../src/time/clock.js';

const POLICY = parsePolicyText(
  [
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
  ].join('\n'),
  'test.yml',
);

/** Monday 2026-01-12 09:00 UTC: Bob's week begins (Alice had the one before), Carol is his secondary. */
const B = Date.UTC(2026, 0, 12, 9, 0);
const NOW = B + 2 * HOUR;

const INCIDENTS = [{ id: 3, severity: 'P1', status: 'investigating', title: 'checkout down', channelId: 'C0INC' }];

function viewer(userId: string, openedAt: number, v: Partial<ViewerFacts> = {}): ViewerFacts {
  return { userId, openedAt, pages: [], contacts: [], contactNotes: [], ...v };
}

function state(viewers: ViewerFacts[], overrides: Override[] = []): HomeState {
  return { shared: { overrides, incidents: INCIDENTS }, viewers };
}

/** The decision as lines: one per call, the viewer and how it is sent. */
function published(s: HomeState, now = NOW): string[] {
  const effects = decideHomes(s, POLICY, now);
  expect(effects.writes).toEqual([]);
  expect(effects.timers).toEqual([]);
  expect(effects.events).toEqual([]);
  return effects.calls.map(
    (c) =>
      `${c.method} ${c.args.user_id as string} lane=${c.lane} ${c.supersedes ? 'supersedes' : 'queued'} ${c.priority === PRIORITY.cosmetic ? 'cosmetic' : c.priority}`,
  );
}

describe('decideHomes: whose Home is republished', () => {
  const cases: Array<[string, ViewerFacts[], string[]]> = [
    ['nobody opened it: nothing', [], []],
    [
      'two recent viewers: one publish each, in their own lane, superseding an older one not yet sent',
      [viewer('U0LEAD', NOW - HOUR), viewer('U0BOB', NOW - 3 * DAY)],
      ['views.publish U0LEAD lane=home:U0LEAD supersedes cosmetic', 'views.publish U0BOB lane=home:U0BOB supersedes cosmetic'],
    ],
    [
      'opened exactly a week ago: still a viewer',
      [viewer('U0LEAD', NOW - 7 * DAY)],
      ['views.publish U0LEAD lane=home:U0LEAD supersedes cosmetic'],
    ],
    ['opened a week and a minute ago: no longer', [viewer('U0LEAD', NOW - 7 * DAY - MINUTE)], []],
    [
      'the same viewer twice: once',
      [viewer('U0LEAD', NOW - HOUR), viewer('U0LEAD', NOW - 2 * HOUR)],
      ['views.publish U0LEAD lane=home:U0LEAD supersedes cosmetic'],
    ],
  ];
  it.each(cases)('%s', (_, viewers, expected) => {
    expect(published(state(viewers))).toEqual(expected);
  });

  it('each publish carries the view drawn for that viewer, from what is true now', () => {
    const s = state([viewer('U0LEAD', NOW - HOUR), viewer('U0BOB', NOW - HOUR)]);
    const shared = sharedHome(POLICY, s.shared, NOW);
    expect(decideHomes(s, POLICY, NOW).calls.map((c) => c.args)).toEqual([
      { user_id: 'U0LEAD', view: homeView(viewerHome(shared, s.viewers[0]!)) },
      { user_id: 'U0BOB', view: homeView(viewerHome(shared, s.viewers[1]!)) },
    ]);
  });
});

describe('viewerHome: what one viewer’s Home holds', () => {
  const page = { id: 7, severity: 'P1', summary: 'disk full', rotation: 'backend', createdAt: NOW - MINUTE };
  const until = (t: number) => (t - B) / HOUR;
  const cases: Array<[string, Override[], ViewerFacts, Record<string, unknown>]> = [
    [
      'Bob, primary this week: the rotation, his shifts from now on, the handoff button for the coming boundary, his page',
      [],
      viewer('U0BOB', NOW, { pages: [page] }),
      {
        rotations: ['backend: U0BOB / U0CAROL until +168h'],
        myShifts: [
          'primary +2h..+168h',
          'secondary +336h..+504h',
          'primary +504h..+672h',
          'secondary +840h..+1008h',
          'primary +1008h..+1176h',
        ],
        myHandoffs: ['backend +168h'],
        myPages: [7],
      },
    ],
    [
      'Alice, off this week: her next shifts, no handoff',
      [],
      viewer('U0ALICE', NOW),
      {
        rotations: ['backend: U0BOB / U0CAROL until +168h'],
        myShifts: [
          'secondary +168h..+336h',
          'primary +336h..+504h',
          'secondary +672h..+840h',
          'primary +840h..+1008h',
          'secondary +1176h..+1344h',
        ],
        myHandoffs: [],
        myPages: [],
      },
    ],
    [
      'Alice overrides Bob until 15:00 today: she is primary until then and hands off at the shift end',
      [
        {
          id: 1,
          rotation: 'backend',
          role: 'primary',
          userId: 'U0ALICE',
          startsAt: B,
          endsAt: B + 6 * HOUR,
          reason: 'override',
          createdAt: B,
        },
      ],
      viewer('U0ALICE', NOW),
      {
        rotations: ['backend: U0ALICE / U0CAROL until +6h'],
        myShifts: ['primary +2h..+6h', 'secondary +168h..+336h', 'primary +336h..+504h', 'secondary +672h..+840h', 'primary +840h..+1008h'],
        myHandoffs: ['backend +168h'],
        myPages: [],
      },
    ],
  ];
  it.each(cases)('%s', (_, overrides, v, expected) => {
    const home = viewerHome(sharedHome(POLICY, { overrides, incidents: INCIDENTS }, NOW), v);
    expect({
      rotations: home.rotations.map((r) => `${r.name}: ${r.primary} / ${r.secondary} until +${until(r.until)}h`),
      myShifts: home.myShifts.map((s) => `${s.role} +${until(s.start)}h..+${until(s.end)}h`),
      myHandoffs: home.myHandoffs.map((h) => `${h.rotation} +${until(h.boundary)}h`),
      myPages: home.myPages.map((p) => p.id),
    }).toEqual(expected);
    expect(home.incidents).toEqual(INCIDENTS);
  });
});
