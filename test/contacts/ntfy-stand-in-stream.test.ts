/** The ntfy stand-in's subscribe API (https://docs.ntfy.sh/subscribe/api/): the JSON stream, several topics, since=. */
import { afterEach, describe, expect, it } from 'vitest';
import { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';

let ntfy: NtfyStandIn;
let now = Date.parse('2026-01-07T03:00:00Z');
afterEach(async () => ntfy?.stop());

const publish = (topic: string, body: string) => fetch(`${ntfy.url}/${topic}`, { method: 'POST', body });

/** Opens a stream and collects its lines until `count` are in (or the stream ends). */
async function lines(path: string, count: number, init: RequestInit = {}): Promise<{ status: number; lines: Record<string, unknown>[] }> {
  const abort = new AbortController();
  const response = await fetch(`${ntfy.url}${path}`, { ...init, signal: abort.signal });
  if (!response.body || response.headers.get('content-type')?.startsWith('application/json'))
    return { status: response.status, lines: [(await response.json()) as Record<string, unknown>] };
  const got: Record<string, unknown>[] = [];
  let rest = '';
  const reader = response.body.getReader();
  while (got.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += new TextDecoder().decode(value);
    const parts = rest.split('\n');
    rest = parts.pop()!;
    for (const p of parts) got.push(JSON.parse(p) as Record<string, unknown>);
  }
  abort.abort();
  return { status: response.status, lines: got };
}

describe('ntfy stand-in: GET /<topics>/json streams', () => {
  it('an open event first, then each message on one of the topics as it is published, not others', async () => {
    ntfy = await new NtfyStandIn({ now: () => now }).start();
    await publish('alpha', 'before'); // cached, but no since: not sent
    const reading = lines('/alpha,beta/json', 3);
    await ntfy.waitForStream((s) => s.topics.join() === 'alpha,beta');
    await publish('gamma', 'not followed');
    await publish('beta', 'one');
    await publish('alpha', 'two');
    const { status, lines: got } = await reading;
    expect(status).toBe(200);
    expect(got.map((l) => [l.event, l.topic, l.message])).toEqual([
      ['open', 'alpha,beta', undefined],
      ['message', 'beta', 'one'],
      ['message', 'alpha', 'two'],
    ]);
    expect(got[0]).toMatchObject({ time: Math.floor(now / 1000) });
  });

  it.each([
    ['all', 'all', ['old', 'new']],
    ['a unix timestamp (that second or later)', String(Math.floor(Date.parse('2026-01-07T03:10:00Z') / 1000)), ['new']],
    ['a duration back from now', '5m', ['new']],
    ['a message id (those after it)', 'FIRST', ['new']],
  ])('since=%s first sends the cached messages since then', async (_name, since, expected) => {
    now = Date.parse('2026-01-07T03:00:00Z');
    ntfy = await new NtfyStandIn({ now: () => now }).start();
    const first = (await (await publish('alpha', 'old')).json()) as { id: string };
    now = Date.parse('2026-01-07T03:10:00Z');
    await publish('alpha', 'new');
    const query = since === 'FIRST' ? first.id : since;
    const { lines: got } = await lines(`/alpha/json?since=${query}`, 1 + expected.length);
    expect(got.slice(1).map((l) => l.message)).toEqual(expected);
    expect(ntfy.subscriptions).toEqual([{ topics: ['alpha'], since: query }]);
  });

  it('dropStreams ends every open stream; the subscriber sees the end', async () => {
    ntfy = await new NtfyStandIn({ now: () => now }).start();
    const response = await fetch(`${ntfy.url}/alpha/json`);
    await ntfy.waitForStream();
    ntfy.dropStreams();
    expect(await response.text()).toMatch(/^\{"id":"open\d+".*"event":"open","topic":"alpha"\}\n$/);
    expect(ntfy.streams()).toEqual([]);
  });

  it.each([
    ['a topic with odd characters', '/al%20pha/json', 400],
    ['an unknown since', '/alpha/json?since=yesterday', 400],
  ])('refuses %s as ntfy does', async (_name, path, status) => {
    ntfy = await new NtfyStandIn({ now: () => now }).start();
    const response = await fetch(`${ntfy.url}${path}`);
    expect(response.status).toBe(status);
    expect(ntfy.streams()).toEqual([]);
  });

  it('with a token set, a stream without it is 403 (40301)', async () => {
    ntfy = await new NtfyStandIn({ now: () => now, token: 'tk_secret' }).start();
    const { status, lines: got } = await lines('/alpha/json', 1);
    expect([status, got[0]!.code]).toEqual([403, 40301]);
    const ok = await lines('/alpha/json', 1, { headers: { authorization: 'Bearer tk_secret' } });
    expect(ok.lines[0]!.event).toBe('open');
  });
});
