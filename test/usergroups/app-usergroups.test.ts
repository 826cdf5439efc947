/**
 * The directory inside the real app (harness: SQLite file, Bolt over HTTP, the stand-in, the fake clock):
 * started when the bot listens, asking only for the groups the policy names, and its lists kept across a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { membersOf } from '../../src/usergroups/usergroup-store.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { pagingPolicy } from '../support/paging-scenario.js';
import { groupsPolicy } from './usergroup-policy.js';

let t: TestApp | undefined;
let standIn: SlackStandIn | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  await standIn?.stop();
  standIn = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const askedGroups = (s: SlackStandIn) =>
  s
    .attempts('usergroups.users.list')
    .map((c) => String(c.args.usergroup))
    .sort();

describe('the app’s user group directory', () => {
  it('lists the members of exactly the groups the policy names when the bot starts listening', async () => {
    standIn = await new SlackStandIn().start();
    standIn.setUsergroup('S0ALLENG', ['U0ALICE', 'U0BOB', 'U0ERIN']);
    standIn.setUsergroup('S0LEADS', ['U0LEAD']);
    standIn.setUsergroup('S0DBA', []);
    standIn.setUsergroup('S0ONCALL', ['U0ALICE']);
    t = await TestApp.start({ policy: groupsPolicy(), standIn });
    await t.app.usergroups.settled();

    // The rotation's own group (S0ONCALL) is the bot's to write, not to ask about.
    expect(askedGroups(standIn)).toEqual(['S0ALLENG', 'S0DBA', 'S0LEADS']);
    expect(t.app.usergroups.groups).toEqual(['S0ALLENG', 'S0DBA', 'S0LEADS']);
    // What a paging decision sees inside its transaction.
    expect(t.app.engine.transact((tx) => membersOf(tx.db, 'S0ALLENG'))).toEqual(['U0ALICE', 'U0BOB', 'U0ERIN']);
    expect(t.app.engine.transact((tx) => membersOf(tx.db, 'S0DBA'))).toEqual([]);
    expect(standIn.unasserted()).toEqual([]);
  });

  it('asks Slack nothing for a policy that names no group', async () => {
    t = await TestApp.start({ policy: pagingPolicy() });
    await t.app.usergroups.settled();
    expect(t.app.usergroups.groups).toEqual([]);
    expect(t.standIn.attempts('usergroups.users.list')).toEqual([]);
  });

  it('answers from the lists it had before a restart while Slack is down, and forgets groups the policy dropped', async () => {
    const db = tempDbPath();
    cleanups.push(db.cleanup);
    standIn = await new SlackStandIn().start();
    standIn.setUsergroup('S0ALLENG', ['U0ALICE', 'U0BOB']);
    standIn.setUsergroup('S0LEADS', ['U0LEAD']);
    standIn.setUsergroup('S0DBA', ['U0DBA']);
    t = await TestApp.start({ policy: groupsPolicy(), standIn, dbPath: db.path });
    await t.app.usergroups.settled();
    await t.close({ keepDb: true });

    // Slack is down at the restart: the lists in the file still answer, in a transaction and through isMember.
    standIn.failAll({ status: 503 });
    t = await TestApp.start({ policy: groupsPolicy(), standIn, dbPath: db.path });
    expect(t.app.usergroups.members('S0ALLENG')).toEqual(['U0ALICE', 'U0BOB']);
    await t.app.usergroups.settled();
    expect(t.app.engine.transact((tx) => membersOf(tx.db, 'S0ALLENG'))).toEqual(['U0ALICE', 'U0BOB']);
    expect(await t.app.usergroups.isMember('S0ALLENG', 'U0BOB')).toBe(true);
    expect(t.logs.lines.some((l) => l.includes('"error":"http_error"') && l.includes('the old list stays'))).toBe(true);
    await t.close({ keepDb: true });

    // A policy that no longer names S0LEADS or S0DBA: their lists go, so naming them again starts from "unknown".
    standIn.clearFaults();
    const fewer = pagingPolicy(['escalation:', '  default:', '    P1: { steps: [{ page: primary }, { after: 15m, page: S0ALLENG }] }']);
    t = await TestApp.start({ policy: fewer, standIn, dbPath: db.path });
    await t.app.usergroups.settled();
    expect(t.app.usergroups.members('S0ALLENG')).toEqual(['U0ALICE', 'U0BOB']);
    expect(t.app.usergroups.members('S0LEADS')).toBeNull();
    expect(t.app.usergroups.members('S0DBA')).toBeNull();
  });
});
