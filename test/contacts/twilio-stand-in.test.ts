import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTwilioSignatureValid } from '../../src/contacts/twilio-signature.js';
import { providerSender } from '../../src/contacts/contact-sender.js';
import { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';

let twilio: TwilioStandIn;
let bot: { server: Server; url: string; received: Array<{ path: string; params: Record<string, string>; valid: boolean }> };

/** A stand-in for the bot's webhook routes: checks every signature with the function the bot uses. */
async function startBot(
  authToken: string,
  twiml = '<Response><Gather numDigits="1" action="/twilio/gather?page=7"><Say>Page</Say></Gather></Response>',
) {
  const received: Array<{ path: string; params: Record<string, string>; valid: boolean }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const fullUrl = `${url}${req.url}`;
      const valid = isTwilioSignatureValid(authToken, req.headers['x-twilio-signature'] as string | undefined, fullUrl, params);
      received.push({ path: req.url ?? '', params, valid });
      res.writeHead(valid ? 200 : 403, { 'content-type': 'text/xml' });
      res.end(req.url?.startsWith('/twilio/voice') ? twiml : '<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, received };
}

beforeEach(async () => {
  twilio = await new TwilioStandIn({ now: () => Date.parse('2026-03-02T10:00:00Z') }).start();
  bot = await startBot(twilio.authToken);
});
afterEach(async () => {
  await twilio.stop();
  bot.server.closeAllConnections();
  await new Promise<void>((resolve) => bot.server.close(() => resolve()));
});

function rest(
  path: string,
  params: Record<string, string> | null,
  auth: { sid?: string; token?: string } | null = {},
  contentType = 'application/x-www-form-urlencoded',
) {
  const headers: Record<string, string> = {};
  if (auth)
    headers.authorization = `Basic ${Buffer.from(`${auth.sid ?? twilio.accountSid}:${auth.token ?? twilio.authToken}`).toString('base64')}`;
  if (params) headers['content-type'] = contentType;
  return fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/${path}`, {
    method: params ? 'POST' : 'GET',
    headers,
    body: params
      ? contentType.startsWith('application/json')
        ? JSON.stringify(params)
        : new URLSearchParams(params).toString()
      : undefined,
  });
}

const CALL = () => ({
  To: '+447700900123',
  From: '+15017122661',
  Url: `${bot.url}/twilio/voice?page=7`,
  StatusCallback: `${bot.url}/twilio/status?page=7`,
});

describe('Twilio stand-in: REST calls refused as Twilio refuses them', () => {
  it("no credentials, a wrong token or another account SID: 401 with Twilio's 20003 error, nothing placed", async () => {
    for (const auth of [null, { token: 'wrong' }, { sid: `AC${'9'.repeat(32)}` }]) {
      const res = await rest('Calls.json', CALL(), auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 20003, message: 'Authenticate', status: 401 });
    }
    expect(twilio.calls).toHaveLength(0);
  });

  it.each([
    ['no To', { To: undefined }, 21201],
    ['no From', { From: undefined }, 21213],
    ['neither Url nor Twiml', { Url: undefined }, 21205],
    ['a To that is not E.164', { To: '07700 900123' }, 21211],
    ['a From that is not E.164', { From: '15017122661' }, 21212],
    ['a relative Url', { Url: '/twilio/voice' }, 21205],
    ['a StatusCallback that is no URL', { StatusCallback: 'status' }, 21609],
  ])("a call with %s (%j): 400 and Twilio's code %i", async (_name, change, code) => {
    const params = Object.fromEntries(Object.entries({ ...CALL(), ...change }).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    const res = await rest('Calls.json', params);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code, status: 400, more_info: `https://www.twilio.com/docs/errors/${code}` });
    expect(twilio.calls).toHaveLength(0);
  });

  it('a JSON body is no form: Twilio sees no To at all', async () => {
    const res = await rest('Calls.json', CALL(), {}, 'application/json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 21201 });
  });

  it.each([
    ['no To', { To: undefined }, 21604],
    ['no From', { From: undefined }, 21603],
    ['no Body', { Body: undefined }, 21602],
    ['a To that is not E.164', { To: '+44 7700' }, 21211],
    ['a Body over 1600 characters', { Body: 'x'.repeat(1601) }, 21617],
  ])("a message with %s (%j): 400 and Twilio's code %i", async (_name, change, code) => {
    const params = Object.fromEntries(
      Object.entries({ To: '+447700900123', From: '+15017122661', Body: 'Your code is 123456', ...change }).filter(
        ([, v]) => v !== undefined,
      ),
    ) as Record<string, string>;
    const res = await rest('Messages.json', params);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code, status: 400 });
    expect(twilio.messages).toHaveLength(0);
  });
});

