import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { systemClock } from '../../src/time/clock.js';
import { buildBundle } from '../../scripts/build.js';
import { ALERTS_TOKEN, freePort, startBot, waitHealthy, writeCrashPolicy, type BotProcess } from './crash-bot.js';

/**
 * kill -9 between "call requested" and "call recorded": the bot (a child process, as production runs it) has
 * sent POST Calls.json and Twilio has placed the call, but the bot dies before the answer comes back, so its
 * outbox row is still marked in flight. Twilio has no idempotency key: the next process lists the calls made
 * to the number since the row was claimed (GET Calls.json) and finds it, so the person's phone rings once.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NUMBERS: Record<string, string> = { U0ANNA: '+447700900101', U0BEN: '+447700900102', U0CHLOE: '+447700900103' };

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  for (let waited = 0; waited < timeoutMs; waited += 25) {
    if (check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a wake call interrupted by kill -9', () => {
  let dir: string;
  let main: string;
  let bot: BotProcess | null = null;
  let slack: SlackStandIn;
  let twilio: TwilioStandIn;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oncall-wake-crash-'));
    main = await buildBundle();
    slack = await new SlackStandIn().start();
    for (const channel of ['C0INCIDENTS', 'C0ALERTS', 'C0CORE']) slack.addChannel(channel);
    twilio = await new TwilioStandIn({ now: () => systemClock.now() }).start();
  }, 120_000);

  afterAll(async () => {
    bot?.child.kill('SIGKILL');
    await bot?.exited;
    await slack?.stop();
    await twilio?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the call Twilio placed before the bot died is found after the restart: every number rings once', async () => {
    // The crash test's rotation, with a call at once for everyone the chain reaches.
    const policyPath = writeCrashPolicy(dir);
    writeFileSync(policyPath, `${readFileSync(policyPath, 'utf8')}wake:\n  P1: [{ after: 0, via: slack }, { after: 0, via: voice }]\n`);
    const port = await freePort();
    const dbPath = join(dir, 'bot.db');
    const env = { port, dbPath, policyPath, slackUrl: slack.url };
    const twilioEnv = {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM_NUMBER: '+15017122661',
      TWILIO_API_URL: twilio.url,
    };
    bot = startBot(main, env, twilioEnv);
    expect(await waitHealthy(bot, port), bot.output.join('')).toBe(true);
    // Everyone's phone verified (written as the contact form does, into the migrated file).
    const db = new Database(dbPath);
    const now = systemClock.now();
    for (const [user, number] of Object.entries(NUMBERS))
      db.prepare('INSERT INTO contact_methods (user_id, kind, value, verified_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        user,
        'voice',
        number,
        now,
        now,
        now,
      );

    const release = twilio.holdCallAnswers();
    const fired = await fetch(`http://127.0.0.1:${port}/webhooks/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERTS_TOKEN}` },
      body: JSON.stringify({ title: 'nightly job-1 failed', dedup_key: 'job-1', status: 'firing', severity: 'P1' }),
    });
    expect(fired.status).toBeLessThan(300);
    await until('the first call to be placed', () => twilio.calls.length > 0);
    // Twilio has the call; the bot is still waiting for its answer.
    bot.child.kill('SIGKILL');
    await bot.exited;
    release();
    const first = twilio.calls[0]!;
    const claimed = db.prepare("SELECT status, sending_at FROM outbox WHERE method = 'twilio.calls.create'").all() as Array<{
      status: string;
      sending_at: number | null;
    }>;
    expect(claimed).toContainEqual({ status: 'pending', sending_at: expect.any(Number) });

    bot = startBot(main, env, twilioEnv);
    expect(await waitHealthy(bot, port), bot.output.join('')).toBe(true);
    const rowOfFirst = () =>
      db
        .prepare("SELECT status FROM outbox WHERE method = 'twilio.calls.create' AND json_extract(args, '$.userId') = ?")
        .get(Object.entries(NUMBERS).find(([, n]) => n === first.to)![0]) as { status: string } | undefined;
    await until('the interrupted call to be recorded as sent', () => rowOfFirst()?.status === 'sent');
    // The rest of the chain (the others' calls, a second apart) has time to go out too.
    await until(
      'every call of the chain',
      () =>
        (db.prepare("SELECT count(*) AS n FROM outbox WHERE method = 'twilio.calls.create' AND status = 'pending'").get() as { n: number })
          .n === 0,
    );
    await sleep(1_500);
    db.close();

    const perNumber = new Map<string, number>();
    for (const call of twilio.calls) perNumber.set(call.to, (perNumber.get(call.to) ?? 0) + 1);
    expect(perNumber.get(first.to)).toBe(1);
    expect([...perNumber.values()].every((n) => n === 1)).toBe(true);
    expect(twilio.requests.some((r) => r.startsWith('GET /2010-04-01/Accounts/') && r.endsWith('/Calls.json -> 200'))).toBe(true);
  }, 120_000);
});
