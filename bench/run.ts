/**
 * `npm run bench`: every benchmark, a table on stdout and bench/results.json for comparing runs.
 * `npm run bench -- <name> [<name> ...]` (e.g. `wake-call`): only those benchmarks, printed, results.json left alone.
 * A benchmark that throws is reported at the end (the run exits 1); the others' figures are still printed and saved.
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

const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !benches.some(([known]) => known === name));
if (unknown.length > 0) {
  process.stderr.write(
    `no benchmark named ${unknown.map((n) => `"${n}"`).join(', ')}: one of ${benches.map(([name]) => name).join(', ')}\n`,
  );
  process.exit(2);
}
// One benchmark that breaks does not hide the others' figures: it is named at the end and the run exits 1.
const results: BenchResult[] = [];
const broken: string[] = [];
for (const [name, bench] of benches) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  try {
    results.push(...(await bench()));
  } catch (error) {
    broken.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.stderr.write(`benchmark ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}
if (chosen.length === 0) printAndSave(results, fileURLToPath(new URL('./results.json', import.meta.url)));
else print(results);
if (broken.length > 0) {
  process.stdout.write(`\n${broken.length} benchmark(s) failed and have no figures above:\n${broken.map((b) => `- ${b}`).join('\n')}\n`);
  process.exitCode = 1;
}
