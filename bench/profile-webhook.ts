/**
 * Where the webhook path spends its time: not a benchmark (no baseline), a workload to run under the profiler.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-webhook.ts [storm|dedup]
 *   npx tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile
 *
 * storm: distinct Alertmanager alerts over 20 groups from 16 clients (the join path); dedup: one alert repeated.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadPolicyFile } from '../src/config/policy.js';
import { FakeClock } from '../src/time/clock.js';
import { fixture } from '../test/support/fixtures.js';
import { TestApp } from '../test/support/harness.js';

const POLICY_PATH = fileURLToPath(new URL('../../shared/policy.example.yml', import.meta.url));
const TOKEN = 'bench-alertmanager-token-0123';
const REQUESTS = Number(process.env.REQUESTS ?? 4_000);
const CLIENTS = 16;
const mode = process.argv[2] ?? 'storm';

const template = fixture('alertmanager/firing.json') as { alerts: Array<Record<string, unknown>> };
const body = (i: number) =>
  mode === 'dedup'
    ? JSON.stringify(template)
    : JSON.stringify({
        ...template,
        alerts: [
          {
            ...template.alerts[0],
            fingerprint: `fp-${i}`,
            labels: { alertname: `Storm${i % 20}`, instance: `i${i}`, service: 'api', severity: 'error' },
            annotations: { summary: `storm alert ${i}` },
          },
        ],
      });

const t = await TestApp.start({
  policy: loadPolicyFile(POLICY_PATH),
  clock: new FakeClock('2026-11-20T10:00:00Z'),
  secrets: { ALERTMANAGER_TOKEN: TOKEN },
  rateLimits: false,
});
try {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next;
      next += 1;
      const response = await fetch(`${t.baseUrl}/webhooks/prometheus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: body(i),
      });
      if (response.status !== 202) throw new Error(`status ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${mode}: ${REQUESTS} requests in ${seconds.toFixed(2)} s = ${(REQUESTS / seconds).toFixed(0)} requests/s\n`);
  await t.app.drainer.drain();
} finally {
  await t.close();
}
