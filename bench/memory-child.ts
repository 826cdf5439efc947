/**
 * One process, one database: start the bot on it, run an hour of work (alerts paging, ticks, Home opened), and
 * print the process's resident memory as JSON. bench/memory.bench.ts runs it once per database, so the figures
 * do not share a heap.
 */
import { fileURLToPath } from 'node:url';
import { loadPolicyFile } from '../src/config/policy.js';
import { FakeClock, MINUTE } from '../src/time/clock.js';
import { fixture } from '../test/support/fixtures.js';
import { TestApp } from '../test/support/harness.js';

const POLICY_PATH = fileURLToPath(new URL('../../shared/policy.example.yml', import.meta.url));
const TOKEN = 'bench-alertmanager-token-0123';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: tsx bench/memory-child.ts <database file>');
const t = await TestApp.start({
  dbPath,
  policy: loadPolicyFile(POLICY_PATH),
  clock: new FakeClock(Date.parse('2027-01-06T03:00:00Z')),
  secrets: { ALERTMANAGER_TOKEN: TOKEN },
});
const template = fixture('alertmanager/firing.json') as { alerts: Array<Record<string, unknown>> };
for (let i = 0; i < 100; i += 1) {
  const alert = {
    ...template.alerts[0],
    fingerprint: `mem-${i}`,
    labels: { alertname: `Mem${i}`, service: `svc-${i % 40}`, severity: 'critical' },
  };
  await fetch(`${t.baseUrl}/webhooks/prometheus`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ ...template, alerts: [alert] }),
  });
}
for (let minute = 0; minute < 60; minute += 1) await t.advance(MINUTE);
for (const user of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) {
  await t.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: '1795000000.000100' });
}
await t.settled();
await t.command('/oncall', 'report month', 'U0ALICE');
global.gc?.();
process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed })}\n`);
await t.close();
