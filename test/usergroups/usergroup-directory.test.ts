/**
 * The directory against real SQLite, the stand-in as Slack and a fake clock: what is refreshed when, what the
 * table answers inside an engine transaction, and what a failing Slack leaves behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { membersOf } from '../../src/usergroups/usergroup-store.js';
import {
  USERGROUP_ASK_WINDOW_MS,
  USERGROUP_REFRESH_MS,
  UsergroupDirectory,
  type SlackRead,
} from '../../src/usergroups/usergroup-directory.js';
import { createOutboxClient, webApiCaller } from '../../src/slack/web-api-caller.js';
import { slackLoggerFrom } from '../../src/logger.js';
import { MINUTE, SECOND } from '../../src/time/clock.js';
import { captureLogs, TEST_SECRETS, type CapturedLogs } from '../support/common.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';

let f: EngineFixture;
let logs: CapturedLogs;
let directory: UsergroupDirectory;
afterEach(async () => {
  await directory?.stop();
  await f?.close();
});

/** The bot's own read path: the outbox's WebClient (no retries of its own), on the given Slack. */
// Its own log: the WebClient writes whole answers at debug, and these tests look at what the directory logs.
const readerFor = (url: string): SlackRead =>
  webApiCaller(createOutboxClient(TEST_SECRETS.botToken, url, slackLoggerFrom(captureLogs().logger))).read!;

async function setUp(groups: string[], read?: SlackRead): Promise<void> {
  f = await engineFixture();
  logs = captureLogs();
  directory = new UsergroupDirectory({
    db: f.store.db,
    clock: f.clock,
    logger: logs.logger,
    groups,
    read: read ?? readerFor(f.standIn.url),
  });
}

const asked = (group?: string) =>
  f.standIn.attempts('usergroups.users.list').filter((c) => group === undefined || c.args.usergroup === group);
const warnings = () =>
  logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string; usergroup?: string; error?: string }).filter((l) => l.level === 40);

