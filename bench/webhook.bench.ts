import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadPolicyFile } from '../src/config/policy.js';
import { FakeClock } from '../src/time/clock.js';
import { fixture } from '../test/support/fixtures.js';
import { TestApp } from '../test/support/harness.js';
import { result, type BenchResult } from './results.js';

const POLICY_PATH = fileURLToPath(new URL('../../shared/policy.example.yml', import.meta.url));
const TOKEN = 'bench-alertmanager-token-0123';
const REQUESTS = 3_000;
const CONCURRENCY = 16;

async function hammer(url: string, body: string, headers: Record<string, string>): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < REQUESTS) {
      next += 1;
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      if (response.status !== 202) throw new Error(`status ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return REQUESTS / ((performance.now() - start) / 1000);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Webhook throughput (one Alertmanager alert repeated: the dedup path) against a bare 202 server. */
export async function throughput(): Promise<BenchResult> {
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const body = JSON.stringify(fixture('alertmanager/firing.json'));
  const t = await TestApp.start({
    policy: loadPolicyFile(POLICY_PATH),
    clock: new FakeClock('2026-11-20T10:00:00Z'),
    secrets: { ALERTMANAGER_TOKEN: TOKEN },
  });
  try {
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/webhooks/prometheus`;
    const ourUrl = `${t.baseUrl}/webhooks/prometheus`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    // The same warm-up for both (JIT, sockets, and for ours the first alert's insert and page): only then measured.
    await hammer(bareUrl, body, {});
    await hammer(ourUrl, body, auth);
    const baseline = await hammer(bareUrl, body, {});
    const ours = await hammer(ourUrl, body, auth);
    return result('webhook throughput (Alertmanager, dedup) vs bare 202 server', ours, baseline, 'requests/s', 'higher', {
      on: 'ratio',
      min: 0.5,
    });
  } finally {
    await t.close();
    bare.close();
  }
}

/** Alert received -> the on-call's DM arrives at the stand-in, with distinct alerts sent at 500/s for 4 s. */
async function alertToPage(ratePerSecond: number): Promise<number[]> {
  // Rate limits off here: 2,000 DMs to one on-call person at one fake instant is the bot's own latency under load;
  // Slack would take about one a second in that DM (the stand-in's rate limits, on elsewhere, say so).
  // Digests off too: this is each page's own path (the storm bench measures what a digest does to a flood).
  const t = await TestApp.start({
    policy: { ...loadPolicyFile(POLICY_PATH), digest: { after: Number.MAX_SAFE_INTEGER } },
    clock: new FakeClock('2026-11-20T10:00:00Z'),
    secrets: { ALERTMANAGER_TOKEN: TOKEN },
    rateLimits: false,
  });
  const template = fixture('alertmanager/firing.json') as { alerts: Array<Record<string, unknown>> };
  const sentAt = new Map<string, number>();
  try {
    const total = ratePerSecond * 4;
    const start = performance.now();
    const inflight = new Set<Promise<unknown>>();
    for (let i = 0; i < total; i += 1) {
      // At most 256 requests open at once, like a sender's connection pool; past that the offered rate drops.
      while (inflight.size >= 256) await Promise.race(inflight);
      const wait = start + (i * 1000) / ratePerSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const summary = `bench alert ${i}`;
      const alert = {
        ...template.alerts[0],
        fingerprint: `fp-${i}`,
        labels: { alertname: `A${i}`, service: 'api', severity: 'error' },
        annotations: { summary },
      };
      sentAt.set(summary, performance.now());
      const request: Promise<unknown> = fetch(`${t.baseUrl}/webhooks/prometheus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ ...template, alerts: [alert] }),
      })
        .then((r) => r.arrayBuffer())
        .finally(() => inflight.delete(request));
      inflight.add(request);
    }
    await Promise.all(inflight);
    // Wait for the outbox to deliver everything that was decided.
    for (
      let i = 0;
      i < 600 &&
      t.standIn
        .delivered('chat.postMessage')
        .filter((c) => String(c.args.channel).startsWith('U0') && String(c.args.text).includes('bench alert')).length < total;
      i += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latencies: number[] = [];
    for (const call of t.standIn.delivered('chat.postMessage')) {
      const summary = /bench alert \d+/.exec(String(call.args.text))?.[0];
      if (!summary || !String(call.args.channel).startsWith('U0')) continue;
      latencies.push(call.receivedAt - sentAt.get(summary)!);
    }
    if (latencies.length < total) throw new Error(`only ${latencies.length} of ${total} pages arrived`);
    return latencies;
  } finally {
    await t.close();
  }
}

export async function benchWebhooks(): Promise<BenchResult[]> {
  const rows = [await throughput()];
  const low = await alertToPage(10);
  const high = await alertToPage(500);
  rows.push(result('alert-to-page latency p50 at 500/s vs 10/s', percentile(high, 50), percentile(low, 50), 'ms', 'lower'));
  rows.push(result('alert-to-page latency p99 at 500/s vs 10/s', percentile(high, 99), percentile(low, 99), 'ms', 'lower'));
  return rows;
}
