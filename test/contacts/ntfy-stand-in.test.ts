import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NtfyStandIn, parseNtfyActions, parseNtfyPriority } from '../../src/playground/ntfy-stand-in.js';

let ntfy: NtfyStandIn;
afterEach(async () => ntfy?.stop());

describe('ntfy Actions header, short form and JSON, validated as ntfy does', () => {
  it('reads http, label, url and key=value sections, with quotes holding commas', () => {
    expect(
      parseNtfyActions(
        'http, Acknowledge, https://bot.example/ack/abc, method=POST, headers.Authorization=Bearer x, body="{\\"a\\":1, \\"b\\":2}", clear=true',
      ),
    ).toEqual([
      {
        id: 'a1',
        action: 'http',
        label: 'Acknowledge',
        url: 'https://bot.example/ack/abc',
        method: 'POST',
        headers: { Authorization: 'Bearer x' },
        body: '{"a":1, "b":2}',
        clear: true,
      },
    ]);
  });

  it("splits actions on ; and defaults an http action's method to POST", () => {
    const actions = parseNtfyActions("view, Open page, https://bot.example/p/7; http, 'Escalate, now', https://bot.example/esc/abc");
    expect(actions.map((a) => [a.action, a.label, a.method])).toEqual([
      ['view', 'Open page', undefined],
      ['http', 'Escalate, now', 'POST'],
    ]);
  });

  it('reads the JSON form too', () => {
    expect(parseNtfyActions('[{"action":"http","label":"Ack","url":"https://bot.example/a","method":"put"}]')).toEqual([
      { id: 'a1', action: 'http', label: 'Ack', url: 'https://bot.example/a', method: 'PUT', clear: false },
    ]);
  });

  it.each([
    ['four actions', 'view, a, https://x/1; view, b, https://x/2; view, c, https://x/3; view, d, https://x/4', /only 3 actions allowed/],
    ['an unknown action', 'call, Ring, url=https://x', /action 'call' unknown/],
    ['no label', 'http', /parameter 'label' is required/],
    ['an http action without url', 'http, Ack', /parameter 'url' is required for action 'http'/],
    ['a body with GET', 'http, Ack, https://x, method=GET, body=hi', /'body' cannot be set if method is GET/],
    ['an unknown key', 'http, Ack, https://x, colour=red', /key 'colour' unknown/],
    ['a fourth unnamed section', 'http, Ack, https://x, extra', /term 'extra' unknown/],
    ['clear=maybe', 'view, Open, https://x, clear=maybe', /'clear=maybe' not allowed/],
    ['an unclosed quote', 'http, "Ack, https://x', /quote was not closed/],
    ['JSON that is not an array of objects', '[1, 2]', /JSON array of objects/],
  ])('refuses %s', (_name, header, message) => {
    expect(() => parseNtfyActions(header)).toThrow(message);
  });

  it.each([
    ['', 3],
    ['1', 1],
    ['min', 1],
    ['low', 2],
    ['default', 3],
    ['4', 4],
    ['high', 4],
    ['5', 5],
    ['max', 5],
    ['URGENT', 5],
  ])('priority %j is %i', (text, priority) => {
    expect(parseNtfyPriority(text)).toBe(priority);
  });
  it.each(['0', '6', 'critical', '4.5'])('priority %j is refused', (text) => {
    expect(() => parseNtfyPriority(text)).toThrow(/invalid priority parameter/);
  });
});

