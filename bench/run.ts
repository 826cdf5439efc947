/** `npm run bench`: every benchmark, a table on stdout and bench/results.json for comparing runs. */
import { fileURLToPath } from 'node:url';
import { benchOutbox } from './outbox.bench.js';
import { benchWho } from './who.bench.js';
import { printAndSave, type BenchResult } from './results.js';

const results: BenchResult[] = [];
results.push(...(await benchOutbox()));
results.push(...benchWho());
printAndSave(results, fileURLToPath(new URL('./results.json', import.meta.url)));
