import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await TestApp.start();
});
afterAll(async () => t.close());

describe('slash commands over signed HTTP', () => {
  it.each(['/oncall', '/incident', '/handoff'])('%s help reaches its handler and is acked with the usage', async (command) => {
    const answer = await t.command(command, 'help');
    expect(answer.status).toBe(200);
    const body = answer.json() as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain(`*${command}*`);
    expect(body.text).toContain(`\`${command} help\``);
  });

  it('answers an empty command with the usage', async () => {
    const answer = await t.command('/oncall', '');
    expect((answer.json() as { text: string }).text).toContain('`/oncall help`');
  });

  it('names an unknown subcommand and shows the usage', async () => {
    const answer = await t.command('/oncall', 'frobnicate now');
    expect(answer.status).toBe(200);
    const body = answer.json() as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('`/oncall` has no subcommand `frobnicate`');
    expect(body.text).toContain('`/oncall help`');
  });

  it('refuses a wrong signature with 401', async () => {
    const answer = await t.command('/oncall', 'help', 'U0ALICE', { sign: { signature: 'v0=deadbeef' } });
    expect(answer.status).toBe(401);
  });

  it('refuses a request signed with another secret', async () => {
    const answer = await t.command('/oncall', 'help', 'U0ALICE', { sign: { secret: 'not-the-signing-secret' } });
    expect(answer.status).toBe(401);
  });

  it('refuses a request without a signature', async () => {
    const answer = await t.command('/oncall', 'help', 'U0ALICE', { sign: { signature: null } });
    expect(answer.status).toBe(401);
  });

  it('refuses a correctly signed request older than 5 minutes (replay)', async () => {
    const sixMinutesAgo = Math.floor(systemClock.now() / 1000) - 6 * 60;
    const answer = await t.command('/oncall', 'help', 'U0ALICE', { sign: { timestampSec: sixMinutesAgo } });
    expect(answer.status).toBe(401);
  });

  it('never writes the signing secret or bot token into the log', async () => {
    // The requests whose log lines could carry a secret are made here, so the check does not depend on which
    // tests ran before it.
    const from = t.logs.lines.length;
    await t.command('/oncall', 'help', 'U0ALICE', { sign: { secret: 'not-the-signing-secret' } }); // refused, with a warning
    await t.command('/incident', 'declare Checkout is down');
    await t.standIn.waitFor('views.open'); // a Web API call made with the bot token
    const mine = t.logs.lines.slice(from).join('');
    expect(mine).toContain('signature mismatch');
    expect(mine).toContain("apiCall('views.open')");
    const log = t.logs.lines.join('');
    expect(log).not.toContain('test-signing-secret-never-logged');
    expect(log).not.toContain('xoxb-test-4242');
  });
});
