import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { overrides, swapRequests } from '../../src/db/schema.js';
import { planSwap, SWAP_ACTIONS } from '../../src/schedules/swap.js';
import { whoIsOnCall } from '../../src/schedules/rotation.js';
import { FakeClock, HOUR } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

const POLICY = parsePolicyText(
  [
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL, U0DAN]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
    '    channel: C0BACKEND',
  ].join('\n'),
  'test.yml',
);
const backend = POLICY.rotations.backend!;
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-01-06T12:00:00Z');

describe('planSwap with a staggered secondary (2-week shifts, the secondary handing off a week in)', () => {
  const grown = parsePolicyText(
    [
      'rotations:',
      '  platform:',
      '    members: [U0ANA, U0BEN, U0CAT, U0DEV]',
      '    shift: { every: 2w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
      '    secondary_offset: 2',
      '    secondary_handoff_after: 1w',
    ].join('\n'),
    'grown.yml',
  ).rotations.platform!;
  const week = (n: number) => at('2026-01-05T09:00:00Z') + n * 7 * 24 * HOUR;
  const before = week(0) - HOUR;

  it("the secondary's turn is its own two weeks, given back from the partner's next turn in which the requester is not primary", () => {
    // Six people: Dev is secondary weeks 3-4 (Ben, then Cat primary); Ana's next turn is weeks 9-10 (Eve, then Fay).
    const six = { ...grown, members: ['U0ANA', 'U0BEN', 'U0CAT', 'U0DEV', 'U0EVE', 'U0FAY'] };
    const result = planSwap(six, [], 'U0DEV', 'U0ANA', week(3) + HOUR, before);
    expect(result).toMatchObject({
      ok: true,
      plan: { role: 'secondary', shiftStart: week(3), shiftEnd: week(5), returnStart: week(9), returnEnd: week(11) },
    });
  });

  it('a partner who is primary in any part of that turn is refused, even if not on the day named', () => {
    // Ana is primary in week 1 only (her shift ends at week 2): taking Cat's weeks 1-2 would make her both.
    expect(planSwap(grown, [], 'U0CAT', 'U0ANA', week(2) + HOUR, before)).toEqual({
      ok: false,
      error: '<@U0ANA> is already primary in that shift; pick someone who is free then.',
    });
  });

  it("no turn to give back when each of the partner's turns overlaps the requester's primary shift: a one-way cover", () => {
    // With four people, Dev's secondary turns always span Ben's and Cat's primary shifts: Cat can never take one back.
    expect(planSwap(grown, [], 'U0CAT', 'U0DEV', week(2) + HOUR, before)).toMatchObject({
      ok: true,
      plan: { shiftStart: week(1), shiftEnd: week(3), returnStart: null, returnEnd: null },
    });
  });
});

