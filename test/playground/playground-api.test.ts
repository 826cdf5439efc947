import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlaygroundProcess, type PlaygroundProcess } from '../support/playground-process.js';

/** The playground's JSON API, as its page uses it, against the bot started with no Slack credentials. */
describe('playground API', () => {
  let bot: PlaygroundProcess;
  beforeAll(async () => {
    bot = await startPlaygroundProcess();
  }, 60_000);
  afterAll(async () => bot?.stop());

  const post = async (action: string, body: unknown) => {
    const response = await fetch(`${bot.base}/playground/api/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const state = async (user: string, conv: string) =>
    (await (await fetch(`${bot.base}/playground/api/state?user=${user}&conv=${conv}`)).json()) as {
      messages: Array<{ text: string; ephemeral: boolean; user: string }>;
      samples: Array<{ index: number; label: string }>;
      home: { view: { blocks: unknown[] } } | null;
    };
  // Up to 15 s: the playground's stand-in keeps Slack's rate limits, so a burst in one channel (six sample alerts)
  // is held back by Retry-After and sent again by the outbox, on the real clock of a busy machine.
  const eventually = async <T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> => {
    for (let i = 0; i < 300; i += 1) {
      const value = await read();
      if (ok(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return read();
  };

  it('says where to open it and how to connect a real workspace', () => {
    expect(bot.output()).toContain('Playground: open http://localhost:');
    expect(bot.output()).toContain('set SLACK_BOT_TOKEN');
  });

  it('posts each sample alert to the real webhook, which accepts it and posts it in the alerts channel', async () => {
    const { samples } = await state('U0ANA', 'C0ALERTS');
    expect(samples.map((s) => s.label.split(':')[0])).toEqual([
      'Alertmanager',
      'Grafana',
      'Sentry',
      'Uptime Kuma',
      'PagerDuty Events v2',
      'Generic JSON',
    ]);
    for (const sample of samples) {
      const answer = await post('alert', { index: sample.index });
      expect(answer.body, sample.label).toMatchObject({ ok: true });
      expect(answer.body.status as number).toBeLessThan(300);
    }
    const alerts = await eventually(
      () => state('U0ANA', 'C0ALERTS'),
      (s) => s.messages.length >= samples.length,
    );
    expect(alerts.messages.length).toBeGreaterThanOrEqual(samples.length);
  });

  it('shows a command and its ephemeral answer only to the person who typed it', async () => {
    expect((await post('command', { user: 'U0BEN', channel: 'C0WEB', text: '/oncall who web' })).status).toBe(200);
    const ben = await state('U0BEN', 'C0WEB');
    expect(ben.messages.map((m) => m.text)).toContain('/oncall who web');
    expect(ben.messages.find((m) => m.user === 'U0BOT')?.ephemeral).toBe(true);
    const emma = await state('U0EMMA', 'C0WEB');
    expect(emma.messages.some((m) => m.text.includes('/oncall who web'))).toBe(false);
  });

  it('publishes the Home tab when it is opened', async () => {
    await post('home', { user: 'U0CHLOE' });
    const chloe = await eventually(
      () => state('U0CHLOE', ''),
      (s) => s.home !== null,
    );
    expect(JSON.stringify(chloe.home?.view.blocks)).toContain('On call now');
  });

  it('explains wrong input instead of failing', async () => {
    expect(await post('command', { user: 'U0NOBODY', channel: 'C0WEB', text: '/oncall who' })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('"U0NOBODY" is nobody in this workspace') },
    });
    expect(await post('command', { user: 'U0ANA', channel: 'C0WEB', text: 'oncall who' })).toMatchObject({
      status: 400,
      body: { error: 'a command starts with a slash, e.g. /oncall who' },
    });
    expect(await post('alert', { index: 99 })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('"index" should be 0 to') },
    });
    expect(await post('submit', { user: 'U0ANA', viewId: 'V0GONE' })).toMatchObject({
      status: 400,
      body: { error: 'that form is closed; open it again' },
    });
    expect((await post('nothing', {})).status).toBe(404);
    const notJson = await fetch(`${bot.base}/playground/api/command`, { method: 'POST', body: 'not json' });
    expect(notJson.status).toBe(400);
    const unknown = await post('command', { user: 'U0ANA', channel: 'C0WEB', text: '/weather' });
    expect(unknown.status).toBe(200);
    const ana = await state('U0ANA', 'C0WEB');
    expect(ana.messages.some((m) => m.text.includes('/weather is not a command of this app'))).toBe(true);
  });
});
