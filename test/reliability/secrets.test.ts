/**
 * One full scenario with known fake secrets: the Slack bot token and signing secret, and every kind of webhook
 * secret (bearer, basic auth, Sentry's client secret, a generic HMAC key, a PagerDuty routing key). Webhooks
 * with right, wrong and nearly-right secrets; Slack requests signed wrongly; commands, a page acknowledged, an
 * incident declared and resolved; Slack answering 500, 429 and invalid_auth; a timer whose handler fails.
 * Then no secret, nor its base64 or hex form, nor any 12-character piece of it (a near miss or a truncation
 * would show that way), may be found in any log line, the SQLite file and its WAL, any HTTP reply, or /metrics.
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicyFile } from '../../src/config/policy.js';
import { alerts, incidents, outbox, pages, timers } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock, SECOND } from '../../src/time/clock.js';
import { declare, submitResolve } from '../incidents/incident-support.js';
import { TEST_SECRETS, tempDbPath } from '../support/common.js';
import { fixtureText } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

const POLICY = loadPolicyFile(fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url)));
const SECRETS = {
  ALERTMANAGER_TOKEN: 'amtok-7Qx2Lr9Vd4Kp8Zs1Hq',
  UPTIME_TOKEN: 'uptok-3Hn6Wc0Ty5Bj2Mf8Ga',
  GRAFANA_WEBHOOK_USER: 'grafana-hook-Ue4Rk7Pm',
  GRAFANA_WEBHOOK_PASSWORD: 'gfpass-9Sd2Xa6Qw1Ln4VeT',
  SENTRY_CLIENT_SECRET: 'sentrysec-5Jt8Po3Ci7Mb0Ry',
  PD_ROUTING_KEY: 'pdkey9Tz4Wq7Ne2Lc5Hx8Bv3Mk6Jd1A',
  JOBS_HMAC_SECRET: 'jobshmac-2Fg5Nh8Kl1Zx4QcW',
};
const NOW = Date.parse('2026-11-20T10:15:00Z'); // Friday, business hours: Bob is backend primary

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const hmac = (key: string, body: string) => createHmac('sha256', key).update(body).digest('hex');
/** The right secret with its last character changed: what a typo or a rotated-but-stale secret looks like. */
const nearMiss = (secret: string) => `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;
const pdBody = (file: string, key: string) => fixtureText(file).replace('R0UTINGKEY0000000000000000000000', key);

/** Every form in which each secret must never be found. */
function forbidden(): Array<[string, string[]]> {
  const secrets: Record<string, string> = {
    ...SECRETS,
    SLACK_BOT_TOKEN: TEST_SECRETS.botToken,
    SLACK_SIGNING_SECRET: TEST_SECRETS.signingSecret,
  };
  const all = Object.entries(secrets).map(([name, value]): [string, string[]] => {
    const bytes = Buffer.from(value);
    const pieces = Array.from({ length: value.length - 11 }, (_, i) => value.slice(i, i + 12));
    return [
      name,
      [
        value,
        bytes.toString('base64').replace(/=+$/, ''),
        bytes.toString('base64url'),
        bytes.toString('hex'),
        encodeURIComponent(value),
        ...pieces,
      ],
    ];
  });
  const header = basic(SECRETS.GRAFANA_WEBHOOK_USER, SECRETS.GRAFANA_WEBHOOK_PASSWORD).slice('Basic '.length);
  all.push(['the Grafana basic auth header', [header.replace(/=+$/, '')]]);
  return all;
}

let t: TestApp | undefined;
const db = tempDbPath();
afterEach(async () => {
  await t?.close();
  db.cleanup();
});

/** Every HTTP answer the scenario got, errors and successes alike. */
const replies: Array<{ request: string; status: number; body: string }> = [];

async function webhook(integration: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await t!.post(`/webhooks/${integration}`, body, headers);
  replies.push({ request: `POST /webhooks/${integration}`, status: response.status, body: await response.text() });
  return response.status;
}

async function slack(request: string, send: () => Promise<{ status: number; text: string }>): Promise<{ status: number; text: string }> {
  const answer = await send();
  replies.push({ request, status: answer.status, body: answer.text });
  return answer;
}

async function get(path: string): Promise<string> {
  const response = await t!.get(path);
  const body = await response.text();
  replies.push({ request: `GET ${path}`, status: response.status, body });
  return body;
}

const databaseBytes = () =>
  ['', '-wal', '-shm']
    .filter((suffix) => existsSync(`${db.path}${suffix}`))
    .map((suffix) => [`the database file${suffix}`, readFileSync(`${db.path}${suffix}`)] as const);

describe('secrets never leave where they belong', () => {
  it('a full scenario: none appears in logs, the database file, HTTP replies or /metrics', async () => {
    // Rate limits off: the scenario counts the faults it injects (a 429 of its own included).
    const app = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW), secrets: SECRETS, dbPath: db.path, rateLimits: false });
    t = app;
    for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN', 'U0STRANGER']) app.standIn.addUser({ id });
    const S = SECRETS;

    // Webhooks with the right secrets: each is stored and pages.
    const right: Array<[string, string, Record<string, string>]> = [
      ['prometheus', fixtureText('alertmanager/firing.json'), { authorization: `Bearer ${S.ALERTMANAGER_TOKEN}` }],
      ['uptime', fixtureText('uptime-kuma/down.json'), { authorization: `Bearer ${S.UPTIME_TOKEN}` }],
      ['grafana', fixtureText('grafana/firing.json'), { authorization: basic(S.GRAFANA_WEBHOOK_USER, S.GRAFANA_WEBHOOK_PASSWORD) }],
      ['pagerduty', pdBody('pagerduty/trigger.json', S.PD_ROUTING_KEY), {}],
    ];
    const sentry = fixtureText('sentry/event_alert.json');
    right.push([
      'sentry',
      sentry,
      { 'sentry-hook-resource': 'event_alert', 'sentry-hook-signature': hmac(S.SENTRY_CLIENT_SECRET, sentry) },
    ]);
    const job = fixtureText('generic/firing.json');
    right.push(['jobs', job, { 'x-signature': hmac(S.JOBS_HMAC_SECRET, job) }]);
    for (const [integration, body, headers] of right) expect(await webhook(integration, body, headers)).toBe(202);
    const stored = app.store.db.select().from(alerts).all().length;
    expect(stored).toBeGreaterThanOrEqual(6);

    // Wrong ones: near misses, another integration's secret, the secret itself where a signature belongs.
    const am = fixtureText('alertmanager/firing.json');
    const wrong: Array<[string, string, Record<string, string>]> = [
      ['prometheus', am, { authorization: `Bearer ${nearMiss(S.ALERTMANAGER_TOKEN)}` }],
      ['prometheus', am, { authorization: `Bearer ${S.ALERTMANAGER_TOKEN.slice(0, -4)}` }],
      ['prometheus', am, { authorization: `Bearer ${S.UPTIME_TOKEN}` }],
      ['prometheus', am, { authorization: basic(S.ALERTMANAGER_TOKEN, '') }],
      ['prometheus', '{"alerts": [', { authorization: `Bearer ${nearMiss(S.ALERTMANAGER_TOKEN)}` }],
      ['uptime', fixtureText('uptime-kuma/down.json'), { authorization: `Bearer ${nearMiss(S.UPTIME_TOKEN)}` }],
      [
        'grafana',
        fixtureText('grafana/firing.json'),
        { authorization: basic(S.GRAFANA_WEBHOOK_USER, nearMiss(S.GRAFANA_WEBHOOK_PASSWORD)) },
      ],
      [
        'grafana',
        fixtureText('grafana/firing.json'),
        { authorization: basic(nearMiss(S.GRAFANA_WEBHOOK_USER), S.GRAFANA_WEBHOOK_PASSWORD) },
      ],
      ['grafana', fixtureText('grafana/firing.json'), { authorization: `Bearer ${S.GRAFANA_WEBHOOK_PASSWORD}` }],
      [
        'sentry',
        sentry,
        { 'sentry-hook-resource': 'event_alert', 'sentry-hook-signature': hmac(nearMiss(S.SENTRY_CLIENT_SECRET), sentry) },
      ],
      ['sentry', sentry, { 'sentry-hook-resource': 'event_alert', 'sentry-hook-signature': S.SENTRY_CLIENT_SECRET }],
      ['pagerduty', pdBody('pagerduty/trigger.json', nearMiss(S.PD_ROUTING_KEY)), {}],
      ['pagerduty', pdBody('pagerduty/trigger.json', S.JOBS_HMAC_SECRET), {}],
      ['jobs', job, { 'x-signature': hmac(nearMiss(S.JOBS_HMAC_SECRET), job) }],
      ['jobs', job, { 'x-signature': S.JOBS_HMAC_SECRET }],
    ];
    for (const [integration, body, headers] of wrong)
      expect(await webhook(integration, body, headers), `${integration} ${JSON.stringify(headers)}`).toBe(401);
    expect(await webhook('nagios', am, { authorization: `Bearer ${S.ALERTMANAGER_TOKEN}` })).toBe(404);
    // Right secrets, wrong bodies: what the reply says about the body must not carry the secret either.
    expect(await webhook('prometheus', '{"alerts": [', { authorization: `Bearer ${S.ALERTMANAGER_TOKEN}` })).toBe(400);
    expect(await webhook('pagerduty', pdBody('pagerduty/trigger.json', S.PD_ROUTING_KEY).replace('"trigger"', '"explode"'), {})).toBe(422);
    expect(
      await webhook('pagerduty', JSON.stringify({ routing_key: S.PD_ROUTING_KEY, event_action: 'trigger', payload: { summary: 5 } }), {}),
    ).toBe(422);
    const shapeless = JSON.stringify({ dedup_key: S.JOBS_HMAC_SECRET, status: 'maybe' });
    expect(await webhook('jobs', shapeless, { 'x-signature': hmac(S.JOBS_HMAC_SECRET, shapeless) })).toBe(422);
    expect(app.store.db.select().from(alerts).all()).toHaveLength(stored);

    // Slack requests signed with a near miss of the signing secret, or carrying the secret as the signature.
    const badlySigned = await slack('a command signed with a near miss', () =>
      app.command('/oncall', 'who', 'U0ALICE', { sign: { secret: nearMiss(TEST_SECRETS.signingSecret) } }),
    );
    const secretAsSignature = await slack('a command with the secret as its signature', () =>
      app.command('/oncall', 'who', 'U0ALICE', { sign: { signature: TEST_SECRETS.signingSecret } }),
    );
    expect([badlySigned.status, secretAsSignature.status]).toEqual([401, 401]);

    // Slack in trouble while the bot works: 500s and a 429 on the page's messages, invalid_auth on edits,
    // on a refusal the bot answers directly, and on opening a modal.
    app.standIn.failNext('chat.postMessage', { status: 500 }, 2);
    app.standIn.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    app.standIn.failNext('chat.update', { error: 'invalid_auth' });
    app.standIn.failNext('chat.postEphemeral', { error: 'invalid_auth' });
    app.standIn.failNext('views.open', { error: 'invalid_auth' });

    expect((await slack('/oncall who', () => app.command('/oncall', 'who backend'))).status).toBe(200);
    const paged = await slack('/oncall page', () => app.command('/oncall', 'page backend --severity P1 checkout returns 500s', 'U0DAN'));
    const pageId = Number(/page #(\d+)/.exec(paged.text)?.[1]);
    await slack('a stranger presses Acknowledge', () =>
      app.interact(blockActionPayload('U0STRANGER', PAGE_ACTIONS.ack, String(pageId), { channel: { id: 'DU0STRANGER' } })),
    );
    await slack('Bob presses Acknowledge', () =>
      app.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, String(pageId), { channel: { id: 'DU0BOB' } })),
    );
    expect(
      app.store.db
        .select()
        .from(pages)
        .all()
        .find((p) => p.id === pageId),
    ).toMatchObject({ status: 'acknowledged', ackedBy: 'U0BOB' });

    // Time passes: the 429's Retry-After and the 500s' backoff run out, and the page's messages go through.
    for (let i = 0; i < 4; i += 1) await app.advance(15 * SECOND);
    expect(app.standIn.attempts('chat.postMessage').filter((c) => !c.ok)).toHaveLength(3);
    expect(
      app.store.db
        .select()
        .from(outbox)
        .all()
        .filter((o) => o.status === 'pending'),
    ).toEqual([]);

    const declareFailed = await slack('/incident declare while Slack says invalid_auth', () =>
      app.command('/incident', 'declare checkout down', 'U0ALICE'),
    );
    expect(declareFailed.text).toContain('Something went wrong running `/incident`');
    await slack('/incident declare', () => app.command('/incident', 'declare checkout down', 'U0ALICE'));
    await declare(app, { severity: 'P1' });
    const incident = app.store.db.select().from(incidents).get()!;
    await slack('/incident update', () =>
      app.command('/incident', 'update rolled back 1.42', 'U0ALICE', { channelId: incident.channelId! }),
    );
    const resolved = await slack('resolve form', () =>
      submitResolve(app, 'U0ALICE', incident.id, [0, 1, 2], 'rolled back, error rate normal'),
    );
    expect(resolved.text).toBe('');
    expect(app.store.db.select().from(incidents).get()).toMatchObject({ status: 'resolved' });

    // A timer whose handler fails (a kind this version no longer handles): logged, kept, retried later.
    app.app.engine.transact((tx) =>
      tx.schedule({ kind: 'retired.kind', subject: 'retired:1', dueAt: tx.now, payload: { note: 'left by an older version' } }),
    );
    for (let i = 0; i < 6; i += 1) await app.advance(30 * SECOND);
    await app.app.drainer.drain();
    expect(
      app.store.db
        .select()
        .from(timers)
        .all()
        .find((r) => r.kind === 'retired.kind'),
    ).toMatchObject({ lastError: 'no handler for timer kind "retired.kind"' });

    // Slack unreachable altogether: a refusal answered directly and a queued message both fail at the network.
    await app.standIn.stop();
    await slack('a stranger presses Resolve while Slack is unreachable', () =>
      app.interact(blockActionPayload('U0STRANGER', PAGE_ACTIONS.resolve, String(pageId), { channel: { id: 'DU0STRANGER' } })),
    );
    await slack('/oncall page while Slack is unreachable', () =>
      app.command('/oncall', 'page backend --severity P2 disk filling on db-2', 'U0DAN'),
    );
    await app.advance(30 * SECOND);
    expect(
      app.store.db
        .select()
        .from(outbox)
        .all()
        .some((o) => o.status === 'pending' && o.lastError !== null),
    ).toBe(true);

    // The scenario went where it should: refusals, Slack errors and the failing timer are all on record.
    const logs = app.logs.lines.join('');
    for (const line of ['webhook refused', 'could not answer a page action', 'slash command failed', 'timer handler failed'])
      expect(logs).toContain(line);
    expect(
      app.store.db
        .select()
        .from(outbox)
        .all()
        .some((o) => o.attempts > 1),
    ).toBe(true);
    const metrics = await get('/metrics');
    expect(metrics).toContain('oncall_slack_call_errors_total{method="chat.update",error="invalid_auth"}');
    expect(metrics).toContain('oncall_slack_call_errors_total{method="chat.postMessage"');
    await get('/healthz');
    await get('/readyz');
    expect(replies.filter((r) => r.status >= 400).length).toBeGreaterThanOrEqual(wrong.length + 3);

    // Where secrets must not be: every log line, every HTTP reply, /metrics, and the database's raw bytes,
    // read while it runs (the WAL holds the latest pages) and again once it is closed and checkpointed.
    const places: Array<readonly [string, string | Buffer]> = [
      ...app.logs.lines.map((line, n) => [`log line ${n + 1}`, line] as const),
      ...replies.map((r) => [`the ${r.status} reply to ${r.request}`, r.body] as const),
      ['/metrics', metrics],
      ...databaseBytes().map(([name, bytes]) => [`${name} (open)`, bytes] as const),
    ];
    await app.close({ keepDb: true });
    t = undefined;
    places.push(...databaseBytes().map(([name, bytes]) => [`${name} (closed)`, bytes] as const));
    expect(places.some(([name]) => name === 'the database file (closed)')).toBe(true);

    const leaks: string[] = [];
    for (const [place, content] of places) {
      for (const [secret, forms] of forbidden()) {
        const found = forms.find((form) => content.includes(form));
        if (found) leaks.push(`${secret} in ${place}: "${found}"`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
