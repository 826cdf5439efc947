/** The playbooks store against real SQLite: a checklist's order and ticks, a trigger marked once. */
import { beforeEach, describe, expect, it } from 'vitest';
import { migratedStoreEachTest } from '../support/memory-store.js';
import { insertIncident } from '../../src/incidents/incident-store.js';
import { checklistOf, findTrigger, insertChecklist, insertTrigger, setChecklistItem } from '../../src/playbooks/playbook-store.js';

const store = migratedStoreEachTest();
let incidentId: number;
const T = 1_800_000_000_000;
beforeEach(() => {
  const base = {
    severity: 'P1',
    status: 'investigating' as const,
    service: null,
    environment: null,
    impact: 'x',
    tags: [],
    rotation: null,
    declaredBy: 'U1',
    commander: 'U1',
    roles: {},
    channelId: null,
    announceChannel: null,
    declaredAt: T,
  };
  incidentId = insertIncident(store.db, { ...base, title: 'one' }).id;
  insertChecklist(store.db, insertIncident(store.db, { ...base, title: 'another' }).id, ['not this one']);
});

describe('playbook store', () => {
  it('keeps a checklist in its order, ticked and unticked by position', () => {
    insertChecklist(store.db, incidentId, ['Is it prod?', 'Who is affected?', 'Since when?']);
    setChecklistItem(store.db, incidentId, 1, { by: 'U2', at: T + 5 });
    expect(checklistOf(store.db, incidentId)).toEqual([
      { position: 0, text: 'Is it prod?', checkedBy: null, checkedAt: null },
      { position: 1, text: 'Who is affected?', checkedBy: 'U2', checkedAt: T + 5 },
      { position: 2, text: 'Since when?', checkedBy: null, checkedAt: null },
    ]);
    setChecklistItem(store.db, incidentId, 1, null);
    expect(checklistOf(store.db, incidentId)[1]).toEqual({ position: 1, text: 'Who is affected?', checkedBy: null, checkedAt: null });
  });

  it('finds a trigger by incident and name; the table takes each once', () => {
    expect(findTrigger(store.db, incidentId, 'data_loss')).toBeNull();
    insertTrigger(store.db, { incidentId, name: 'data_loss', markedBy: 'U1', markedAt: T });
    expect(findTrigger(store.db, incidentId, 'data_loss')).toMatchObject({ incidentId, name: 'data_loss', markedBy: 'U1', markedAt: T });
    expect(findTrigger(store.db, incidentId + 1, 'data_loss')).toBeNull();
    expect(() => insertTrigger(store.db, { incidentId, name: 'data_loss', markedBy: 'U2', markedAt: T + 1 })).toThrow();
  });
});
