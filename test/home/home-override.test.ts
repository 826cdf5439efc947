import { afterEach, describe, expect, it } from 'vitest';
import { overrides } from '../../src/db/schema.js';
import { HOME_ACTIONS } from '../../src/home/home-view.js';
import { OVERRIDE_VIEW } from '../../src/schedules/override-form.js';
import { FakeClock } from '../../src/time/clock.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload, viewSubmissionPayload } from '../support/signed-requests.js';
import { openHome, republished } from './home-support.js';

// Friday 20 Nov 2026 14:00 UTC: backend's Bob is primary and Carol secondary until Monday 09:00.
const NOW = Date.parse('2026-11-20T14:00:00Z');
const HOUR = 3_600_000;
const sec = (ms: number) => ms / 1000;

let t: TestApp;
afterEach(async () => t?.close());

async function started(): Promise<TestApp> {
  const app = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN', 'U0LEAD']) app.standIn.addUser({ id });
  return app;
}

interface Form {
  rotation?: unknown;
  role?: unknown;
  who?: unknown;
  from?: unknown;
  to?: unknown;
}

/** The form's state as Slack sends it: a select's and a radio's option, a users_select's user, two datetimepickers' seconds. */
function formValues(form: Form): Record<string, Record<string, unknown>> {
  return {
    rotation: { value: { type: 'static_select', selected_option: form.rotation === undefined ? null : { value: form.rotation } } },
    role: { value: { type: 'radio_buttons', selected_option: form.role === undefined ? null : { value: form.role } } },
    who: { value: { type: 'users_select', selected_user: form.who ?? null } },
    from: { value: { type: 'datetimepicker', selected_date_time: form.from ?? null } },
    to: { value: { type: 'datetimepicker', selected_date_time: form.to ?? null } },
  };
}

const VALID: Form = { rotation: 'backend', role: 'primary', who: 'U0DAN', from: sec(NOW), to: sec(NOW + 19 * HOUR) };

function submit(userId: string, form: Form) {
  return t.interact(viewSubmissionPayload(userId, OVERRIDE_VIEW, formValues(form)));
}

const errorLogs = () => t.logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

