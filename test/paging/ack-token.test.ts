import { describe, expect, it } from 'vitest';
import { checkAckToken, makeAckToken } from '../../src/paging/ack-token.js';

const SECRET = 'a-server-secret-of-some-length';
const NOW = Date.parse('2026-01-07T03:02:00Z');
const token = makeAckToken(SECRET, { pageId: 12, userId: 'U0ALICE', expiresAt: NOW + 60_000 });

describe('acknowledge tokens', () => {
  it('names one page and one person until it expires', () => {
    expect(token).toMatch(/^v1\.12\.U0ALICE\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(checkAckToken(SECRET, token, NOW)).toEqual({ ok: true, claim: { pageId: 12, userId: 'U0ALICE', expiresAt: NOW + 60_000 } });
  });

  it.each([
    [
      'signed with another secret',
      makeAckToken('another-secret-entirely-000', { pageId: 12, userId: 'U0ALICE', expiresAt: NOW + 60_000 }),
      NOW,
      'forged',
    ],
    ['moved to another person', token.replace('U0ALICE', 'U0BOB'), NOW, 'forged'],
    ['moved to another page', token.replace('v1.12.', 'v1.13.'), NOW, 'forged'],
    ['made to last longer', token.replace(`.${NOW + 60_000}.`, `.${NOW + 6_000_000}.`), NOW, 'forged'],
    ['expired', token, NOW + 60_000, 'expired'],
    ['not a token', 'v1.12', NOW, 'malformed'],
    ['empty', '', NOW, 'malformed'],
  ])('%s: refused (%s)', (_name, given, now, why) => {
    expect(checkAckToken(SECRET, given, now)).toEqual({ ok: false, why });
  });
});
