/**
 * Who may do what, through the real Bolt app over signed HTTP: for each action someone may not take, the
 * refusal reaches only them and names who may instead, and the database (every row of every table, the outbox
 * included) is exactly as it was; then someone allowed does it.
 *
 * Two rotations: backend (Alice, Bob, Carol, Dan) and web (Erin, Frank, Dan). Erin stands for "someone from
 * another team". In the week of 2026-01-05 Alice is backend primary and Bob secondary; Erin is web primary.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_ACTIONS } from '../../src/alerts/alert-blocks.js';
import { parsePolicyText } from '../../src/config/policy.js';
import { alerts, handoffs, incidents, overrides, pages, silences, swapRequests } from '../../src/db/schema.js';
import { fieldBlockId, HANDOFF_ACTIONS, HANDOFF_VIEW } from '../../src/handoffs/handoff-blocks.js';
import { INCIDENT_VIEWS } from '../../src/incidents/incident-blocks.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { PLAYBOOK_ACTIONS } from '../../src/playbooks/playbook-blocks.js';
import { SWAP_ACTIONS } from '../../src/schedules/swap.js';
import { FakeClock } from '../../src/time/clock.js';
import { declareValues, submitResolve } from '../incidents/incident-support.js';
import { fixtureText } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload, viewSubmissionPayload } from '../support/signed-requests.js';
import { checklistTick } from '../playbooks/playbook-support.js';

const POLICY = parsePolicyText(
  [
    'timezone: UTC',
    'people: { engineering_lead: U0LEAD, cto: U0CTO }',
    'channels: { alerts: C0ALERTS, incidents: C0INCIDENTS }',
    'services: [api, checkout, search]',
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL, U0DAN]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
    '    channel: C0BACKEND',
    '    alerts_channel: C0ALERTS',
    '  web:',
    '    members: [U0ERIN, U0FRANK, U0DAN]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
    '    channel: C0WEB',
    '    alerts_channel: C0WEBALERTS',
    'integrations:',
    '  uptime:',
    '    format: uptime-kuma',
    '    auth: { bearer_env: UPTIME_TOKEN }',
    '    routes: [{ rotation: backend, severity: P2 }]',
    '  jobs:',
    '    format: generic',
    '    auth: { hmac_sha256_env: JOBS_HMAC_SECRET }',
    '    routes: [{ match: { service: search }, rotation: web }, { rotation: backend }]',
  ].join('\n'),
  'authorization.yml',
);
const SECRETS = { UPTIME_TOKEN: 'uptime-token-authz-0123', JOBS_HMAC_SECRET: 'jobs-hmac-authz-0123' };
/** Wednesday 10:15 UTC, business hours. */
const NOW = Date.parse('2026-01-07T10:15:00Z');
const NEXT_BOUNDARY = Date.parse('2026-01-12T09:00:00Z');

const BACKEND = '*backend* (<@U0ALICE>, <@U0BOB>, <@U0CAROL>, <@U0DAN>)';
const ADMINS = 'the engineering_lead (<@U0LEAD>) or the cto (<@U0CTO>)';

let t: TestApp;
afterEach(async () => t?.close());

async function start() {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW), secrets: SECRETS });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN', 'U0ERIN', 'U0FRANK', 'U0LEAD', 'U0CTO']) t.standIn.addUser({ id });
}

/** Every row of every table: a refusal must leave all of it as it was. */
function dbState(): Record<string, unknown[]> {
  const names = t.store.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(names.map((name) => [name, t.store.sqlite.prepare(`SELECT * FROM "${name}"`).all()]));
}

/** Runs an attempt that must be refused: it answers what the user was told; nothing in the database moves. */
async function refused(attempt: () => Promise<string>): Promise<string> {
  await t.app.drainer.drain(); // what earlier steps sent is settled, so only the attempt could change a row
  const before = dbState();
  const told = await attempt();
  await t.app.drainer.drain();
  expect(dbState()).toEqual(before);
  return told;
}

