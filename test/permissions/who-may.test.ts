import { describe, expect, it } from 'vitest';
import { rotationsForService } from '../../src/alerts/routing.js';
import { parsePolicyText } from '../../src/config/policy.js';
import { isAdmin, listOf, mayActFor, refusal } from '../../src/permissions/who-may.js';

const policy = (...extra: string[]) =>
  parsePolicyText(
    [
      'people: { engineering_lead: U0LEAD, cto: U0CTO, vp_engineering: U0CTO }',
      'rotations:',
      '  backend: { members: [U0ALICE, U0BOB] }',
      '  web: { members: [U0ERIN] }',
      ...extra,
    ].join('\n'),
    'who-may.yml',
  );

describe('who may act for a rotation', () => {
  it.each([
    ['a member of the rotation', 'U0ALICE', ['backend'], true],
    ['a member of another rotation', 'U0ERIN', ['backend'], false],
    ['a member of one of several', 'U0ERIN', ['backend', 'web'], true],
    ['a role under people (an admin by default)', 'U0LEAD', ['backend'], true],
    ['an admin, with no rotation at all', 'U0CTO', [], true],
    ['a member, of a rotation no longer in the policy', 'U0ALICE', ['payments'], false],
    ['nobody in particular', 'U0STRANGER', ['backend'], false],
  ])('%s', (_name, user, rotations, expected) => {
    expect(mayActFor(policy(), rotations, user)).toBe(expected);
  });

  it('permissions.admins replaces the default: a role left out is no longer an admin, a user id listed is', () => {
    const narrowed = policy('permissions: { admins: [cto, U0SRE] }');
    expect(['U0LEAD', 'U0CTO', 'U0SRE'].map((u) => isAdmin(narrowed, u))).toEqual([false, true, true]);
    expect(mayActFor(narrowed, ['backend'], 'U0LEAD')).toBe(false);
    expect(mayActFor(narrowed, ['backend'], 'U0ALICE')).toBe(true);
    expect(mayActFor(policy('permissions: { admins: [] }'), ['backend'], 'U0CTO')).toBe(false);
  });
});

describe('refusals name who may', () => {
  it("the feature's own people first, then the members, then what else it names, then the admins (a person holding two roles once)", () => {
    expect(
      refusal(
        policy(),
        { first: ['the commander (<@U0DAN>)'], rotations: ['backend'], also: ['someone page #3 reached'] },
        'resolve page #3',
      ),
    ).toBe(
      'Only the commander (<@U0DAN>), members of *backend* (<@U0ALICE>, <@U0BOB>), someone page #3 reached, the engineering_lead (<@U0LEAD>) or the cto and vp_engineering (<@U0CTO>) can resolve page #3.',
    );
  });

  it('a plain user id admin, a rotation the policy no longer has, and a rule that allows nobody', () => {
    expect(refusal(policy('permissions: { admins: [U0SRE] }'), { rotations: ['payments'] }, 'cancel override #2')).toBe(
      'Only <@U0SRE> can cancel override #2.',
    );
    expect(refusal(policy('permissions: { admins: [] }'), { rotations: ['payments'] }, 'cancel override #2')).toBe(
      'Nobody can cancel override #2 under this policy: add yourself under `permissions.admins` in the policy file.',
    );
  });

  it.each([
    [[], ''],
    [['a'], 'a'],
    [['a', 'b'], 'a or b'],
    [['a', 'b', 'c'], 'a, b or c'],
  ])('listOf(%j) is "%s"', (items, expected) => {
    expect(listOf(items)).toBe(expected);
  });
});

describe("the rotations a service's alerts can page (who may silence it)", () => {
  const routed = policy(
    'integrations:',
    '  prometheus:',
    '    format: alertmanager',
    '    routes: [{ match: { service: payments }, rotation: backend }, { match: { team: web }, rotation: web }, { rotation: backend }]',
    '  uptime:',
    '    format: uptime-kuma',
    '    routes: [{ match: { service: checkout }, rotation: web }]',
  );

  it.each([
    ['payments', ['backend']], // its own route takes every one of its alerts before the others are tried
    ['checkout', ['web', 'backend']], // a label match its alerts may carry, the catch-all, and its own route elsewhere
    ['search', ['web', 'backend']],
  ])('%s -> %j', (service, expected) => {
    expect(rotationsForService(routed, service)).toEqual(expected);
  });

  it('no integration at all: none', () => {
    expect(rotationsForService(policy(), 'payments')).toEqual([]);
  });
});
