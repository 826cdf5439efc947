import { afterEach, describe, expect, it } from 'vitest';
import { migrateStore, openStore } from '../../src/db/connection.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { cachedIdentity, saveIdentity } from '../../src/slack/slack-identity-store.js';
import { FakeClock } from '../../src/time/clock.js';
import { TEST_SECRETS, tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the bot identity kept across starts', () => {
  it('is kept per token, by its hash: another token asks Slack again, and the token is not in the file', () => {
    const db = tempDbPath();
    const store = openStore(db.path);
    cleanups.push(db.cleanup, () => store.close());
    expect(cachedIdentity(store.db, 'xoxb-one')).toBeNull(); // before migrating: no table, no identity, no crash
    migrateStore(store);
    saveIdentity(store.db, 'xoxb-one', { botUserId: 'U0BOT', botId: 'B0BOT' }, 1);
    expect(cachedIdentity(store.db, 'xoxb-one')).toEqual({ botUserId: 'U0BOT', botId: 'B0BOT' });
    expect(cachedIdentity(store.db, 'xoxb-two')).toBeNull();
    saveIdentity(store.db, 'xoxb-one', { botUserId: 'U0NEW', botId: 'B0NEW' }, 2);
    expect(cachedIdentity(store.db, 'xoxb-one')).toEqual({ botUserId: 'U0NEW', botId: 'B0NEW' });
    const rows = store.sqlite.prepare('SELECT * FROM slack_identity').all();
    expect(JSON.stringify(rows)).not.toContain('xoxb-one');
  });

  it('a restart while Slack is down still serves commands', async () => {
    const db = tempDbPath();
    const standIn = await new SlackStandIn().start();
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    cleanups.push(db.cleanup, () => standIn.stop());
    const first = await TestApp.start({ dbPath: db.path, standIn, clock });
    const store = openStore(db.path);
    cleanups.push(() => store.close());
    // The first start asks Slack once it listens and keeps the answer.
    expect(cachedIdentity(store.db, TEST_SECRETS.botToken)).toMatchObject({ botUserId: expect.stringMatching(/^U/) });
    await first.close();

    standIn.failAll({ status: 503 });
    const second = await TestApp.start({ dbPath: db.path, standIn, clock });
    cleanups.push(() => second.close());
    const answer = await second.command('/oncall', 'help');
    expect(answer.status).toBe(200);
    expect((answer.json() as { text: string }).text).toContain('`/oncall help`');
  });
});
