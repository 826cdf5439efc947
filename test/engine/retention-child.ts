/**
 * The retention test's child: deletes old delivered outbox rows batch after batch, as the retention timer does
 * (one transaction a batch), saying "batch" after each, until the parent kills it with SIGKILL mid-way.
 */
import { openStore } from '../../src/db/connection.js';
import { deleteDeliveredBefore } from '../../src/engine/outbox.js';

const [dbPath, before, batch] = process.argv.slice(2);
const store = openStore(dbPath!);
for (;;) {
  const removed = store.sqlite.transaction(() => deleteDeliveredBefore(store.db, Number(before), Number(batch)))();
  process.stdout.write(`batch ${removed}\n`);
  if (removed === 0) break;
}
store.close();
