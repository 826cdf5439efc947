/** The rules of a bot with no public URL, pure: its mode, its reply topics, what a streamed line does, what its messages say. */
import { describe, expect, it } from 'vitest';
import { reachMode } from '../../src/config/env.js';
import { followedReplies, MAX_REPLY_TOPICS, readReply, replyStreamUrl, replyTopic, sameTopics } from '../../src/paging/ack-reply.js';
import { wakeContent, wakeMarker, type WakeLinks } from '../../src/paging/page-wake.js';

const SECRET = 'a-secret-of-at-least-16-chars';

describe('reachMode: decided once from the environment', () => {
  it.each([
    [{ PUBLIC_URL: 'https://oncall.example.com', SLACK_APP_TOKEN: 'xapp-1' }, 'reachable'],
    [{ PUBLIC_URL: 'https://oncall.example.com', SLACK_APP_TOKEN: undefined }, 'reachable'],
    [{ PUBLIC_URL: undefined, SLACK_APP_TOKEN: 'xapp-1' }, 'outbound-only'],
    [{ PUBLIC_URL: undefined, SLACK_APP_TOKEN: undefined }, 'local'],
  ] as const)('%o -> %s', (env, mode) => {
    expect(reachMode(env)).toBe(mode);
  });
});

describe('replyTopic: one per page, unguessable without the secret', () => {
  it('is ntfy-safe, stable, and differs by page and by secret', () => {
    const topic = replyTopic(SECRET, 12);
    expect(topic).toMatch(/^oncall-ack-[0-9a-f]{32}$/);
    expect(topic.length).toBeLessThanOrEqual(64);
    expect(replyTopic(SECRET, 12)).toBe(topic);
    expect(replyTopic(SECRET, 13)).not.toBe(topic);
    expect(replyTopic('another-secret-16-chars', 12)).not.toBe(topic);
  });
});

describe('followedReplies: which topics the stream follows', () => {
  const ids = (m: Map<string, number>) => [...m.values()].sort((a, b) => a - b);
  it.each([
    ['open pages pushed to', [12, 9, 4], [12, 4], [4, 12]],
    ['a pushed page that closed is not followed', [9], [12, 9], [9]],
    ['open pages never pushed to are not followed', [12, 9], [], []],
    ['a page listed twice is one topic', [4, 4], [4], [4]],
  ] as const)('%s', (_name, open, pushed, followed) => {
    expect(ids(followedReplies(SECRET, open, new Set(pushed)))).toEqual(followed);
  });

  it('keeps the newest pages up to the bound, topics sorted so the same pages make the same stream', () => {
    const open = Array.from({ length: MAX_REPLY_TOPICS + 5 }, (_, i) => i + 1);
    const followed = followedReplies(SECRET, open, new Set(open));
    expect(followed.size).toBe(MAX_REPLY_TOPICS);
    expect(Math.min(...followed.values())).toBe(6);
    expect([...followed.keys()]).toEqual([...followed.keys()].sort());
    expect(followed.get(replyTopic(SECRET, 7))).toBe(7);
  });

  it.each([
    ['the same pages', [1, 2], [2, 1], true],
    ['one more', [1], [1, 2], false],
    ['one fewer', [1, 2], [1], false],
    ['another', [1], [2], false],
    ['none and none', [], [], true],
  ] as const)('sameTopics: %s -> %s', (_name, a, b, same) => {
    const map = (pages: readonly number[]) => followedReplies(SECRET, pages, new Set(pages));
    expect(sameTopics(map(a), map(b))).toBe(same);
  });

  it('the stream URL names every topic and asks for what came since (unix seconds)', () => {
    expect(replyStreamUrl('https://ntfy.example.com/', ['a', 'b'], 1_767_754_800_999)).toBe(
      'https://ntfy.example.com/a,b/json?since=1767754800',
    );
  });
});

