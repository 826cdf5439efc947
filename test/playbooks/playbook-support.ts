import { eq } from 'drizzle-orm';
import { incidentEvents } from '../../src/db/schema.js';
import { PLAYBOOK_ACTIONS } from '../../src/playbooks/playbook-blocks.js';
import type { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

/**
 * A press on the checklist in the incident's channel (#C0INC1) as Slack sends it: `user` leaves `positions` ticked
 * in the group `blockId` (the first one unless said).
 */
export const checklistTick = (user: string, positions: number[], blockId = 'checklist:1') =>
  blockActionPayload(user, PLAYBOOK_ACTIONS.checklist, '', {
    channel: { id: 'C0INC1' },
    actions: [
      {
        type: 'checkboxes',
        action_id: PLAYBOOK_ACTIONS.checklist,
        block_id: blockId,
        selected_options: positions.map((p) => ({ value: String(p) })),
        action_ts: '1',
      },
    ],
  });

/** The texts of the incident timeline's events of one kind, in the order they were written. */
export const timelineTexts = (t: TestApp, kind: string): string[] =>
  t.store.db
    .select()
    .from(incidentEvents)
    .where(eq(incidentEvents.kind, kind))
    .all()
    .map((e) => e.text);
