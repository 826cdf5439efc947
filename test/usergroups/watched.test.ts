import { describe, expect, it } from 'vitest';
import { watchedUsergroups } from '../../src/usergroups/watched.js';
import { pagingPolicy } from '../support/paging-scenario.js';
import { groupsPolicy } from './usergroup-policy.js';

describe('the user groups a policy needs the members of', () => {
  it('are the groups named by chain steps, notify rules and playbook triggers, sorted, each once', () => {
    expect(watchedUsergroups(groupsPolicy())).toEqual(['S0ALLENG', 'S0DBA', 'S0LEADS']);
  });

  it('leave out the rotation usergroup the bot writes itself, and roles, user ids, primary and secondary', () => {
    const policy = groupsPolicy();
    expect(policy.rotations.backend?.usergroup).toBe('S0ONCALL');
    expect(watchedUsergroups(policy)).not.toContain('S0ONCALL');
    expect(watchedUsergroups(pagingPolicy())).toEqual([]);
  });

  it('count a group once however many places name it', () => {
    const policy = pagingPolicy([
      'escalation:',
      '  default:',
      '    P0: { steps: [{ page: S0ALLENG }, { after: 15m, page: S0ALLENG }] }',
      '    P1: { steps: [{ page: primary }, { after: 15m, page: S0ALLENG }] }',
      'notify:',
      '  - { when: unresolved, severity: P1, after: 1h, who: S0ALLENG }',
    ]);
    expect(watchedUsergroups(policy)).toEqual(['S0ALLENG']);
  });
});