describe('ntfy stand-in over HTTP', () => {
  beforeEach(async () => {
    ntfy = await new NtfyStandIn({ now: () => Date.parse('2026-03-02T10:00:00Z') }).start();
  });

  const publish = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${ntfy.url}${path}`, { method: 'POST', headers, body });

  it('records a publish with its headers and answers with the message as ntfy does', async () => {
    const res = await publish('/oncall-abc123', 'P1: checkout is down', {
      Title: 'Page #7',
      Priority: 'urgent',
      Tags: 'rotating_light, p1',
      Click: 'https://slack.example/p/7',
      Actions: 'http, Acknowledge, https://bot.example/ack/abc, method=POST',
    });
    expect(res.status).toBe(200);
    const message = (await res.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      event: 'message',
      topic: 'oncall-abc123',
      message: 'P1: checkout is down',
      title: 'Page #7',
      priority: 5,
      tags: ['rotating_light', 'p1'],
      click: 'https://slack.example/p/7',
      time: 1772445600,
    });
    expect(ntfy.messagesOn('oncall-abc123')).toHaveLength(1);
  });

  it('accepts X- headers and query parameters, and the JSON form at /', async () => {
    expect((await publish('/t1?title=Hi&p=2', 'one', { 'X-Tags': 'a' })).status).toBe(200);
    const json = await fetch(ntfy.url, {
      method: 'POST',
      body: JSON.stringify({ topic: 't2', message: 'two', priority: 4, actions: [{ action: 'view', label: 'Open', url: 'https://x/1' }] }),
    });
    expect(json.status).toBe(200);
    expect(ntfy.messagesOn('t1')[0]).toMatchObject({ title: 'Hi', priority: 2, tags: ['a'] });
    expect(ntfy.messagesOn('t2')[0]).toMatchObject({ message: 'two', priority: 4, actions: [{ action: 'view', label: 'Open' }] });
  });

  it.each([
    ['a topic with a space', '/my%20topic', {}, 400, 40009],
    ['a topic over 64 characters', `/${'x'.repeat(65)}`, {}, 400, 40009],
    ['a reserved name', '/docs', {}, 400, 40010],
    ['priority 6', '/t', { Priority: '6' }, 400, 40007],
    [
      'four actions',
      '/t',
      { Actions: 'view, a, https://x/1; view, b, https://x/2; view, c, https://x/3; view, d, https://x/4' },
      400,
      40018,
    ],
  ])("refuses %s with ntfy's error and records nothing", async (_name, path, headers, status, code) => {
    const res = await publish(path, 'hello', headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code, http: status });
    expect(ntfy.publishes).toHaveLength(0);
  });

  it('refuses a JSON publish whose body is no message JSON', async () => {
    const res = await fetch(ntfy.url, { method: 'POST', body: '[1]' });
    expect(await res.json()).toMatchObject({ code: 40017, http: 400 });
  });

  it("polls a topic's messages as one JSON object a line", async () => {
    await publish('/t', 'one');
    await publish('/t', 'two');
    await publish('/other', 'three');
    const res = await fetch(`${ntfy.url}/t/json?poll=1`);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { message: string }).message);
    expect(lines).toEqual(['one', 'two']);
  });
});

describe('ntfy stand-in with an access token', () => {
  it('no Authorization is 403, a wrong token 401, the right bearer token is recorded', async () => {
    ntfy = await new NtfyStandIn({ token: 'tk_secret0123456789abcdefghijklmn' }).start();
    const publish = (headers: Record<string, string>) => fetch(`${ntfy.url}/t`, { method: 'POST', headers, body: 'x' });
    const none = await publish({});
    expect([none.status, ((await none.json()) as { code: number }).code]).toEqual([403, 40301]);
    const wrong = await publish({ Authorization: 'Bearer tk_wrong' });
    expect([wrong.status, ((await wrong.json()) as { code: number }).code]).toEqual([401, 40101]);
    expect((await publish({ Authorization: 'Bearer tk_secret0123456789abcdefghijklmn' })).status).toBe(200);
    expect(ntfy.publishes).toHaveLength(1);
  });
});

describe('pressing an action', () => {
  let target: Server;
  const hits: Array<{ method: string; path: string; auth: string | undefined; body: string }> = [];
  beforeEach(async () => {
    ntfy = await new NtfyStandIn().start();
    target = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hits.push({ method: req.method ?? '', path: req.url ?? '', auth: req.headers.authorization, body });
        res.end('acknowledged');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    target.closeAllConnections();
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });

  it('an http action makes its request (method, headers, body); a view action only opens its url', async () => {
    const base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    const res = await fetch(`${ntfy.url}/t`, {
      method: 'POST',
      body: 'page',
      headers: {
        Actions: `http, Acknowledge, ${base}/ack/tok1, headers.Authorization=Bearer a1, body=ack; view, Open, https://slack.example/p/7`,
      },
    });
    const { id } = (await res.json()) as { id: string };
    expect(await ntfy.press(id, 'Acknowledge')).toEqual({ status: 200, body: 'acknowledged' });
    expect(hits).toEqual([{ method: 'POST', path: '/ack/tok1', auth: 'Bearer a1', body: 'ack' }]);
    expect(await ntfy.press(id, 'Open')).toEqual({ opened: 'https://slack.example/p/7' });
    await expect(ntfy.press(id, 'Resolve')).rejects.toThrow(/no action labelled "Resolve"/);
  });
});
