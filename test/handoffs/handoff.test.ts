import { afterEach, describe, expect, it } from 'vitest';
import { HANDOFF_TEMPLATE_PRESETS } from '../../src/config/presets.js';
import { alerts, handoffs } from '../../src/db/schema.js';
import { HANDOFF_ACTIONS, HANDOFF_VIEW } from '../../src/handoffs/handoff-blocks.js';
import { pagesText, prefillFields, type ShiftFacts } from '../../src/handoffs/prefill.js';
import { FakeClock, HOUR, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload, viewSubmissionPayload } from '../support/signed-requests.js';
import { POLICY } from '../incidents/incident-support.js';

// Week of 2026-11-16: Bob primary, Carol secondary. The boundary is Monday 2026-11-23 09:00 UTC: Carol primary, Dan secondary.
const BOUNDARY = Date.parse('2026-11-23T09:00:00Z');
const at = (iso: string) => Date.parse(iso);

describe('prefill from the shift', () => {
  /** Still open at the boundary: Bob commands it. */
  const CHECKOUT: ShiftFacts['activeIncidents'][number] = {
    id: 7,
    severity: 'P1',
    title: 'Checkout 500s',
    status: 'monitoring',
    commander: 'U0BOB',
    declaredAt: at('2026-11-22T21:00:00Z'),
    resolvedAt: null,
  };
  const facts: ShiftFacts = {
    zone: 'UTC',
    shiftStart: at('2026-11-16T09:00:00Z'),
    now: at('2026-11-23T08:00:00Z'),
    activeIncidents: [CHECKOUT],
    shiftIncidents: [
      {
        id: 6,
        severity: 'P2',
        title: 'Slow search',
        status: 'resolved',
        commander: 'U0BOB',
        declaredAt: at('2026-11-18T10:00:00Z'),
        resolvedAt: at('2026-11-18T12:30:00Z'),
      },
      CHECKOUT,
    ],
    pages: [
      {
        id: 11,
        severity: 'P1',
        summary: 'Checkout 500s',
        createdAt: at('2026-11-22T21:00:00Z'),
        ackedAt: at('2026-11-22T21:20:00Z'),
        breachedAt: at('2026-11-22T21:15:00Z'),
      },
      {
        id: 12,
        severity: 'P2',
        summary: 'Disk 85%',
        createdAt: at('2026-11-20T10:00:00Z'),
        ackedAt: at('2026-11-20T10:04:00Z'),
        breachedAt: null,
      },
      { id: 13, severity: 'P2', summary: 'Cert expires in 7 days', createdAt: at('2026-11-21T10:00:00Z'), ackedAt: null, breachedAt: null },
    ],
    alerts: [
      { summary: 'HighLatency', service: 'api', status: 'resolved', count: 214, lastSeenAt: at('2026-11-21T03:00:00Z') },
      { summary: 'DiskFilling', service: 'billing', status: 'firing', count: 9, lastSeenAt: at('2026-11-23T07:10:00Z') },
      { summary: 'OneOff', service: null, status: 'resolved', count: 1, lastSeenAt: at('2026-11-19T03:00:00Z') },
    ],
  };
  const ACTIVE = '#7 [P1] Checkout 500s: monitoring, commander <@U0BOB>';
  const RECENT =
    '#6 [P2] Slow search: declared Wed 18 Nov 10:00, resolved Wed 18 Nov 12:30\n#7 [P1] Checkout 500s: declared Sun 22 Nov 21:00, still monitoring';
  const RISKS =
    'Noisy alerts:\nHighLatency (api) fired ×214\nDiskFilling (billing) fired ×9\nUnacknowledged in the last 2 h:\nDiskFilling (billing): firing, unacknowledged, last Mon 23 Nov 07:10';

  it.each([
    ['sovren', [ACTIVE, RISKS, '', '']],
    ['weekly', [ACTIVE, RECENT, '', '', RISKS]],
    ['support', [ACTIVE, '', '', '', '', '', RISKS, '']],
  ])('the %s template', (name, expected) => {
    expect(prefillFields(HANDOFF_TEMPLATE_PRESETS[name]!, facts)).toEqual(expected);
  });

  it('pages: count, mean time to acknowledge, breaches, each page', () => {
    expect(pagesText(facts)).toBe(
      [
        '3 pages, mean time to acknowledge 12 min, 1 ack-SLA breach',
        '#11 [P1] Checkout 500s: acknowledged after 20 min (ack SLA breached)',
        '#12 [P2] Disk 85%: acknowledged after 4 min',
        '#13 [P2] Cert expires in 7 days: not acknowledged',
      ].join('\n'),
    );
  });

  it('a quiet shift says so', () => {
    const quiet = { ...facts, activeIncidents: [], shiftIncidents: [], pages: [], alerts: [] };
    expect(prefillFields(HANDOFF_TEMPLATE_PRESETS.weekly!, quiet)).toEqual(['None', 'None', '', '', 'Nothing noisy or unacknowledged']);
    expect(pagesText(quiet)).toBe('No pages');
  });
});

