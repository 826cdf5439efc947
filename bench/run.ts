/** `npm run bench`: every benchmark, a table on stdout and bench/results.json for comparing runs. */
import { fileURLToPath } from 'node:url';
import { benchEscalation } from './escalation.bench.js';
import { benchHistory } from './history.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchOutbox } from './outbox.bench.js';
import { benchWebhooks } from './webhook.bench.js';
import { benchWho, benchWhoFromStore } from './who.bench.js';
import { printAndSave, type BenchResult } from './results.js';

const results: BenchResult[] = [];
results.push(...(await benchOutbox()));
results.push(...benchWho());
results.push(...benchWhoFromStore());
results.push(...(await benchEscalation()));
results.push(...(await benchWebhooks()));
results.push(...(await benchHistory()));
results.push(...benchMemory());
printAndSave(results, fileURLToPath(new URL('./results.json', import.meta.url)));
