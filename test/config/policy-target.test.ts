/**
 * parsePageTarget: a step's `page:` text -> the kind of target the paging code switches on, parsed once when the
 * policy loads; pageTargetText writes it back as the file did.
 */
import { describe, expect, it } from 'vitest';
import { pageTargetText, parsePageTarget, type PageTarget } from '../../src/config/policy-target.js';

const PEOPLE = { engineering_lead: 'U0LEAD', S0ALIAS: 'U0REAL' };

describe('parsePageTarget', () => {
  it.each<[string, PageTarget]>([
    ['primary', { kind: 'on-call', role: 'primary' }],
    ['secondary', { kind: 'on-call', role: 'secondary' }],
    ['platform.primary', { kind: 'rotation', rotation: 'platform', role: 'primary' }],
    ['platform.secondary', { kind: 'rotation', rotation: 'platform', role: 'secondary' }],
    ['eu.web.primary', { kind: 'rotation', rotation: 'eu.web', role: 'primary' }],
    ['engineering_lead', { kind: 'role', role: 'engineering_lead' }],
    // A name under people wins over an id-shaped text.
    ['S0ALIAS', { kind: 'role', role: 'S0ALIAS' }],
    ['U0ALICE', { kind: 'person', userId: 'U0ALICE' }],
    ['W0ENTERPRISE', { kind: 'person', userId: 'W0ENTERPRISE' }],
    ['S0ONCALL', { kind: 'usergroup', usergroupId: 'S0ONCALL' }],
    // Any other bare name is a role: one people does not define reaches nobody (the loader refuses it in a file).
    ['cto', { kind: 'role', role: 'cto' }],
    ['platform.lead', { kind: 'role', role: 'platform.lead' }],
    ['platform.primary2', { kind: 'role', role: 'platform.primary2' }],
    ['.primary', { kind: 'role', role: '.primary' }],
    ['u0alice', { kind: 'role', role: 'u0alice' }],
    ['U0AL-ICE', { kind: 'role', role: 'U0AL-ICE' }],
  ])('%s', (text, expected) => {
    const parsed = parsePageTarget(text, PEOPLE);
    expect(parsed).toEqual({ ok: true, target: expected });
    if (parsed.ok) expect(pageTargetText(parsed.target)).toBe(text);
  });

  it.each([
    ['<@U0ALICE>', '"<@U0ALICE>" is a Slack mention: write the id alone (U0ALICE)'],
    ['<!subteam^S0X>', '"<!subteam^S0X>" is'],
    ['@alice', '"@alice" is a Slack handle'],
    ['#oncall', '"#oncall" is a channel'],
    [' primary', '" primary" has spaces around it'],
    ['   ', 'a blank target'],
  ])('%s is no target: the message says why and what a step pages', (text, why) => {
    const parsed = parsePageTarget(text, PEOPLE);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message).toContain(why);
      expect(parsed.message).toContain('a step pages primary, secondary');
    }
  });
});