let t: TestApp;
afterEach(async () => t?.close());

async function start(now: number) {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock(now) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

type Input = { block_id: string; optional?: boolean; label: { text: string }; element: { initial_value?: string } };

const sovrenValues = (values: string[]) =>
  Object.fromEntries(values.map((value, n) => [`field:${n}`, { value: { type: 'plain_text_input', value } }]));
const metadataOf = (view: { private_metadata: string }) => view.private_metadata;

async function openForm(user = 'U0BOB', text = '') {
  const answer = await t.command('/handoff', text, user, { channelId: 'C0BACKEND' });
  expect(answer.text).toBe('');
  return t.standIn.take('views.open')[0]!.args.view as { private_metadata: string; blocks: Input[] };
}

describe('/handoff end to end', () => {
  it('opens the template prefilled from the shift, posts it mentioning the incoming engineer, and only they can confirm', async () => {
    await start(BOUNDARY - 90 * MINUTE);
    // The shift: an incident Bob commands, a page he acknowledged late, a noisy alert.
    t.app.engine.transact((tx) => {
      t.app.incidents.declare(tx, {
        title: 'Checkout 500s',
        severity: 'P1',
        service: 'checkout',
        environment: 'prod',
        impact: 'EU cannot pay',
        tags: [],
        declaredBy: 'U0BOB',
        rotation: 'backend',
        channelId: 'C0INC9',
        announceChannel: null,
      });
      tx.db
        .insert(alerts)
        .values({
          integration: 'prometheus',
          source: 'alertmanager',
          dedupKey: 'fp1',
          status: 'firing',
          service: 'api',
          severity: 'P2',
          rotation: 'backend',
          summary: 'HighLatency',
          details: '',
          labels: {},
          links: [],
          count: 37,
          firstSeenAt: tx.now - HOUR,
          lastSeenAt: tx.now - MINUTE,
        })
        .run();
    });
    t.clock.advance(20 * MINUTE);
    await t.interact(blockActionPayload('U0BOB', 'page.ack', '1'));
    await t.app.drainer.drain();
    t.standIn.take('chat.postMessage');
    t.standIn.take('conversations.invite');
    t.standIn.take('chat.update');

    const view = await openForm();
    const inputs = view.blocks.filter((b) => b.block_id?.startsWith('field:'));
    expect(inputs.map((b) => [b.label.text, b.optional, b.element.initial_value])).toEqual([
      ['Active incidents', false, '#1 [P1] Checkout 500s: investigating, commander <@U0BOB>'],
      [
        'Elevated risk areas',
        true,
        'Noisy alerts:\nHighLatency (api) fired ×37\nUnacknowledged in the last 2 h:\nHighLatency (api): firing, unacknowledged, last Mon 23 Nov 07:29',
      ],
      ['Changes made during shift', true, undefined],
      ['Action items handed off', true, undefined],
    ]);
    const context = JSON.stringify(view.blocks[1]);
    expect(context).toContain('*Incidents this shift*\\n#1 [P1] Checkout 500s: declared Mon 23 Nov 07:30, still investigating');
    expect(context).toContain(
      '*Pages this shift*\\n1 page, mean time to acknowledge 20 min, 1 ack-SLA breach\\n#1 [P1] Checkout 500s: acknowledged after 20 min (ack SLA breached)',
    );
    expect(JSON.parse(metadataOf(view))).toEqual({ rotation: 'backend', boundary: BOUNDARY, outgoing: 'U0BOB', incoming: 'U0CAROL' });

    // A required field left empty: the error is on it, nothing is posted.
    const missing = await t.interact(
      viewSubmissionPayload('U0BOB', HANDOFF_VIEW, sovrenValues(['  ', 'flaky latency alert']), metadataOf(view)),
    );
    expect(missing.json()).toEqual({
      response_action: 'errors',
      errors: { 'field:0': '"Active incidents" is required: None, or each open P1/P2 with its status. Write "None" if there is nothing.' },
    });
    expect(t.store.db.select().from(handoffs).all()).toEqual([]);

    const posted = await t.interact(
      viewSubmissionPayload(
        'U0BOB',
        HANDOFF_VIEW,
        sovrenValues(['#1 checkout, monitoring', 'HighLatency is noisy', '', 'renew the cert']),
        metadataOf(view),
      ),
    );
    expect(posted.text).toBe('');
    await t.app.drainer.drain();
    const [message] = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0BACKEND');
    expect(String(message!.args.text)).toBe(
      [
        ':handshake: *backend handoff* for the shift starting <!date^1795424400^{date_short_pretty} {time}|23 Nov 2026, 09:00 UTC>: <@U0BOB> → <@U0CAROL>',
        '*Active incidents*\n#1 checkout, monitoring',
        '*Elevated risk areas*\nHighLatency is noisy',
        '*Changes made during shift*\n_nothing to report_',
        '*Action items handed off*\nrenew the cert',
        ':warning: Incident #1 [P1] Checkout 500s is active: <@U0BOB> stays commander until they hand it over with `/incident commander <@U0CAROL>`.',
      ].join('\n\n'),
    );
    expect(JSON.stringify(message!.args.blocks)).toContain(`"action_id":"${HANDOFF_ACTIONS.confirm}"`);

    // Dan is not the incoming engineer.
    await t.interact(blockActionPayload('U0DAN', HANDOFF_ACTIONS.confirm, '1', { channel: { id: 'C0BACKEND' } }));
    const [refusal] = await Promise.all([t.standIn.waitFor('chat.postEphemeral')]);
    expect(refusal.args).toMatchObject({ user: 'U0DAN', text: 'Only <@U0CAROL> can confirm this handoff: it is theirs to receive.' });
    expect(t.store.db.select().from(handoffs).get()!.confirmedBy).toBeNull();

    await t.interact(blockActionPayload('U0CAROL', HANDOFF_ACTIONS.confirm, '1', { channel: { id: 'C0BACKEND' } }));
    await t.app.drainer.drain();
    const [edit] = t.standIn.take('chat.update', (a) => a.channel === 'C0BACKEND');
    expect(JSON.stringify(edit!.args.blocks)).toContain(':white_check_mark: Handoff received by <@U0CAROL>');
    expect(JSON.stringify(edit!.args.blocks)).not.toContain(HANDOFF_ACTIONS.confirm);
    expect(t.store.db.select().from(handoffs).get()).toMatchObject({ confirmedBy: 'U0CAROL', outgoing: 'U0BOB', incoming: 'U0CAROL' });

    const history = ((await t.command('/handoff', 'history backend')).json() as { text: string }).text;
    expect(history).toMatch(
      /^\*Handoffs for backend\* \(newest first\)\n• <!date\^1795424400\^.*> \*backend\* handoff: <@U0BOB> → <@U0CAROL>, confirmed by <@U0CAROL> <https:\/\/slack\.com\/archives\/C0BACKEND\/p\d+\|view>$/,
    );
  });

  it.each([
    ['frontend', '`/handoff` has no subcommand `frontend`.'],
    ['history frontend', '"frontend" is not a rotation (rotations: backend). Usage: `/handoff history [rotation] [n]`.'],
    ['history backend 0', 'How many? A number from 1 to 50'],
  ])('/handoff %s explains what is wrong', async (text, expected) => {
    await start(BOUNDARY - HOUR);
    expect(((await t.command('/handoff', text, 'U0DAN')).json() as { text: string }).text).toContain(expected);
  });
});

describe('handoff timers around a boundary', () => {
  // The shift-change announcement itself is the schedule's (test/schedules); these are the handoff's messages.
  const nudges = () =>
    t.standIn
      .take('chat.postMessage', (a) => !String(a.text).startsWith(':arrows_counterclockwise:'))
      .map((c) => `${new Date(t.clock.now()).toISOString().slice(11, 16)} ${String(c.args.channel)} ${String(c.args.text).split(' ')[0]}`);

  async function runUntil(iso: string): Promise<string[]> {
    const seen: string[] = [];
    while (t.clock.now() < at(iso)) {
      await t.advance(5 * MINUTE);
      seen.push(...nudges());
    }
    return seen;
  }

  it('prompts the outgoing an hour before, reminds the channel at the boundary, nudges the incoming at 2 h and tells the lead at 4 h', async () => {
    await start(at('2026-11-23T07:30:00Z'));
    const seen = await runUntil('2026-11-23T14:00:00Z');
    // The week's report goes to the channel at the boundary too (test/reports).
    expect(seen).toEqual([
      '08:00 U0BOB :hourglass:',
      '09:00 C0BACKEND *On-call',
      '09:00 C0BACKEND :bell:',
      '11:00 U0CAROL :wave:',
      '13:00 U0LEAD :information_source:',
    ]);
  });

  it('a handoff posted before the boundary and confirmed: no reminder, no nudges', async () => {
    await start(at('2026-11-23T07:30:00Z'));
    expect(await runUntil('2026-11-23T08:30:00Z')).toEqual(['08:00 U0BOB :hourglass:']);
    const prompt = (await openForm()).private_metadata;
    await t.interact(viewSubmissionPayload('U0BOB', HANDOFF_VIEW, sovrenValues(['None']), prompt));
    await t.app.drainer.drain();
    expect(nudges()).toEqual(['08:30 C0BACKEND :handshake:']);
    expect(await runUntil('2026-11-23T10:00:00Z')).toEqual(['09:00 C0BACKEND *On-call']);
    await t.interact(blockActionPayload('U0CAROL', HANDOFF_ACTIONS.confirm, '1'));
    await t.app.drainer.drain();
    t.standIn.take('chat.update');
    expect(await runUntil('2026-11-23T14:00:00Z')).toEqual([]);
  });

  it('the prompt button opens the prefilled form for that boundary', async () => {
    await start(at('2026-11-23T07:30:00Z'));
    await runUntil('2026-11-23T08:05:00Z');
    await t.interact(blockActionPayload('U0BOB', HANDOFF_ACTIONS.open, `backend|${BOUNDARY}`));
    const opened = await t.standIn.waitFor('views.open');
    expect(JSON.parse((opened.args.view as { private_metadata: string }).private_metadata)).toMatchObject({
      boundary: BOUNDARY,
      outgoing: 'U0BOB',
      incoming: 'U0CAROL',
    });
  });
});

describe('/handoff emergency', () => {
  it('the secondary becomes primary for the rest of the shift, the channel is told, and the first volunteer covers secondary', async () => {
    await start(at('2026-11-19T14:00:00Z')); // Thursday: Bob primary, Carol secondary
    const answer = ((await t.command('/handoff', 'emergency family emergency', 'U0BOB')).json() as { text: string }).text;
    expect(answer).toMatch(/^<@U0CAROL> is backend primary until <!date\^1795424400\^/);
    await t.app.drainer.drain();
    const [notice] = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0BACKEND');
    expect(String(notice!.args.text)).toMatch(
      /^:sos: Emergency handoff on \*backend\*: <@U0BOB> is off \(family emergency\)\. <@U0CAROL> is primary until <!date.*>\. Secondary is uncovered: who can take it\?$/,
    );
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0CAROL')).toHaveLength(1);
    expect(((await t.command('/oncall', 'who backend')).json() as { text: string }).text).toContain('<@U0CAROL>');

    // A page now goes to Carol.
    await t.command('/oncall', 'page backend --severity P1 disk full', 'U0ALICE');
    await t.app.drainer.drain();
    expect(
      t.standIn.take('chat.postMessage', (a) => a.channel === 'U0CAROL' && String(a.text).startsWith(':rotating_light: Page')),
    ).toHaveLength(1);
    t.standIn.take('chat.postMessage');

    await t.interact(blockActionPayload('U0DAN', HANDOFF_ACTIONS.cover, '1', { channel: { id: 'C0BACKEND' } }));
    await t.app.drainer.drain();
    const [edit] = t.standIn.take('chat.update', (a) => a.channel === 'C0BACKEND');
    expect(String(edit!.args.text)).toContain(':white_check_mark: <@U0DAN> covers secondary until');
    await t.interact(blockActionPayload('U0ALICE', HANDOFF_ACTIONS.cover, '1', { channel: { id: 'C0BACKEND' } }));
    expect((await t.standIn.waitFor('chat.postEphemeral')).args.text).toBe('<@U0DAN> already covers secondary. Thank you all the same.');
    // The P1 chain's second step (45 min) now reaches Dan.
    await t.advance(45 * MINUTE);
    expect(
      t.standIn.take('chat.postMessage', (a) => a.channel === 'U0DAN' && String(a.text).startsWith(':rotating_light: Page')),
    ).toHaveLength(1);
    const history = ((await t.command('/handoff', 'history')).json() as { text: string }).text;
    expect(history).toContain(':sos: emergency (family emergency): <@U0BOB> → <@U0CAROL>, confirmed by <@U0CAROL>');
  });
});
