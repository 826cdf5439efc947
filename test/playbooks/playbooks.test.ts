import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { incidents, pages } from '../../src/db/schema.js';
import { PLAYBOOK_ACTIONS } from '../../src/playbooks/playbook-blocks.js';
import { FakeClock, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload, viewSubmissionPayload } from '../support/signed-requests.js';
import { declare, declareValues, NOW, texts } from '../incidents/incident-support.js';
import { FALSE_POSITIVES, TRUE_POSITIVES } from './secret-corpus.js';
import { checklistTick, timelineTexts } from './playbook-support.js';

const EXAMPLE = readFileSync(fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url)), 'utf8');
const POLICY = parsePolicyText(
  [
    EXAMPLE,
    'playbooks:',
    '  immediate_actions:',
    '    P0:',
    '      - { text: "automation_enabled=false", runbook: "https://wiki.example.com/runbooks/R003" }',
    '      - { text: "safe_mode=true" }',
  ].join('\n'),
  'playbooks.yml',
);

let t: TestApp;
afterEach(async () => t?.close());

async function start() {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

const say = async (text: string, user = 'U0ALICE') =>
  ((await t.command('/incident', text, user, { channelId: 'C0INC1' })).json() as { text: string }).text;
const timeline = (kind: string) => timelineTexts(t, kind);
const tick = (user: string, positions: number[]) => t.interact(checklistTick(user, positions));

describe('the triage checklist', () => {
  it('is posted at declaration; ticking records who and when in the timeline and edits the message; /incident checklist shows what is open', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    await t.app.drainer.drain();
    const [posted] = t.standIn.take('chat.postMessage', (a) => String(a.text).startsWith(':ballot_box_with_check:'));
    const options = (posted!.args.blocks as Array<{ elements?: Array<{ options: Array<{ value: string; text: { text: string } }> }> }>)[1]!
      .elements![0]!.options;
    expect(options.map((o) => o.text.text)).toEqual(POLICY.playbooks.checklist);

    t.clock.advance(2 * MINUTE);
    await tick('U0BOB', [0, 2]);
    await t.app.drainer.drain();
    expect(timeline('checklist')).toEqual([
      'Checked by <@U0BOB>: Confirm the environment: local, dev, showcase or prod',
      'Checked by <@U0BOB>: Check recent deploys (frontend and backend)',
    ]);
    const [edit] = t.standIn.take('chat.update', (a) => String(a.text).startsWith(':ballot_box_with_check:'));
    expect(edit!.args.text).toBe(':ballot_box_with_check: Triage checklist for incident #1: 2 of 7 done');
    expect(JSON.stringify(edit!.args.blocks)).toContain('"initial_options"');

    await tick('U0ALICE', [2]); // Alice unticks the first
    expect(timeline('checklist').at(-1)).toBe('Unchecked by <@U0ALICE>: Confirm the environment: local, dev, showcase or prod');
    const open = await say('checklist');
    expect(open.split('\n')[0]).toBe('*Still open on incident #1* (6 of 7):');
    expect(open).not.toContain('Check recent deploys');

    // Someone with no part in the incident cannot tick.
    await tick('U0STRANGER', [0, 1, 2]);
    expect((await t.standIn.waitFor('chat.postEphemeral')).args.text).toContain(
      'can tick the checklist of incident #1. Your tick was not recorded',
    );
    expect(timeline('checklist')).toHaveLength(3);
  });

  it('a P0 gets its immediate actions posted with runbook links, and pinned', async () => {
    await start();
    await declare(t, { severity: 'P0' });
    await t.app.drainer.drain();
    const [actions] = t.standIn.take('chat.postMessage', (a) => String(a.text).includes('Do not wait'));
    expect(actions!.args.text).toBe(
      ':rotating_light: *Do not wait: immediate actions for P0*\n• automation_enabled=false (<https://wiki.example.com/runbooks/R003|runbook>)\n• safe_mode=true',
    );
    const [pin] = t.standIn.take('pins.add');
    expect(pin!.args).toMatchObject({ channel: 'C0INC1', timestamp: actions!.response.ts });
  });
});