describe('planSwap (pure)', () => {
  it("trades the requester's shift for the partner's next shift of the same role", () => {
    // Alice is primary the week of 2026-01-19 (shift 2 is Carol's... shift 0 Alice, 4 Alice). Take shift 4: 2026-02-02.
    const result = planSwap(backend, [], 'U0ALICE', 'U0CAROL', at('2026-02-03T00:00:00Z'), NOW);
    expect(result).toEqual({
      ok: true,
      plan: {
        rotation: 'backend',
        role: 'primary',
        requester: 'U0ALICE',
        partner: 'U0CAROL',
        shiftStart: at('2026-02-02T09:00:00Z'),
        shiftEnd: at('2026-02-09T09:00:00Z'),
        returnStart: at('2026-02-16T09:00:00Z'),
        returnEnd: at('2026-02-23T09:00:00Z'),
        expiresAt: NOW + 48 * HOUR,
      },
    });
  });

  it('never gives back a shift in which the requester is already secondary: no return, a one-way cover', () => {
    // Alice is primary the week of 2 February; Dan's next primary weeks (23 February, 23 March) both have Alice
    // as secondary, so taking one would make her primary and secondary at once.
    const result = planSwap(backend, [], 'U0ALICE', 'U0DAN', at('2026-02-03T00:00:00Z'), NOW);
    expect(result).toMatchObject({
      ok: true,
      plan: { partner: 'U0DAN', shiftStart: at('2026-02-02T09:00:00Z'), returnStart: null, returnEnd: null },
    });
    expect(whoIsOnCall(backend, [], at('2026-02-24T00:00:00Z'))).toMatchObject({
      primary: { userId: 'U0DAN' },
      secondary: { userId: 'U0ALICE' },
    });
  });

  it.each([
    ['U0ALICE', 'U0ALICE', '2026-02-03T00:00:00Z', 'You cannot swap with yourself'],
    ['U0ALICE', 'U0ZED', '2026-02-03T00:00:00Z', '<@U0ZED> is not in *backend*'],
    ['U0ALICE', 'U0CAROL', '2026-01-13T00:00:00Z', 'You are not on call in *backend* during the shift of'],
    ['U0ALICE', 'U0BOB', '2026-02-03T00:00:00Z', '<@U0BOB> is already secondary in that shift'],
  ])('%s with %s on %s is refused: %s', (requester, partner, date, message) => {
    const result = planSwap(backend, [], requester, partner, at(date), NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });
});

describe('/oncall swap with Accept and Decline buttons', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  async function propose(): Promise<number> {
    const answer = (await t.command('/oncall', 'swap <@U0CAROL> 2026-02-03', 'U0ALICE')).json() as { text: string };
    expect(answer.text).toMatch(/^Swap request #\d+ sent to <@U0CAROL>: .*Nothing changes until they accept/);
    await t.tick();
    const [dm] = t.standIn.take('chat.postMessage', (a) => a.channel === 'U0CAROL');
    const actions = (dm!.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
      (b) => b.type === 'actions',
    )!;
    expect(actions.elements!.map((e) => e.action_id)).toEqual([SWAP_ACTIONS.accept, SWAP_ACTIONS.decline]);
    return Number(actions.elements![0]!.value);
  }

  const press = (userId: string, actionId: string, id: number) =>
    t.interact(blockActionPayload(userId, actionId, String(id), { channel: { id: 'DCAROL' } }));

  it('changes the schedule only when the partner accepts; others are told who may', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
    const id = await propose();
    expect(t.store.db.select().from(overrides).all()).toEqual([]);

    expect((await press('U0DAN', SWAP_ACTIONS.accept, id)).status).toBe(200);
    const refusal = await t.standIn.waitFor('chat.postEphemeral');
    expect(refusal.args).toMatchObject({ user: 'U0DAN', text: `Only <@U0CAROL> can answer swap request #${id}; it was sent to them.` });
    expect(t.store.db.select().from(overrides).all()).toEqual([]);

    await press('U0CAROL', SWAP_ACTIONS.accept, id);
    await t.tick();
    expect(t.store.db.select().from(swapRequests).all()[0]).toMatchObject({ status: 'accepted' });
    const week = whoIsOnCall(backend, t.store.db.select().from(overrides).all() as never, at('2026-02-03T00:00:00Z'));
    expect(week.primary).toMatchObject({ userId: 'U0CAROL', why: { kind: 'swap' } });
    const back = whoIsOnCall(backend, t.store.db.select().from(overrides).all() as never, at('2026-02-17T00:00:00Z'));
    expect(back.primary).toMatchObject({ userId: 'U0ALICE', why: { kind: 'swap' } });

    const [edit] = t.standIn.take('chat.update');
    expect(String(edit!.args.text)).toContain('accepted by <@U0CAROL>');
    expect(edit!.args.channel).toBe('U0CAROL');
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'C0BACKEND')).toHaveLength(1);
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0ALICE')).toHaveLength(1);
    expect(t.standIn.unasserted()).toEqual([]);

    await press('U0CAROL', SWAP_ACTIONS.accept, id);
    expect((await t.standIn.waitFor('chat.postEphemeral')).args.text).toBe(`Swap request #${id} was already accepted.`);
  });

  it('declined: nothing changes and the requester is told', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
    const id = await propose();
    await press('U0CAROL', SWAP_ACTIONS.decline, id);
    await t.tick();
    expect(t.store.db.select().from(overrides).all()).toEqual([]);
    expect(String(t.standIn.take('chat.update')[0]!.args.text)).toContain('declined by <@U0CAROL>');
    expect(String(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0ALICE')[0]!.args.text)).toContain(
      'declined your swap request',
    );
  });

  it('expired: lapses after 48 hours unanswered, and a late Accept changes nothing', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
    const id = await propose();
    await t.advance(48 * HOUR - 1000);
    expect(t.store.db.select().from(swapRequests).all()[0]).toMatchObject({ status: 'pending' });
    await t.advance(1000);
    expect(t.store.db.select().from(swapRequests).all()[0]).toMatchObject({ status: 'expired' });
    expect(String(t.standIn.take('chat.update')[0]!.args.text)).toContain('expired unanswered');
    expect(String(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0ALICE')[0]!.args.text)).toContain('expired unanswered');
    await press('U0CAROL', SWAP_ACTIONS.accept, id);
    expect((await t.standIn.waitFor('chat.postEphemeral')).args.text).toBe(`Swap request #${id} was already expired.`);
    expect(t.store.db.select().from(overrides).all()).toEqual([]);
  });

  it('explains a wrong form', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
    const answer = (await t.command('/oncall', 'swap carol someday', 'U0ALICE')).json() as { text: string };
    expect(answer.text).toBe(
      '"carol" is not a person; mention them with @.\nUsage: `/oncall swap @other <date in your shift> [rotation]`\nExample: `/oncall swap @bob 2026-12-14`',
    );
  });
});