/** A slash command's answer, which only the caller sees. */
async function command(name: string, text: string, user: string, channelId = 'C0GENERAL'): Promise<string> {
  const answer = (await t.command(name, text, user, { channelId })).json() as { text: string; response_type: string };
  expect(answer.response_type).toBe('ephemeral');
  return answer.text;
}

/** A button press (or other interaction) whose answer comes as chat.postEphemeral to the presser alone. */
async function toldPrivately(user: string, send: () => Promise<unknown>, channel?: string): Promise<string> {
  await send();
  const call = await t.standIn.waitFor('chat.postEphemeral', (a) => a.user === user);
  if (channel) expect(call.args.channel).toBe(channel);
  return String(call.args.text);
}

const press = (user: string, actionId: string, value: string, channel: string) =>
  t.interact(blockActionPayload(user, actionId, value, { channel: { id: channel } }));

const hmac = (body: string) => createHmac('sha256', SECRETS.JOBS_HMAC_SECRET).update(body).digest('hex');
const genericAlert = (service: string, severity = 'P2') => {
  const body = JSON.stringify({ title: `${service} job failing`, dedup_key: `${service}-job`, status: 'firing', severity, service });
  return t.post('/webhooks/jobs', body, { 'x-signature': hmac(body) });
};
const uptimeDown = () =>
  t.post('/webhooks/uptime', fixtureText('uptime-kuma/down.json'), { authorization: `Bearer ${SECRETS.UPTIME_TOKEN}` });

/** The ts of an alert's message in its channel, for reactions. */
async function alertMessageTs(id: number, channel = 'C0ALERTS'): Promise<string> {
  await t.app.drainer.drain();
  const call = await t.standIn.waitFor('chat.postMessage', (a) => a.channel === channel && String(a.text).includes(`(alert #${id})`));
  return String(call.response.ts);
}

const react = (user: string, channel: string, ts: string) =>
  t.event({
    type: 'reaction_added',
    user,
    reaction: 'white_check_mark',
    item: { type: 'message', channel, ts },
    item_user: 'U0BOT',
    event_ts: '1767780900.000100',
  });

describe('pages', () => {
  it('someone from another rotation cannot acknowledge, escalate or resolve a backend page; a backend member and an admin can', async () => {
    await start();
    expect(await command('/oncall', 'page backend --severity P1 checkout is down', 'U0DAN')).toMatch(/^Paging \*backend\* with P1 page #1/);
    const who = `Only members of ${BACKEND}, someone page #1 reached, ${ADMINS} can`;
    for (const [action, verb] of [
      [PAGE_ACTIONS.ack, 'acknowledge'],
      [PAGE_ACTIONS.escalate, 'escalate'],
      [PAGE_ACTIONS.resolve, 'resolve'],
    ] as const) {
      expect(await refused(() => toldPrivately('U0ERIN', () => press('U0ERIN', action, '1', 'DU0ERIN'), 'DU0ERIN'))).toBe(
        `${who} ${verb} page #1.`,
      );
    }
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'open', ackedBy: null, stepIndex: 0 });

    await press('U0CAROL', PAGE_ACTIONS.ack, '1', 'DU0CAROL'); // a backend member the page has not reached yet
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0CAROL' });
    await press('U0LEAD', PAGE_ACTIONS.resolve, '1', 'DU0LEAD');
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'resolved', resolvedBy: 'U0LEAD' });
  });

  it('and a page of her own rotation, Erin can acknowledge', async () => {
    await start();
    await command('/oncall', 'page web --severity P1 search is slow', 'U0ALICE');
    await press('U0ERIN', PAGE_ACTIONS.ack, '1', 'DU0ERIN');
    expect(t.store.db.select().from(pages).get()).toMatchObject({ rotation: 'web', status: 'acknowledged', ackedBy: 'U0ERIN' });
  });
});