describe('escalation triggers', () => {
  it('/incident trigger lists them as buttons; marking one pages whom it names, raises the severity and goes into the timeline', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    await t.app.drainer.drain();
    t.standIn.take('chat.postMessage');
    const picker = (await t.command('/incident', 'trigger', 'U0ALICE', { channelId: 'C0INC1' })).json() as {
      text: string;
      blocks: unknown[];
    };
    expect(picker.text).toBe('Which escalation trigger applies to incident #1?');
    expect(JSON.stringify(picker.blocks)).toContain('"value":"1|payment-failing"');

    await t.interact(blockActionPayload('U0ALICE', PLAYBOOK_ACTIONS.trigger, '1|payment-failing', { channel: { id: 'C0INC1' } }));
    await t.app.drainer.drain();
    expect(timeline('trigger')).toEqual(['Trigger "The payment or checkout flow is failing" marked by <@U0ALICE>: paged <@U0LEAD>']);
    expect(t.store.db.select().from(incidents).get()!.severity).toBe('P0');
    expect(t.store.db.select().from(pages).get()!.severity).toBe('P0');
    expect(
      texts(
        t.standIn.take('chat.postMessage', (a) => a.channel === 'U0LEAD' && String(a.text).startsWith(':rotating_light: You are needed')),
      ),
    ).toHaveLength(1);
    expect(t.standIn.take('conversations.invite', (a) => a.users === 'U0LEAD')).toHaveLength(1);

    expect(await say('trigger payment-failing')).toContain('"payment-failing" was already marked on incident #1 by <@U0ALICE>.');
    expect(await say('trigger moon-landing')).toContain(
      '"moon-landing" is not a trigger in the policy (triggers: monitors-failing, payment-failing, data-exposure, auth-failure, customer-comms).',
    );
    // Notify-only trigger for a role the policy names.
    expect(await say('trigger customer-comms')).toBe('Marked "customer-comms" on incident #1.');
    expect(timeline('trigger').at(-1)).toBe('Trigger "Customers receive wrong or confusing replies" marked by <@U0ALICE>: told <@U0SUPP>');
    // The postmortem draft's timeline carries them.
    expect(await say('timeline')).toContain('Trigger "The payment or checkout flow is failing"');
  });

  it('a trigger ticked in the triage form is marked at declaration', async () => {
    await start();
    const payload = declareValues({ title: 'Several monitors red', environment: 'prod', impact: 'unknown yet', severity: 'P2' });
    payload.triggers = { value: { type: 'checkboxes', selected_options: [{ value: 'monitors-failing' }] } };
    await t.interact(viewSubmissionPayload('U0ALICE', 'incident.declare', payload, JSON.stringify({ channel: 'C0GENERAL' })));
    await t.standIn.waitFor('chat.postMessage', (a) => String(a.text).startsWith('[P2]'));
    expect(t.store.db.select().from(incidents).get()!.severity).toBe('P0');
    expect(timeline('trigger')).toEqual([
      'Trigger "Several monitoring channels fail at the same time" marked by <@U0ALICE>: paged <@U0CAROL>',
    ]);
  });
});

describe('classification', () => {
  it('closing as a bug ends reminders and paging, records the class and skips the postmortem', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    expect(await say('close feature')).toContain('"feature" is not a class. Use bug, configuration or support');
    expect(await say('close bug fixed in 1.43')).toBe('Incident #1 is closed as a bug.');
    const row = t.store.db.select().from(incidents).get()!;
    expect(row).toMatchObject({ status: 'resolved', classification: 'bug', postmortemDueAt: null });
    expect(t.store.db.select().from(pages).get()!.status).toBe('resolved');
    expect(timeline('classified')).toEqual(['Closed as a bug by <@U0ALICE>: fixed in 1.43 (no postmortem)']);
    await t.app.drainer.drain();
    t.standIn.take('chat.postMessage');
    t.standIn.take('chat.update');
    await t.advance(60 * MINUTE);
    expect(t.standIn.take('chat.postMessage', (a) => String(a.text).startsWith(':alarm_clock:'))).toEqual([]);
  });
});

describe('the secret-paste guard', () => {
  const SECRET = TRUE_POSITIVES[0]![0]; // a Slack bot token
  const token = /xoxb-\S+/.exec(SECRET)![0];

  it('answers the poster in thread, only to them, records the fact but never the secret, and keeps it out of the database and the log', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    await t.event({
      type: 'message',
      channel: 'C0INC1',
      user: 'U0CAROL',
      text: SECRET,
      ts: '1767600100.000100',
      event_ts: '1767600100.000100',
      channel_type: 'channel',
    });
    const reply = await t.standIn.waitFor('chat.postEphemeral');
    expect(reply.args).toMatchObject({ channel: 'C0INC1', user: 'U0CAROL', thread_ts: '1767600100.000100' });
    expect(reply.args.text).toBe(
      ':warning: Your message looks like it contains a Slack token. Please delete it now, and rotate the secret: everyone in this channel may have seen it. Share secrets through the vault, never in chat.',
    );
    expect(timeline('guard')).toEqual([
      'A message by <@U0CAROL> looked like it held Slack token; they were asked to delete it and rotate it',
    ]);
    await t.app.drainer.drain();
    t.store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(t.store.path).includes(Buffer.from(token))).toBe(false);
    expect(t.logs.lines.join('\n')).not.toContain(token);
    expect(t.logs.lines.join('\n')).toContain('a message looked like it held a secret');
  });

  it('checks alert channels too, and stays quiet on look-alikes and in channels it does not watch', async () => {
    await start();
    for (const [n, text] of FALSE_POSITIVES.slice(0, 5).entries()) {
      await t.event({
        type: 'message',
        channel: 'C0ALERTS',
        user: 'U0DAN',
        text,
        ts: `1767600200.00000${n}`,
        event_ts: `1767600200.00000${n}`,
      });
    }
    await t.event({
      type: 'message',
      channel: 'C0RANDOM',
      user: 'U0DAN',
      text: SECRET,
      ts: '1767600300.000001',
      event_ts: '1767600300.000001',
    });
    await t.event({
      type: 'message',
      channel: 'C0ALERTS',
      user: 'U0DAN',
      text: TRUE_POSITIVES[4]![0],
      ts: '1767600400.000001',
      event_ts: '1767600400.000001',
    });
    const reply = await t.standIn.waitFor('chat.postEphemeral');
    expect(reply.args).toMatchObject({ channel: 'C0ALERTS', user: 'U0DAN', text: expect.stringContaining('an AWS access key') });
    await new Promise((r) => setTimeout(r, 100));
    expect(t.standIn.attempts('chat.postEphemeral')).toHaveLength(1);
  });
});
