import { afterEach, describe, expect, it } from 'vitest';
import { HOME_ACTIONS } from '../../src/home/home-view.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { openHome as openHomeOf, viewOf } from './home-support.js';

const POLICY = EXAMPLE_POLICY;
// Friday 20 Nov 2026 14:00 UTC: shift 45 of backend, Bob primary, Carol secondary, until Monday 09:00.
const NOW = '2026-11-20T14:00:00Z';

let t: TestApp;
afterEach(async () => t?.close());
const openHome = (user: string) => openHomeOf(t, user);

describe('App Home', () => {
  it('shows the on-call primary their rotation, next shifts, unacknowledged page with its button, and the handoff button', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
    const paged = await t.command('/oncall', 'page backend --severity P1 checkout returns 500', 'U0ALICE');
    const pageId = /page #(\d+)/.exec((paged.json() as { text: string }).text)![1]!;

    const home = await openHome('U0BOB');
    expect(home.text).toContain('*backend*: primary <@U0BOB>, secondary <@U0CAROL>, until <!date^1795424400^');
    expect(home.text).toMatch(/• \*backend\* primary: <!date\^\d+/);
    expect(home.text).toContain(`*[P1] checkout returns 500* (backend, page #${pageId})`);
    const ack = home.blocks.find((b) => b.accessory?.action_id === PAGE_ACTIONS.ack);
    expect(ack?.accessory?.value).toBe(pageId);
    const actions = home.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(actions.map((e) => e.action_id)).toEqual([HOME_ACTIONS.declare, HOME_ACTIONS.override, 'handoff.open']);
    expect(actions[2]!.value).toBe('backend|1795424400000');
  });

  it('a member with no shifts and no pages sees that plainly, and the declare button opens the form', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
    const home = await openHome('U0LEAD');
    expect(home.text).toContain('None in the next 12 weeks.');
    expect(home.text).toContain('None. :white_check_mark:');
    expect(home.text).toContain('Open incidents');
    expect(home.blocks.find((b) => b.type === 'actions')!.elements!.map((e) => e.action_id)).toEqual([
      HOME_ACTIONS.declare,
      HOME_ACTIONS.override,
    ]);

    await t.interact(blockActionPayload('U0LEAD', HOME_ACTIONS.declare, 'home'));
    const opened = await t.standIn.waitFor('views.open');
    expect(opened.args.trigger_id).toBe('1337.42.abcd'); // the button press's own trigger
    type Input = { block_id: string; element?: { initial_value?: string; initial_option?: unknown; options?: Array<{ value: string }> } };
    const view = opened.args.view as { callback_id: string; private_metadata: string; title: { text: string }; blocks: Input[] };
    expect(view.callback_id).toBe('incident.declare');
    expect(view.title.text).toBe('Declare an incident');
    // From Home there is no title typed yet, and no severity is chosen for the declarer.
    expect(JSON.parse(view.private_metadata)).toEqual({ title: '' });
    const block = (id: string) => view.blocks.find((b) => b.block_id === id)!;
    expect(block('title').element!.initial_value).toBeUndefined();
    expect(block('severity').element!.initial_option).toBeUndefined();
    expect(block('severity').element!.options!.map((o) => o.value)).toEqual(POLICY.severities.map((s) => s.id));
    expect(block('service').element!.options!.map((o) => o.value)).toEqual(POLICY.services);
    expect(block('environment').element!.options!.map((o) => o.value)).toEqual(POLICY.environments);
  });

  it('is republished when the page is acknowledged, without the person opening it again', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
    const paged = await t.command('/oncall', 'page backend --severity P1 queue backlog growing', 'U0ALICE');
    const pageId = /page #(\d+)/.exec((paged.json() as { text: string }).text)![1]!;
    expect((await openHome('U0BOB')).text).toContain('queue backlog growing');

    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, pageId));
    await t.app.drainer.drain();
    const [fresh] = t.standIn.take('views.publish', (a) => a.user_id === 'U0BOB');
    expect(fresh).toBeDefined();
    const view = viewOf(fresh!.args);
    expect(view.text).not.toContain('queue backlog growing');
    expect(view.text).toContain('None. :white_check_mark:');
  });
});