describe('alerts', () => {
  it(':white_check_mark: on a backend alert from someone outside backend is refused; from a member it acknowledges the alert and its page', async () => {
    await start();
    expect((await uptimeDown()).status).toBe(202);
    const ts = await alertMessageTs(1);
    const told = await refused(() => toldPrivately('U0ERIN', () => react('U0ERIN', 'C0ALERTS', ts), 'C0ALERTS'));
    expect(told).toBe(`Only members of ${BACKEND}, someone page #1 reached, ${ADMINS} can acknowledge alert #1.`);

    await react('U0DAN', 'C0ALERTS', ts);
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ status: 'acknowledged' });
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0DAN' });
  });

  it("a silenced alert has no page: the rotation's rule still decides who may acknowledge it", async () => {
    await start();
    await t.command('/oncall', 'silence api 1h planned restart', 'U0ALICE');
    await uptimeDown();
    const ts = await alertMessageTs(1);
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ pageId: null, silenceId: 1 });
    const told = await refused(() => toldPrivately('U0ERIN', () => react('U0ERIN', 'C0ALERTS', ts)));
    expect(told).toBe(`Only members of ${BACKEND}, ${ADMINS} can acknowledge alert #1.`);
    await react('U0BOB', 'C0ALERTS', ts);
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ status: 'acknowledged' });
  });

  it('"Not P0" on a correlated backend alert: refused to someone outside backend, done by a member', async () => {
    await start();
    await uptimeDown();
    await genericAlert('api'); // a second source for api within 10 minutes: treated as P0
    expect(
      t.store.db
        .select()
        .from(alerts)
        .all()
        .map((a) => [a.id, a.severity, a.routedSeverity]),
    ).toEqual([
      [1, 'P2', 'P2'],
      [2, 'P0', 'P2'],
    ]);
    const told = await refused(() => toldPrivately('U0ERIN', () => press('U0ERIN', ALERT_ACTIONS.notTop, '2', 'C0ALERTS'), 'C0ALERTS'));
    expect(told).toBe(`Only members of ${BACKEND}, someone page #2 reached, ${ADMINS} can say alert #2 is not P0.`);

    await press('U0BOB', ALERT_ACTIONS.notTop, '2', 'C0ALERTS');
    expect(
      t.store.db
        .select()
        .from(alerts)
        .all()
        .find((a) => a.id === 2),
    ).toMatchObject({ severity: 'P2' });
    expect(
      t.store.db
        .select()
        .from(pages)
        .all()
        .find((p) => p.id === 2),
    ).toMatchObject({ severity: 'P2' });
  });

  it("/oncall silence and unsilence: only the rotations the service's alerts page (and admins), or the silence's author, may", async () => {
    await start();
    expect(await refused(() => command('/oncall', 'silence api 2h noisy', 'U0ERIN'))).toBe(
      `Only members of ${BACKEND}, ${ADMINS} can silence *api*.`,
    );
    // search alerts go to web first, and the uptime catch-all may send them to backend: both may silence it.
    expect(((await t.command('/oncall', 'silence search 30m reindex', 'U0ERIN')).json() as { text: string }).text).toMatch(
      /^Silence #1: alerts for \*search\*/,
    );

    const made = (await t.command('/oncall', 'silence api 2h planned migration', 'U0ALICE')).json() as {
      text: string;
      response_type: string;
    };
    expect(made).toMatchObject({ response_type: 'in_channel', text: expect.stringMatching(/^Silence #2: alerts for \*api\*/) });
    expect(await refused(() => command('/oncall', 'unsilence 2', 'U0ERIN'))).toBe(
      `Only members of ${BACKEND}, whoever made it (<@U0ALICE>), ${ADMINS} can end silence #2.`,
    );

    const ended = (await t.command('/oncall', 'unsilence #2', 'U0BOB')).json() as { text: string; response_type: string };
    expect(ended).toEqual({ response_type: 'in_channel', text: 'Silence #2 ended early by <@U0BOB>: alerts for *api* page again.' });
    expect(
      t.store.db
        .select()
        .from(silences)
        .all()
        .find((s) => s.id === 2),
    ).toMatchObject({ endsAt: NOW });
    expect(await command('/oncall', 'unsilence 2', 'U0BOB')).toBe('There is no silence #2 in force; `/oncall silences` lists them.');
    // Ended means ended: the next api alert pages.
    await uptimeDown();
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ silenceId: null, pageId: 1 });
  });
});

