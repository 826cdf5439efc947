/**
 * The Twilio stand-in's list endpoints, which a restart reads to tell whether an interrupted call or text went
 * out: GET Calls.json (To, From, StartTime / StartTime> / StartTime<) and Messages.json (To, From, DateSent...),
 * with Twilio's auth and page fields, newest first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';

let now = Date.parse('2026-03-02T10:00:00Z');
let twilio: TwilioStandIn;
beforeEach(async () => {
  now = Date.parse('2026-03-02T10:00:00Z');
  twilio = await new TwilioStandIn({ now: () => now }).start();
});
afterEach(async () => {
  await twilio.stop();
});

const auth = () => ({ authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}` });
const base = () => `${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}`;

async function create(resource: 'Calls' | 'Messages', params: Record<string, string>): Promise<string> {
  const res = await fetch(`${base()}/${resource}.json`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ From: '+15017122661', ...params }).toString(),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { sid: string }).sid;
}

async function list(resource: 'Calls' | 'Messages', query: string, headers: Record<string, string> = auth()) {
  const res = await fetch(`${base()}/${resource}.json?${query}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Twilio stand-in: listing calls and messages', () => {
  it('messages: filtered by To, From and DateSent (whole UTC days), newest first, with the page fields', async () => {
    const early = await create('Messages', { To: '+447700900123', Body: 'first' });
    now += 86_400_000; // the next day
    const late = await create('Messages', { To: '+447700900123', Body: 'second' });
    await create('Messages', { To: '+447700900999', Body: 'someone else' });
    const { status, body } = await list('Messages', 'To=%2B447700900123&From=%2B15017122661&DateSent%3E=2026-03-02');
    expect(status).toBe(200);
    expect((body.messages as Array<{ sid: string; body: string; date_sent: string }>).map((m) => [m.sid, m.body])).toEqual([
      [late, 'second'],
      [early, 'first'],
    ]);
    expect(body).toMatchObject({ page: 0, page_size: 50, start: 0, end: 1, next_page_uri: null, previous_page_uri: null });
    expect(body.first_page_uri).toMatch(/Messages\.json\?PageSize=50&Page=0$/);
    const onlyLate = await list('Messages', 'To=%2B447700900123&DateSent%3E=2026-03-03');
    expect((onlyLate.body.messages as Array<{ sid: string }>).map((m) => m.sid)).toEqual([late]);
    const onlyEarly = await list('Messages', 'To=%2B447700900123&DateSent=2026-03-02');
    expect((onlyEarly.body.messages as Array<{ sid: string }>).map((m) => m.sid)).toEqual([early]);
    const fromOther = await list('Messages', 'From=%2B15550000000');
    expect(fromOther.body.messages).toEqual([]);
  });

  it('calls: StartTime< and From filter too', async () => {
    const early = await create('Calls', { To: '+447700900123', Url: 'https://bot.example/twilio/voice?page=1' });
    now += 86_400_000;
    await create('Calls', { To: '+447700900123', Url: 'https://bot.example/twilio/voice?page=2' });
    const { body } = await list('Calls', 'To=%2B447700900123&From=%2B15017122661&StartTime%3C=2026-03-02');
    expect((body.calls as Array<{ sid: string }>).map((c) => c.sid)).toEqual([early]);
  });

  it.each([
    ['no credentials', 'Calls', '', {}, 401, 20003],
    ['wrong credentials', 'Messages', '', { authorization: `Basic ${Buffer.from('AC1:nope').toString('base64')}` }, 401, 20003],
    ['a date that is not YYYY-MM-DD', 'Calls', 'StartTime%3E=yesterday', null, 400, 20001],
    ['a date with a time (Twilio filters by day)', 'Messages', 'DateSent%3E=2026-03-02T10:00:00Z', null, 400, 20001],
    ['a page size beyond 1000', 'Messages', 'PageSize=5000', null, 400, 20001],
  ] as const)('%s: %d with Twilio code %d', async (_name, resource, query, headers, status, code) => {
    const answer = await list(resource, query, headers ?? auth());
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ code });
  });
});
