/**
 * The stand-in grants the bot token the scopes manifest.yml asks for, and no more: a method whose scope the
 * manifest lacks is refused as Slack refuses it (missing_scope, naming the scope needed), so a new Slack call
 * cannot ship without the manifest line that allows it.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MANIFEST_URL, manifestBotScopes, refuseScope, repositoryBotScopes } from '../../src/playground/slack-scopes.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { createOutboxClient } from '../../src/slack/web-api-caller.js';
import { outbox } from '../../src/db/schema.js';
import { TEST_SECRETS } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { pagingPolicy } from '../support/paging-scenario.js';

const MANIFEST = manifestBotScopes(readFileSync(MANIFEST_URL, 'utf8'));
const without = (scope: string) => MANIFEST.filter((s) => s !== scope);

describe('scopes (slack-scopes.ts)', () => {
  it('reads the bot scopes from manifest.yml, and the stand-in uses them by default', () => {
    expect(MANIFEST).toContain('chat:write');
    expect(repositoryBotScopes()).toEqual(MANIFEST);
  });

  it.each([
    ['chat.postMessage', 'public', 'chat:write'],
    ['conversations.history', 'public', 'channels:history'],
    ['conversations.history', 'private', 'groups:history'],
    ['conversations.history', 'im', 'im:history'],
    ['conversations.create', 'public', 'channels:manage'],
    ['conversations.create', 'private', 'groups:write'],
    ['conversations.invite', 'public', 'channels:manage'],
    ['usergroups.users.list', 'public', 'usergroups:read'],
    ['pins.add', 'public', 'pins:write'],
    ['reactions.add', 'public', 'reactions:write'],
  ] as const)('%s in a %s conversation needs %s', (method, kind, scope) => {
    expect(refuseScope(method, kind, new Set([scope]))).toBeNull();
    expect(refuseScope(method, kind, new Set(['commands']))).toEqual({
      ok: false,
      error: 'missing_scope',
      needed: scope,
      provided: 'commands',
    });
  });

  it('views need no scope; a method Slack does not have is unknown_method', () => {
    expect(refuseScope('views.open', 'public', new Set())).toBeNull();
    expect(refuseScope('chat.postMesage', 'public', new Set(MANIFEST))).toEqual({ ok: false, error: 'unknown_method' });
  });
});

describe('a method the manifest does not grant is refused', () => {
  let t: TestApp | undefined;
  let standIn: SlackStandIn | undefined;
  afterEach(async () => {
    await t?.close();
    await standIn?.stop();
    t = undefined;
    standIn = undefined;
  });

  it('over the Web API: missing_scope with needed and provided, and nothing is posted', async () => {
    standIn = await new SlackStandIn({ scopes: without('chat:write') }).start();
    const client = createOutboxClient(TEST_SECRETS.botToken, standIn.url);
    const data = await client.chat.postMessage({ channel: 'C1', text: 'hello' }).then(
      () => null,
      (error: { data?: unknown }) => error.data,
    );
    expect(data).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'chat:write',
      provided: expect.not.stringContaining('chat:write'),
    });
    expect(standIn.conversationFor('C1', 'U0ANY')).toEqual([]);
  });

  it('through the bot: with chat:write gone from the manifest, a page cannot be posted and the outbox says why', async () => {
    standIn = await new SlackStandIn({ scopes: without('chat:write') }).start();
    t = await TestApp.start({ policy: pagingPolicy(), standIn });
    await t.command('/oncall', 'page backend --severity P1 checkout is down');
    await t.settled();
    await t.app.drainer.drain();
    const refused = standIn.attempts('chat.postMessage');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((c) => c.response.error === 'missing_scope' && c.response.needed === 'chat:write')).toBe(true);
    expect(
      t.store.db
        .select()
        .from(outbox)
        .all()
        .filter((r) => r.method === 'chat.postMessage')
        .map((r) => [r.status, r.lastError]),
    ).toContainEqual(['failed', 'missing_scope']);
  });
});