describe('Twilio stand-in: calls and messages', () => {
  it('a call is created queued with a CA sid, recorded, and can be fetched and listed by To and StartTime>=', async () => {
    const res = await rest('Calls.json', CALL());
    expect(res.status).toBe(201);
    const call = (await res.json()) as { sid: string; status: string; to: string; date_created: string };
    expect(call).toMatchObject({ status: 'queued', to: '+447700900123', date_created: 'Mon, 02 Mar 2026 10:00:00 +0000' });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(twilio.calls.map((c) => c.sid)).toEqual([call.sid]);

    expect(await (await rest(`Calls/${call.sid}.json`, null)).json()).toMatchObject({ sid: call.sid, status: 'queued' });
    const list = async (query: string) =>
      (
        (await (
          await fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Calls.json?${query}`, {
            headers: { authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}` },
          })
        ).json()) as { calls: Array<{ sid: string }> }
      ).calls.map((c) => c.sid);
    expect(await list('To=%2B447700900123&StartTime>=2026-03-02')).toEqual([call.sid]);
    expect(await list('To=%2B447700900123&StartTime>=2026-03-03')).toEqual([]);
    expect(await list('To=%2B447700900999')).toEqual([]);
  });

  it('answering fetches the TwiML with a signed POST; digits go to the Gather action, signed; finishing posts the status callback, signed', async () => {
    const { sid } = (await (await rest('Calls.json', CALL())).json()) as { sid: string };
    const twiml = await twilio.answer(sid);
    expect(twiml).toContain('<Gather');
    await twilio.pressDigits(sid, '4', twiml);
    await twilio.finish(sid, 'completed');
    expect(bot.received.map((r) => [r.path, r.valid])).toEqual([
      ['/twilio/voice?page=7', true],
      ['/twilio/gather?page=7', true],
      ['/twilio/status?page=7', true],
    ]);
    expect(bot.received[1]!.params).toMatchObject({ CallSid: sid, Digits: '4', CallStatus: 'in-progress', To: '+447700900123' });
    expect(bot.received[2]!.params).toMatchObject({ CallSid: sid, CallStatus: 'completed', AccountSid: twilio.accountSid });
  });

  it.each(['busy', 'no-answer', 'failed'] as const)('a call not picked up ends %s and says so in the status callback', async (how) => {
    const { sid } = (await (await rest('Calls.json', CALL())).json()) as { sid: string };
    await twilio.finish(sid, how);
    expect(bot.received).toEqual([
      expect.objectContaining({ path: '/twilio/status?page=7', valid: true, params: expect.objectContaining({ CallStatus: how }) }),
    ]);
    await expect(twilio.answer(sid)).rejects.toThrow(/cannot be answered/);
  });

  it('POST Calls/{sid}.json with Status=completed ends the call (a status callback follows); anything else is refused', async () => {
    const { sid } = (await (await rest('Calls.json', CALL())).json()) as { sid: string };
    expect((await rest(`Calls/${sid}.json`, { Status: 'ringing' })).status).toBe(400);
    expect((await rest(`Calls/CA${'f'.repeat(32)}.json`, { Status: 'completed' })).status).toBe(404);
    const ended = await rest(`Calls/${sid}.json`, { Status: 'completed' });
    expect(ended.status).toBe(200);
    expect(await ended.json()).toMatchObject({ sid, status: 'completed' });
    await expect.poll(() => bot.received.map((r) => r.params.CallStatus)).toEqual(['completed']);
  });

  it('a callback signed with another token is not valid for the bot', async () => {
    const impostor = await new TwilioStandIn({ authToken: 'another-token-entirely-000000000' }).start();
    try {
      await impostor.post(`${bot.url}/twilio/status`, { CallSid: 'CA1', CallStatus: 'completed' });
      expect(bot.received.at(-1)).toMatchObject({ valid: false });
    } finally {
      await impostor.stop();
    }
  });

  it('a message is created queued with an SM sid; a carrier report and an incoming SMS reach the bot signed', async () => {
    const res = await rest('Messages.json', {
      To: '+447700900123',
      From: '+15017122661',
      Body: 'Your code is 123456',
      StatusCallback: `${bot.url}/twilio/sms-status`,
    });
    expect(res.status).toBe(201);
    const message = (await res.json()) as { sid: string; status: string; body: string };
    expect(message).toMatchObject({ status: 'queued', body: 'Your code is 123456' });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilio.lastMessageTo('+447700900123')?.body).toBe('Your code is 123456');
    await twilio.report(message.sid, 'delivered');
    await twilio.incomingSms(`${bot.url}/twilio/sms`, '+447700900123', '+15017122661', 'ACK 7');
    expect(bot.received.map((r) => [r.path, r.valid, r.params.MessageStatus ?? r.params.Body])).toEqual([
      ['/twilio/sms-status', true, 'delivered'],
      ['/twilio/sms', true, 'ACK 7'],
    ]);
  });
});

describe('the provider sender ends a call through the stand-in', () => {
  const sender = () =>
    providerSender({
      twilio: { apiUrl: twilio.url, accountSid: twilio.accountSid, authToken: twilio.authToken, from: '+15017122661' },
      ntfy: { url: 'http://127.0.0.1:9', token: null },
      smtp: null,
    });

  it('endCall posts Status=completed for the sid (recorded in updates); an unknown sid is refused for good with 404 20404', async () => {
    const placed = await sender().send({
      kind: 'voice',
      to: '+447700900123',
      title: 'x',
      text: 'x',
      url: `${bot.url}/twilio/voice?page=7`,
    });
    expect(placed.ok).toBe(true);
    const sid = (placed as { id: string }).id;
    expect(await sender().endCall!(sid)).toEqual({ ok: true, id: sid });
    expect(twilio.calls[0]!.status).toBe('completed');
    const unknown = `CA${'e'.repeat(32)}`;
    expect(await sender().endCall!(unknown)).toEqual({ ok: false, transient: false, reason: 'Twilio refused it (HTTP 404, error 20404)' });
    expect(await sender().endCall!('../Messages')).toEqual({ ok: false, reason: 'not a call sid' });
    await twilio.settled();
    expect(twilio.updates.map((u) => [u.sid, u.status, u.answer])).toEqual([
      [sid, 'completed', 200],
      [unknown, 'completed', 404],
    ]);
  });
});