describe('readReply: what one streamed line does', () => {
  const topic = replyTopic(SECRET, 12);
  const followed = new Map([[topic, 12]]);
  const line = (m: Record<string, unknown>) => JSON.stringify(m);
  it.each([
    [
      'a message on a followed topic: its body is a token for that page',
      line({ id: 'm1', event: 'message', topic, message: ' v1.12.U0A.1.sig \n' }),
      [],
      { kind: 'use', pageId: 12, token: 'v1.12.U0A.1.sig', messageId: 'm1' },
    ],
    [
      'an empty body is still tried (and refused by the token check)',
      line({ id: 'm2', event: 'message', topic }),
      [],
      { kind: 'use', pageId: 12, token: '', messageId: 'm2' },
    ],
    [
      'the same message again (a reconnect resends it)',
      line({ id: 'm1', event: 'message', topic, message: 'x' }),
      ['m1'],
      { kind: 'skip', why: 'seen' },
    ],
    ['the open event', line({ id: 'o1', event: 'open', topic }), [], { kind: 'skip', why: 'not a message' }],
    ['a keepalive', line({ id: 'k1', event: 'keepalive', topic }), [], { kind: 'skip', why: 'not a message' }],
    [
      'a topic not followed',
      line({ id: 'm3', event: 'message', topic: 'oncall-ack-other', message: 'x' }),
      [],
      { kind: 'skip', why: 'not followed' },
    ],
    ['a message without an id', line({ event: 'message', topic, message: 'x' }), [], { kind: 'skip', why: 'not a message' }],
    ['not JSON', 'hello', [], { kind: 'skip', why: 'not json' }],
    ['JSON that is not an object', '42', [], { kind: 'skip', why: 'not json' }],
  ] as const)('%s', (_name, text, seen, decision) => {
    expect(readReply(text, followed, new Set(seen))).toEqual(decision);
  });
});

describe('wakeContent without a public URL: say where to acknowledge, promise nothing that cannot arrive', () => {
  const page = { id: 12, severity: 'P0', summary: 'checkout down', rotation: 'backend' };
  const links: WakeLinks = {
    ackUrl: 'http://localhost:3000/ack/T',
    clickUrl: 'https://slack.com/app_redirect?channel=D1',
    voiceUrl: 'http://localhost:3000/twilio/voice?page=12&user=U0A',
    outbound: { replyUrl: 'https://ntfy.example.com/oncall-ack-abc', token: 'v1.12.U0A.9.sig', openFor: '3 minutes' },
  };
  it.each([
    [
      'push',
      { actions: 'http, Acknowledge, https://ntfy.example.com/oncall-ack-abc, method=POST, body=v1.12.U0A.9.sig, clear=true', priority: 5 },
    ],
    ['sms', { text: '[P0] checkout down: page #12 (backend) is not acknowledged. Acknowledge it in Slack or in the push notification.' }],
    ['email', { text: '[P0] checkout down: page #12 (backend) is not acknowledged. Acknowledge it in Slack or in the push notification.' }],
    [
      'voice',
      {
        spoken:
          'P0 page 12 for backend: checkout down. Open for 3 minutes. Acknowledge in Slack or in the push notification; key presses need a public address.',
      },
    ],
  ] as const)('%s', (via, expected) => {
    const content = wakeContent(page, via, true, links);
    expect(content).toMatchObject(expected);
    expect(JSON.stringify(content)).not.toMatch(/localhost|Reply 4|Press 4/);
    expect(content.url).toBeUndefined();
  });

  it("a restart still finds its own text by the page's marker", () => {
    expect(wakeContent(page, 'sms', true, links).text).toContain(wakeMarker(12, 'sms', true)!);
    expect(wakeContent({ ...page, id: 1 }, 'sms', true, links).text).not.toContain(wakeMarker(12, 'sms', true)!);
    expect(wakeContent(page, 'push', true, links).text).toContain(wakeMarker(12, 'push', true)!);
  });
});
