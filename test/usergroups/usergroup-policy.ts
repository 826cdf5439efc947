import type { Policy } from '../../src/config/policy.js';
import { pagingPolicy } from '../support/paging-scenario.js';

/**
 * The backend rotation of pagingPolicy, with user groups where the policy may name them: a P1 chain step pages
 * S0ALLENG, a P0 declaration notifies S0LEADS, a playbook trigger pulls in S0DBA; the rotation's own group
 * S0ONCALL (which the bot writes) is named too, and must not be watched.
 */
export function groupsPolicy(): Policy {
  return pagingPolicy([
    '    usergroup: S0ONCALL',
    'escalation:',
    '  default:',
    '    P1: { steps: [{ page: primary }, { after: 15m, page: S0ALLENG }] }',
    'notify:',
    '  - { when: declared, severity: P0, who: S0LEADS }',
    '  - { when: declared, severity: P0, who: engineering_lead }',
    'playbooks:',
    '  triggers:',
    '    database-down: { label: The primary database is unreachable, who: S0DBA, how: page }',
  ]);
}