describe('schedules', () => {
  it("an override: someone outside the rotation can neither make one nor cancel someone else's; a member can cancel it", async () => {
    await start();
    const made = await command('/oncall', 'override <@U0DAN> 2026-01-08 09:00 2026-01-09 09:00 backend primary', 'U0ALICE');
    expect(made).toMatch(/^Override #1: <@U0DAN> is primary of \*backend\*/);

    expect(await refused(() => command('/oncall', 'cancel 1', 'U0ERIN'))).toBe(
      `Only members of ${BACKEND}, whoever made it (<@U0ALICE>), ${ADMINS} can cancel override #1.`,
    );
    expect(await refused(() => command('/oncall', 'override <@U0ERIN> 2026-01-08 09:00 2026-01-09 09:00 backend primary', 'U0ERIN'))).toBe(
      `Only members of ${BACKEND}, ${ADMINS} can change the schedule of *backend*. Ask one of them.`,
    );

    expect(await command('/oncall', 'cancel 1', 'U0BOB')).toBe(
      'Override #1 is cancelled: <@U0DAN> is no longer primary of *backend* for that time.',
    );
    expect(t.store.db.select().from(overrides).get()).toMatchObject({ cancelledBy: 'U0BOB' });
  });

  it('leave for someone in two rotations needs the right to change both; they may record their own', async () => {
    await start();
    // Alice may change backend's schedule, not web's: before, one of Dan's rotations was enough.
    expect(await refused(() => command('/oncall', 'leave <@U0DAN> 2026-01-19 2026-01-21', 'U0ALICE'))).toBe(
      "Only <@U0DAN>, members of *web* (<@U0ERIN>, <@U0FRANK>, <@U0DAN>), the engineering_lead (<@U0LEAD>) or the cto (<@U0CTO>) can record <@U0DAN>'s leave in *web*.",
    );
    const own = await command('/oncall', 'leave <@U0DAN> 2026-01-19 2026-01-21', 'U0DAN');
    expect(own).toContain('*backend*: <@U0DAN> is on leave');
    expect(own).toContain('*web*: <@U0DAN> is on leave');
    expect(
      new Set(
        t.store.db
          .select()
          .from(overrides)
          .all()
          .map((o) => o.rotation),
      ),
    ).toEqual(new Set(['backend', 'web']));
  });

  it('a swap request: only the person asked may accept or decline it', async () => {
    await start();
    expect(await command('/oncall', 'swap <@U0CAROL> 2026-01-08 backend', 'U0ALICE')).toMatch(/^Swap request #1 sent to <@U0CAROL>/);
    for (const [user, action] of [
      ['U0ERIN', SWAP_ACTIONS.accept],
      ['U0BOB', SWAP_ACTIONS.accept],
      ['U0LEAD', SWAP_ACTIONS.decline],
    ] as const) {
      const told = await refused(() => toldPrivately(user, () => press(user, action, '1', 'DU0CAROL')));
      expect(told).toBe('Only <@U0CAROL> can answer swap request #1; it was sent to them.');
    }
    await press('U0CAROL', SWAP_ACTIONS.accept, '1', 'DU0CAROL');
    expect(t.store.db.select().from(swapRequests).get()).toMatchObject({ status: 'accepted' });
    expect(
      t.store.db
        .select()
        .from(overrides)
        .all()
        .map((o) => [o.userId, o.reason]),
    ).toContainEqual(['U0CAROL', 'swap']);
  });
});

describe('handoffs', () => {
  const target = { rotation: 'backend', boundary: NEXT_BOUNDARY, outgoing: 'U0ALICE', incoming: 'U0BOB' };
  const fields = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [fieldBlockId(i), { value: { type: 'plain_text_input', value: 'None' } }]));
  const submit = (user: string) => t.interact(viewSubmissionPayload(user, HANDOFF_VIEW, fields(8), JSON.stringify(target)));
  const mayPost = `Only members of ${BACKEND}, ${ADMINS} can post the *backend* handoff.`;

  it('writing one: refused to someone outside the rotation before the form opens, and on submit; confirming: only the incoming primary', async () => {
    await start();
    expect(await refused(() => command('/handoff', 'backend', 'U0ERIN'))).toBe(mayPost);
    expect(t.standIn.take('views.open')).toEqual([]);
    const answer = await refused(async () => (await submit('U0ERIN')).json() as never);
    expect(answer).toEqual({ response_action: 'errors', errors: { [fieldBlockId(0)]: mayPost } });

    expect((await t.command('/handoff', 'backend', 'U0ALICE')).text).toBe('');
    expect(JSON.parse(String((t.standIn.take('views.open')[0]!.args.view as { private_metadata: string }).private_metadata))).toEqual(
      target,
    );
    expect((await submit('U0ALICE')).text).toBe('');
    expect(t.store.db.select().from(handoffs).get()).toMatchObject({ postedBy: 'U0ALICE', incoming: 'U0BOB', confirmedBy: null });

    for (const user of ['U0DAN', 'U0ERIN', 'U0LEAD']) {
      expect(await refused(() => toldPrivately(user, () => press(user, HANDOFF_ACTIONS.confirm, '1', 'C0BACKEND'), 'C0BACKEND'))).toBe(
        'Only <@U0BOB> can confirm this handoff: it is theirs to receive.',
      );
    }
    await press('U0BOB', HANDOFF_ACTIONS.confirm, '1', 'C0BACKEND');
    expect(t.store.db.select().from(handoffs).get()).toMatchObject({ confirmedBy: 'U0BOB' });
  });

  it('an emergency handoff and "I\'ll cover secondary": not for someone outside the rotation', async () => {
    await start();
    expect(await refused(() => command('/handoff', 'emergency backend family emergency', 'U0ERIN'))).toBe(
      `Only the primary (<@U0ALICE>), members of ${BACKEND}, ${ADMINS} can make an emergency handoff for *backend*.`,
    );
    expect(await command('/handoff', 'emergency backend family emergency', 'U0ALICE')).toMatch(/^<@U0BOB> is backend primary until/);

    // Before, anyone pressing it became backend secondary.
    expect(await refused(() => toldPrivately('U0ERIN', () => press('U0ERIN', HANDOFF_ACTIONS.cover, '1', 'C0BACKEND')))).toBe(
      `Only members of ${BACKEND}, ${ADMINS} can cover *backend* secondary.`,
    );
    await press('U0CAROL', HANDOFF_ACTIONS.cover, '1', 'C0BACKEND');
    expect(t.store.db.select().from(handoffs).get()).toMatchObject({ coveredBy: 'U0CAROL' });
  });
});