describe('refreshing at start', () => {
  it('asks Slack for every watched group, and a transaction reads the lists synchronously: members, empty, unknown', async () => {
    await setUp(['S0ALLENG', 'S0DBA', 'S0LEADS']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERB', 'U0MEMBERA']);
    f.standIn.setUsergroup('S0LEADS', []);
    await directory.start();

    // Asked side by side (in any order); form-encoded, the only way this method takes arguments, so the flag is text.
    expect(
      asked()
        .map((c) => c.args)
        .sort((a, b) => String(a.usergroup).localeCompare(String(b.usergroup))),
    ).toEqual([
      { usergroup: 'S0ALLENG', include_disabled: 'false' },
      { usergroup: 'S0DBA', include_disabled: 'false' },
      { usergroup: 'S0LEADS', include_disabled: 'false' },
    ]);
    const seen = f.engine.transact((tx) => ['S0ALLENG', 'S0LEADS', 'S0DBA', 'S0NEVERNAMED'].map((group) => membersOf(tx.db, group)));
    // Fetched and empty is [], never fetched (Slack refused S0DBA) is null: "nobody" and "do not know" differ.
    expect(seen).toEqual([['U0MEMBERA', 'U0MEMBERB'], [], null, null]);
    expect(directory.members('S0ALLENG')).toEqual(['U0MEMBERA', 'U0MEMBERB']);
  });

  it('says which group Slack does not know, without any member list in the log', async () => {
    await setUp(['S0ALLENG', 'S0DBA']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA']);
    await directory.start();
    expect(warnings()).toMatchObject([
      { usergroup: 'S0DBA', error: 'no_such_subteam', msg: expect.stringContaining('check the id in the policy') },
    ]);
    expect(logs.lines.join('\n')).not.toContain('U0MEMBERA');
  });

  it('asks nothing when the policy names no group', async () => {
    await setUp([]);
    await directory.start();
    expect(await directory.refreshDue()).toEqual([]);
    expect(asked()).toEqual([]);
  });
});

describe('refreshing as time passes (the fake clock decides; the real-time check only pokes)', () => {
  it('asks again once a list is USERGROUP_REFRESH_MS old, not before, and replaces it whole', async () => {
    await setUp(['S0ALLENG']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA', 'U0MEMBERB']);
    await directory.start();
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERB', 'U0MEMBERC']);

    f.clock.advance(USERGROUP_REFRESH_MS - SECOND);
    expect(await directory.refreshDue()).toEqual([]);
    expect(directory.members('S0ALLENG')).toEqual(['U0MEMBERA', 'U0MEMBERB']);

    f.clock.advance(SECOND);
    expect(await directory.refreshDue()).toEqual(['S0ALLENG']);
    expect(directory.members('S0ALLENG')).toEqual(['U0MEMBERB', 'U0MEMBERC']);
    expect(asked()).toHaveLength(2);
  });
});

describe('a person missing from the list', () => {
  it('is looked up once: Slack is asked for the group and the table answers again', async () => {
    await setUp(['S0ALLENG']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA']);
    await directory.start();
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA', 'U0JUSTADDED']);
    f.clock.advance(USERGROUP_ASK_WINDOW_MS);

    expect(await directory.isMember('S0ALLENG', 'U0MEMBERA')).toBe(true);
    expect(asked()).toHaveLength(1); // a member already listed costs no call
    expect(await directory.isMember('S0ALLENG', 'U0JUSTADDED')).toBe(true);
    expect(asked()).toHaveLength(2);
  });

  it('makes at most one call per group per window, however often a stranger asks, together or in turn', async () => {
    await setUp(['S0ALLENG']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA']);
    await directory.start();

    // Right after the start's call: inside the window, nothing more is asked.
    expect(await directory.isMember('S0ALLENG', 'U0STRANGER')).toBe(false);
    expect(asked()).toHaveLength(1);

    f.clock.advance(USERGROUP_ASK_WINDOW_MS);
    const answers = await Promise.all([1, 2, 3].map(() => directory.isMember('S0ALLENG', 'U0STRANGER')));
    expect(answers).toEqual([false, false, false]);
    for (let i = 0; i < 5; i += 1) expect(await directory.isMember('S0ALLENG', 'U0STRANGER')).toBe(false);
    expect(asked()).toHaveLength(2);

    f.clock.advance(USERGROUP_ASK_WINDOW_MS);
    expect(await directory.isMember('S0ALLENG', 'U0STRANGER')).toBe(false);
    expect(asked()).toHaveLength(3);
  });

  it('of a group the policy does not name is looked up too, and that group is kept fresh from then on', async () => {
    await setUp(['S0ALLENG']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA']);
    f.standIn.setUsergroup('S0OTHER', ['U0MEMBERB']);
    await directory.start();
    expect(directory.members('S0OTHER')).toBeNull();
    expect(await directory.isMember('S0OTHER', 'U0MEMBERB')).toBe(true);
    expect(directory.groups).toEqual(['S0ALLENG', 'S0OTHER']);
    expect(await directory.isMember('not-a-group', 'U0MEMBERB')).toBe(false);
    expect(asked('not-a-group')).toEqual([]);
  });
});

describe('when Slack fails', () => {
  it('keeps the old list through errors and rate limits, warns once per streak, and retries each window', async () => {
    await setUp(['S0ALLENG']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA', 'U0MEMBERB']);
    await directory.start();
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERC']);

    f.clock.advance(USERGROUP_REFRESH_MS);
    f.standIn.failAll({ status: 503 });
    expect(await directory.refreshDue()).toEqual(['S0ALLENG']);
    expect(directory.members('S0ALLENG')).toEqual(['U0MEMBERA', 'U0MEMBERB']);
    expect(await directory.isMember('S0ALLENG', 'U0MEMBERC')).toBe(false); // asked this window already
    expect(await directory.refreshDue()).toEqual([]);

    f.clock.advance(USERGROUP_ASK_WINDOW_MS);
    expect(await directory.refreshDue()).toEqual(['S0ALLENG']);
    f.clock.advance(USERGROUP_ASK_WINDOW_MS);
    f.standIn.clearFaults();
    f.standIn.failNext('usergroups.users.list', { status: 429, retryAfter: 60 });
    expect(await directory.isMember('S0ALLENG', 'U0MEMBERC')).toBe(false);
    expect(directory.members('S0ALLENG')).toEqual(['U0MEMBERA', 'U0MEMBERB']);
    expect(warnings().map((w) => w.error)).toEqual(['http_error', 'rate_limited']);

    f.clock.advance(USERGROUP_ASK_WINDOW_MS);
    expect(await directory.isMember('S0ALLENG', 'U0MEMBERC')).toBe(true);
    expect(directory.members('S0ALLENG')).toEqual(['U0MEMBERC']);
    expect(logs.lines.join('\n')).toContain('Slack lists the user group members again');
    expect(logs.lines.join('\n')).not.toMatch(/U0MEMBER/);
  });

  it('says what to do when the app lacks usergroups:read', async () => {
    await setUp(['S0ALLENG']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA']);
    f.standIn.failNext('usergroups.users.list', { error: 'missing_scope' });
    await directory.start();
    expect(directory.members('S0ALLENG')).toBeNull();
    expect(warnings()).toMatchObject([
      { error: 'missing_scope', msg: expect.stringContaining('usergroups:read scope (reinstall it from manifest.yml)') },
    ]);
  });

  it('keeps the old list when Slack cannot be reached at all', async () => {
    await setUp(['S0ALLENG']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA']);
    await directory.start();
    await directory.stop();
    // The same table, read by a directory whose Slack is a closed port.
    const unreachable = new UsergroupDirectory({
      db: f.store.db,
      clock: f.clock,
      logger: logs.logger,
      groups: ['S0ALLENG'],
      read: readerFor('http://127.0.0.1:9/api/'),
    });
    directory = unreachable;
    f.clock.advance(USERGROUP_REFRESH_MS);
    expect(await unreachable.refreshDue()).toEqual(['S0ALLENG']);
    expect(unreachable.members('S0ALLENG')).toEqual(['U0MEMBERA']);
    expect(warnings().at(-1)).toMatchObject({ usergroup: 'S0ALLENG', error: 'network_error' });
  });

  it('without a way to read Slack, every group stays unknown and nobody is a member', async () => {
    f = await engineFixture();
    logs = captureLogs();
    directory = new UsergroupDirectory({ db: f.store.db, clock: f.clock, logger: logs.logger, groups: ['S0ALLENG'], read: undefined });
    await directory.start();
    expect(directory.members('S0ALLENG')).toBeNull();
    expect(await directory.isMember('S0ALLENG', 'U0MEMBERA')).toBe(false);
    expect(warnings()).toHaveLength(1);
  });
});

describe('stopping', () => {
  it('a read still in flight when the directory stops writes nothing', async () => {
    await setUp(['S0ALLENG']);
    f.standIn.setUsergroup('S0ALLENG', ['U0MEMBERA']);
    const first = directory.start();
    await directory.stop();
    await first;
    await directory.settled();
    expect(asked()).toHaveLength(1);
    expect(directory.members('S0ALLENG')).toBeNull();
    expect(await directory.refreshDue()).toEqual([]);
  });
});

describe('the time constants', () => {
  it('refresh every few minutes and ask a group at most twice a minute', () => {
    expect(USERGROUP_REFRESH_MS).toBe(5 * MINUTE);
    expect(USERGROUP_ASK_WINDOW_MS).toBe(30 * SECOND);
  });
});