describe('App Home: the Override button and its form', () => {
  it("the button opens the form with the policy's rotations, primary chosen, the clicker as who, and the next whole hour for a day", async () => {
    t = await started();
    const home = await openHome(t, 'U0ALICE');
    const buttons = home.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.map((e) => e.action_id)).toContain(HOME_ACTIONS.override);

    t.clock.advance(20 * 60_000); // 14:20: the form proposes 15:00
    expect((await t.interact(blockActionPayload('U0ALICE', HOME_ACTIONS.override, 'home'))).status).toBe(200);
    const opened = await t.standIn.waitFor('views.open');
    expect(opened.args.trigger_id).toBe('1337.42.abcd');
    const view = opened.args.view as { callback_id: string; blocks: Array<{ block_id?: string; element?: Record<string, unknown> }> };
    expect(view.callback_id).toBe(OVERRIDE_VIEW);
    const element = (id: string) => view.blocks.find((b) => b.block_id === id)!.element!;
    expect(element('rotation')).toMatchObject({
      type: 'static_select',
      options: [{ value: 'backend' }],
      initial_option: { value: 'backend' },
    });
    expect(element('role')).toMatchObject({
      type: 'radio_buttons',
      options: [{ value: 'primary' }, { value: 'secondary' }],
      initial_option: { value: 'primary' },
    });
    expect(element('who')).toMatchObject({ type: 'users_select', initial_user: 'U0ALICE' });
    expect(element('from')).toMatchObject({ type: 'datetimepicker', initial_date_time: sec(NOW + HOUR) });
    expect(element('to')).toMatchObject({ type: 'datetimepicker', initial_date_time: sec(NOW + 25 * HOUR) });
  });

  it('a valid submission closes the form, writes the override, confirms by DM and republishes the Home of a recent viewer with the new primary', async () => {
    t = await started();
    expect((await openHome(t, 'U0LEAD')).text).toContain('*backend*: primary <@U0BOB>');

    const answer = await submit('U0ALICE', VALID);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect(t.store.db.select().from(overrides).all()).toEqual([
      expect.objectContaining({
        id: 1,
        rotation: 'backend',
        role: 'primary',
        userId: 'U0DAN',
        startsAt: NOW,
        endsAt: NOW + 19 * HOUR,
        reason: 'override',
        createdBy: 'U0ALICE',
        cancelledAt: null,
      }),
    ]);
    const home = await republished(t, 'U0LEAD');
    expect(home?.text).toContain(`*backend*: primary <@U0DAN>, secondary <@U0CAROL>, until <!date^${sec(NOW + 19 * HOUR)}^`);
    const [dm] = t.standIn.take('chat.postMessage', (a) => a.channel === 'U0ALICE');
    expect(String(dm?.args.text)).toMatch(
      /^:white_check_mark: Override #1: <@U0DAN> is primary of \*backend\* from <!date\^1795183200\^.* Undo with `\/oncall cancel 1`\.$/,
    );
    expect(await t.command('/oncall', 'who backend').then((a) => (a.json() as { text: string }).text)).toContain('Primary: <@U0DAN>');
  });

  it('a secondary for someone else, asked by the engineering lead (an admin), is written as asked', async () => {
    t = await started();
    expect((await submit('U0LEAD', { ...VALID, role: 'secondary', who: 'U0ALICE', from: sec(NOW + 2 * HOUR) })).text).toBe('');
    expect(t.store.db.select().from(overrides).get()).toMatchObject({
      role: 'secondary',
      userId: 'U0ALICE',
      startsAt: NOW + 2 * HOUR,
      createdBy: 'U0LEAD',
    });
  });

  it.each<[string, string, Form, Record<string, RegExp>]>([
    [
      'the end before the start',
      'U0ALICE',
      { ...VALID, from: sec(NOW + 5 * HOUR), to: sec(NOW + 4 * HOUR) },
      { to: /^The end \(20 Nov 2026, 18:00 UTC\) must be after the start \(20 Nov 2026, 19:00 UTC\)\.$/ },
    ],
    [
      'the end already past',
      'U0ALICE',
      { ...VALID, from: sec(NOW - 5 * HOUR), to: sec(NOW - HOUR) },
      { to: /^That override would already be over \(20 Nov 2026, 13:00 UTC is in the past\)\.$/ },
    ],
    [
      'someone outside the rotation',
      'U0STRANGER',
      VALID,
      {
        rotation:
          /^Only members of backend \(@U0ALICE, @U0BOB, @U0CAROL, @U0DAN\), the engineering_lead \(@U0LEAD\), .* can change the schedule of backend\. Ask one of them\.$/,
      },
    ],
    [
      'a person Slack does not know',
      'U0ALICE',
      { ...VALID, who: 'U0NOBODY' },
      { who: /^I cannot find @U0NOBODY in this workspace \(or they were deactivated\)\.$/ },
    ],
    [
      'a rotation that is not in the policy',
      'U0ALICE',
      { ...VALID, rotation: 'constructor' },
      { rotation: /^There is no rotation "constructor"\. Rotations: "backend"\.$/ },
    ],
    [
      'nothing chosen at all',
      'U0ALICE',
      {},
      {
        rotation: /^Choose the rotation\.$/,
        role: /^Choose primary or secondary\.$/,
        who: /^Choose who takes over\.$/,
        from: /^Choose when it starts\.$/,
        to: /^Choose when it ends\.$/,
      },
    ],
    [
      'forged values of the wrong kinds',
      'U0ALICE',
      { rotation: 7, role: 'boss', who: '<@U0DAN>', from: String(sec(NOW)), to: 1e300 },
      {
        rotation: /^Choose the rotation\.$/,
        role: /^Choose primary or secondary\.$/,
        who: /^Choose a person from the list\.$/,
        from: /^Choose when it starts\.$/,
        to: /^Choose when it ends\.$/,
      },
    ],
  ])('%s: the error on its field, nothing written, nothing republished', async (_what, userId, form, expected) => {
    t = await started();
    await openHome(t, 'U0LEAD');
    const answer = await submit(userId, form);
    expect(answer.status).toBe(200);
    const body = answer.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(Object.keys(expected).sort());
    for (const [field, message] of Object.entries(expected)) expect(body.errors[field]).toMatch(message);
    expect(t.store.db.select().from(overrides).all()).toEqual([]);
    expect(await republished(t, 'U0LEAD')).toBeUndefined();
    expect(t.standIn.take('chat.postMessage')).toEqual([]);
    expect(errorLogs()).toEqual([]);
  });

  it('a view with no state at all gets field errors, not a failure', async () => {
    t = await started();
    const payload = viewSubmissionPayload('U0ALICE', OVERRIDE_VIEW, {});
    (payload.view as Record<string, unknown>).state = 'junk';
    const answer = await t.interact(payload);
    expect(answer.status).toBe(200);
    expect(Object.keys((answer.json() as { errors: Record<string, string> }).errors).sort()).toEqual([
      'from',
      'role',
      'rotation',
      'to',
      'who',
    ]);
    expect(errorLogs()).toEqual([]);
  });
});
