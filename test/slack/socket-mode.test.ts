import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOncallApp } from '../../src/app.js';
import { parseEnv } from '../../src/config/env.js';
import { parsePolicyText } from '../../src/config/policy.js';
import { openStore } from '../../src/db/connection.js';
import { HOME_ACTIONS } from '../../src/home/home-view.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { FakeClock } from '../../src/time/clock.js';
import { captureLogs, tempDbPath, TEST_SECRETS } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { slashCommandBody, signedPost } from '../support/signed-requests.js';
import { SocketModeStandIn } from '../support/socket-mode-stand-in.js';

const POLICY = parsePolicyText(
  [
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
  ].join('\n'),
  'test.yml',
);

let t: TestApp;
beforeAll(async () => {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock('2026-01-14T12:00:00Z'), socketMode: true });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL']) t.standIn.addUser({ id });
});
afterAll(async () => t.close());

describe('Socket Mode (SLACK_APP_TOKEN set)', () => {
  it('opens the connection with the app-level token and connects to the URL Slack handed out', () => {
    const opened = t.standIn.attempts('apps.connections.open');
    // The stand-in answers ok only for the app token in the Authorization header (not the bot token).
    expect(opened.map((c) => c.ok)).toEqual([true]);
    expect(t.socket!.upgrades).toEqual([{ path: '/link/?ticket=ticket-1&app_id=A0APP', accepted: true }]);
    expect(t.socket!.connections).toBe(1);
  });

  it('a slash command arrives over the socket and is answered inside its acknowledgement', async () => {
    const ack = await t.socket!.slashCommand({ command: '/oncall', text: 'help' });
    expect(ack.envelope_id).toBe('env-1-slash_commands');
    const reply = ack.payload as { response_type: string; text: string };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('*/oncall*');
    expect(reply.text).toContain('`/oncall who [rotation]`');
  });

  it('/oncall who over the socket names who is on call now, from the policy and the clock', async () => {
    const ack = await t.socket!.slashCommand({ command: '/oncall', text: 'who' });
    const text = (ack.payload as { text: string }).text;
    // Week of 2026-01-12: the second member is primary, the third secondary, until Monday 19 January 09:00 UTC.
    expect(text).toContain('*backend*\nPrimary: <@U0BOB> until <!date^1768813200^');
    expect(text).toContain('Secondary: <@U0CAROL>');
  });

  it('a command answered through the Web API is acked empty and its call goes out with the bot token', async () => {
    const ack = await t.socket!.slashCommand({ command: '/incident', text: 'declare Checkout is down', triggerId: '77.88.socket' });
    expect(ack.payload).toEqual({}); // the modal is the answer
    // The stand-in refuses an app-level token on any method but apps.connections.open, so this call was made
    // with the bot token.
    const opened = await t.standIn.waitFor('views.open', (a) => a.trigger_id === '77.88.socket');
    const view = opened.args.view as { callback_id: string; blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> };
    expect(view.callback_id).toBe('incident.declare');
    expect(view.blocks.find((b) => b.block_id === 'title')!.element!.initial_value).toBe('Checkout is down');
  });

  it('a button press (interactive envelope) is acked and handled like one over HTTP', async () => {
    const ack = await t.socket!.deliver('interactive', {
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0TEAM' },
      api_app_id: 'A0APP',
      team: { id: 'T0TEAM', domain: 'standin' },
      trigger_id: '99.11.home',
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home', callback_id: 'home', private_metadata: '', hash: 'h', state: { values: {} } },
      actions: [{ type: 'button', action_id: HOME_ACTIONS.declare, block_id: 'home', value: 'declare', action_ts: '1768392000.000100' }],
    });
    expect(ack.envelope_id).toBe('env-4-interactive');
    const opened = await t.standIn.waitFor('views.open', (a) => a.trigger_id === '99.11.home');
    expect((opened.args.view as { callback_id: string }).callback_id).toBe('incident.declare');
  });

  it('an Events API envelope (app_home_opened) is acked and the Home tab published', async () => {
    const ack = await t.socket!.deliver('events_api', {
      token: 'legacy-verification-token',
      team_id: 'T0TEAM',
      api_app_id: 'A0APP',
      type: 'event_callback',
      event_id: 'Ev0SOCKET01',
      event_time: 1768392000,
      event: { type: 'app_home_opened', user: 'U0CAROL', channel: 'DU0CAROL', tab: 'home', event_ts: '1768392000.000200' },
    });
    expect(ack.envelope_id).toBe('env-5-events_api');
    const published = await t.standIn.waitFor('views.publish', (a) => a.user_id === 'U0CAROL');
    expect(JSON.stringify(published.args.view)).toContain('<@U0BOB>');
  });

  it('serves /healthz, /readyz and /metrics on the port listen() returned', async () => {
    expect(t.baseUrl).not.toMatch(/:0$/);
    const health = await t.get('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = (await (await t.get('/readyz')).json()) as { checks: Record<string, { ok: boolean; detail: string }> };
    expect(ready.checks.database).toEqual({ ok: true, detail: 'open' });
    expect(ready.checks.migrations).toEqual({ ok: true, detail: 'applied' });
    const metrics = await t.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE ');
  });

  it('takes no Slack requests over HTTP: a correctly signed slash command to /slack/events is not served', async () => {
    const answer = await signedPost(
      `${t.baseUrl}/slack/events`,
      slashCommandBody({ command: '/oncall', text: 'help' }),
      'application/x-www-form-urlencoded',
      {
        secret: TEST_SECRETS.signingSecret,
      },
    );
    expect(answer.status).toBe(404);
  });

  it('never writes the app-level token or the bot token into the log', () => {
    const log = t.logs.lines.join('');
    expect(log).toContain('apps.connections.open'); // the log did record the Socket Mode start
    expect(log).not.toContain(TEST_SECRETS.appToken);
    expect(log).not.toContain(TEST_SECRETS.botToken);
  });
});

/** A bot in Socket Mode built by hand, for starts that are meant to fail. */
async function socketBot(appToken: string, port: number) {
  const socket = await new SocketModeStandIn().start();
  const standIn = await new SlackStandIn().start();
  standIn.enableSocketMode(TEST_SECRETS.appToken, () => socket.connectionUrl());
  const temp = tempDbPath();
  const store = openStore(temp.path);
  const env = parseEnv({
    SLACK_BOT_TOKEN: TEST_SECRETS.botToken,
    SLACK_APP_TOKEN: appToken,
    SLACK_API_URL: standIn.url,
    DATABASE_PATH: store.path,
    PORT: String(port),
  });
  const app = createOncallApp({ env, policy: POLICY, clock: new FakeClock('2026-01-14T12:00:00Z'), logger: captureLogs().logger, store });
  app.migrate();
  return {
    app,
    socket,
    standIn,
    async close() {
      await app.stop();
      store.close();
      await standIn.stop();
      await socket.stop();
      temp.cleanup();
    },
  };
}

describe('Socket Mode start and stop', () => {
  it('an app-level token Slack does not know stops the start with invalid_auth, and frees the port', async () => {
    const bot = await socketBot('xapp-1-A0APP-0000-revoked', 0);
    try {
      await expect(bot.app.listen(0)).rejects.toThrow('invalid_auth');
      expect(bot.standIn.attempts('apps.connections.open').map((c) => c.response.error)).toEqual(['invalid_auth']);
      expect(bot.socket.upgrades).toEqual([]);
    } finally {
      await bot.close();
    }
  });

  it('a port already in use fails the start with EADDRINUSE instead of crashing the process', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
    const taken = (busy.address() as AddressInfo).port;
    const bot = await socketBot(TEST_SECRETS.appToken, taken);
    try {
      await expect(bot.app.listen(taken)).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // Listening comes first: Slack was never asked for a connection.
      expect(bot.standIn.attempts('apps.connections.open')).toEqual([]);
    } finally {
      await bot.close();
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it('stop() closes the socket and the HTTP port', async () => {
    const bot = await socketBot(TEST_SECRETS.appToken, 0);
    try {
      const port = await bot.app.listen(0);
      expect(bot.socket.connections).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      await bot.app.stop();
      expect(bot.socket.connections).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await bot.close();
    }
  });
});

describe('the stand-in is as strict as Slack about apps.connections.open', () => {
  let standIn: SlackStandIn;
  beforeAll(async () => {
    standIn = await new SlackStandIn().start();
    standIn.enableSocketMode(TEST_SECRETS.appToken, () => 'ws://127.0.0.1:9/link/?ticket=x');
    standIn.addChannel('C1');
  });
  afterAll(async () => standIn.stop());

  const call = async (method: string, headers: Record<string, string>, body = '') =>
    (await (
      await fetch(`${standIn.url}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      })
    ).json()) as {
      ok: boolean;
      error?: string;
      url?: string;
    };

  it.each([
    ['the app-level token', { authorization: `Bearer ${TEST_SECRETS.appToken}` }, '', { ok: true, url: 'ws://127.0.0.1:9/link/?ticket=x' }],
    ['the bot token', { authorization: `Bearer ${TEST_SECRETS.botToken}` }, '', { ok: false, error: 'not_allowed_token_type' }],
    ['another app-level token', { authorization: 'Bearer xapp-1-A0OTHER-1-other' }, '', { ok: false, error: 'invalid_auth' }],
    ['the app token in the body, not the header', {}, `token=${TEST_SECRETS.appToken}`, { ok: false, error: 'invalid_auth' }],
    ['no token', {}, '', { ok: false, error: 'not_authed' }],
  ])('with %s', async (_name, headers, body, expected) => {
    expect(await call('apps.connections.open', headers, body)).toEqual(expected);
  });

  it('refuses the app-level token for any other method', async () => {
    expect(await call('chat.postMessage', { authorization: `Bearer ${TEST_SECRETS.appToken}` }, 'channel=C1&text=hi')).toEqual({
      ok: false,
      error: 'not_allowed_token_type',
    });
    expect((await call('chat.postMessage', { authorization: `Bearer ${TEST_SECRETS.botToken}` }, 'channel=C1&text=hi')).ok).toBe(true);
  });
});