describe('incidents', () => {
  /** Alice declares a P1 for backend; it gets channel C0INC1. */
  async function declared() {
    await start();
    const values = {
      ...declareValues({
        title: 'Checkout returns 500s',
        service: 'checkout',
        environment: 'prod',
        impact: 'EU customers cannot pay',
        severity: 'P1',
      }),
      rotation: { value: { type: 'static_select', selected_option: { value: 'backend' } } },
    };
    const answer = await t.interact(
      viewSubmissionPayload('U0ALICE', INCIDENT_VIEWS.declare, values, JSON.stringify({ channel: 'C0GENERAL', title: '' })),
    );
    expect(answer.text).toBe('');
    await t.standIn.waitFor('chat.postMessage', (a) => String(a.text).startsWith('[P1]')); // the card: the incident is written
    expect(t.store.db.select().from(incidents).get()).toMatchObject({
      id: 1,
      rotation: 'backend',
      commander: 'U0ALICE',
      channelId: 'C0INC1',
    });
  }
  const inIncident = (text: string, user: string) => command('/incident', text, user, 'C0INC1');
  const who = `Only the commander (<@U0ALICE>), members of ${BACKEND}, ${ADMINS} can`;
  const tick = (user: string, positions: number[]) => t.interact(checklistTick(user, positions));

  it('an outsider can neither change, resolve nor close it; the commander, a member and an admin can', async () => {
    await declared();
    expect(await refused(() => inIncident('status mitigating rolled back', 'U0ERIN'))).toBe(`${who} change the status of incident #1.`);
    expect(await refused(() => inIncident('update all good now', 'U0ERIN'))).toBe(`${who} post updates to incident #1.`);
    expect(await refused(() => inIncident('resolve', 'U0ERIN'))).toBe(`${who} resolve incident #1.`);
    expect(t.standIn.take('views.open')).toEqual([]); // the verification form never opened for her
    const resolveAnswer = await refused(async () => (await submitResolve(t, 'U0ERIN', 1, [0, 1, 2], 'restarted the pods')).json() as never);
    expect(resolveAnswer).toEqual({ response_action: 'errors', errors: { summary: `${who} resolve incident #1.` } });
    expect(await refused(() => inIncident('close bug not an incident', 'U0ERIN'))).toBe(`${who} close incident #1.`);
    expect(await refused(() => inIncident('commander #1 <@U0ERIN>', 'U0ERIN'))).toBe(`${who} hand over the command of incident #1.`);

    expect(await inIncident('status mitigating rolled back', 'U0BOB')).toBe('Incident #1 is now Mitigating.');
    expect((await submitResolve(t, 'U0LEAD', 1, [0, 1, 2], 'rolled back 1.42')).text).toBe('');
    expect(t.store.db.select().from(incidents).get()).toMatchObject({ status: 'resolved', resolvedBy: 'U0LEAD' });
  });

  it('the checklist and the triggers: refused to an outsider until the commander gives them a role', async () => {
    // Ticks are refused too: a tick says "this was checked" in the timeline and the postmortem, so only the
    // people answerable for the incident make it; the refusal says how to become one.
    await declared();
    const refusedTick = await refused(() => toldPrivately('U0ERIN', () => tick('U0ERIN', [0]), 'C0INC1'));
    expect(refusedTick).toBe(
      `${who} tick the checklist of incident #1. Your tick was not recorded; the commander can give you a role with \`/incident role\`.`,
    );
    expect(
      await refused(() => toldPrivately('U0ERIN', () => press('U0ERIN', PLAYBOOK_ACTIONS.trigger, '1|payment-failing', 'C0INC1'))),
    ).toBe(`${who} mark the triggers of incident #1.`);

    expect(await inIncident('role <@U0ERIN> comms', 'U0ALICE')).toBe('<@U0ERIN> is now the comms for incident #1.');
    await tick('U0ERIN', [0]);
    expect(await inIncident('checklist', 'U0ERIN')).toMatch(/^\*Still open on incident #1\* \(6 of 7\):/);
    // And the refusal to the next outsider names her role.
    const frank = await refused(() => inIncident('status monitoring', 'U0FRANK'));
    expect(frank).toBe(
      `Only the commander (<@U0ALICE>), the comms (<@U0ERIN>), members of ${BACKEND}, ${ADMINS} can change the status of incident #1.`,
    );
  });
});
