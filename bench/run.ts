/**
 * `npm run bench`: every benchmark, a table on stdout and bench/results.json for comparing runs.
 * `npm run bench -- <name>` (e.g. `wake-call`): only the benchmarks of that name, printed, results.json left alone.
 */
import { fileURLToPath } from 'node:url';
import { benchEscalation } from './escalation.bench.js';
import { benchHistory } from './history.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchOutbox } from './outbox.bench.js';
import { benchReport } from './report.bench.js';
import { benchStorm } from './storm.bench.js';
import { benchWakeCall } from './wake-call.bench.js';
import { benchWebhooks } from './webhook.bench.js';
import { benchWho, benchWhoFromStore } from './who.bench.js';
import { print, printAndSave, type BenchResult } from './results.js';

const benches: Array<[string, () => BenchResult[] | Promise<BenchResult[]>]> = [
  ['outbox', benchOutbox],
  ['who', benchWho],
  ['who-store', benchWhoFromStore],
  ['escalation', benchEscalation],
  ['wake-call', benchWakeCall],
  ['webhook', benchWebhooks],
  ['storm', benchStorm],
  ['history', benchHistory],
  ['memory', benchMemory],
  ['report', benchReport],
];

const only = process.argv[2];
if (only !== undefined && !benches.some(([name]) => name === only)) {
  process.stderr.write(`no benchmark named "${only}": one of ${benches.map(([name]) => name).join(', ')}\n`);
  process.exit(2);
}
const results: BenchResult[] = [];
for (const [name, bench] of benches) if (only === undefined || name === only) results.push(...(await bench()));
if (only === undefined) printAndSave(results, fileURLToPath(new URL('./results.json', import.meta.url)));
else print(results);
