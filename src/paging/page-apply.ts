/** Apply: a paging decision's effects written in the caller's transaction (engine/effects.ts), rows through the page store. */
import { applyEffects, type EventSink } from '../engine/effects.js';
import type { EngineTx } from '../engine/engine.js';
import type { PageEffects, PagingEvent, PageWrite } from './page-decide.js';
import { insertPageMessages, updatePage } from './page-store.js';
import type { Db } from '../db/connection.js';

function writePage(db: Db, write: PageWrite): void {
  if (write.kind === 'page') updatePage(db, write.id, write.patch);
  else insertPageMessages(db, write.rows);
}

export function applyPageEffects(tx: EngineTx, effects: PageEffects, dispatch: EventSink<PagingEvent>): void {
  applyEffects(tx, effects, { write: writePage, dispatch });
}
