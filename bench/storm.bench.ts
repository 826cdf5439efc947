import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadPolicyFile } from '../src/config/policy.js';
import { pages } from '../src/db/schema.js';
import { FakeClock, MINUTE } from '../src/time/clock.js';
import { fixture } from '../test/support/fixtures.js';
import { TestApp } from '../test/support/harness.js';
import { result, type BenchResult } from './results.js';
import { throughput } from './webhook.bench.js';

const POLICY_PATH = fileURLToPath(new URL('../../shared/policy.example.yml', import.meta.url));
const TOKEN = 'bench-alertmanager-token-0123';
const GROUPS = 20;
const SECONDS = 10;
const START = Date.parse('2026-11-20T10:00:00Z');

interface StormFigures {
  /** Webhook request sent -> the on-call's DM for the first alert of each new group received by the stand-in (ms). */
  firstPage: number[];
  /** The most Slack calls (attempts, 429s included) any one channel or DM received in the storm's first minute. */
  callsPerChannelMinute: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The warm-up runs this long before the storm, so its pages are out of the digest's minute and Slack's windows. */
const WARM_UP_LEAD = 10 * MINUTE;

/**
 * A bot that has been running: a few alerts paged and resolved before the storm, so the storm does not pay for the
 * process's first request (the first page after a start is ~100 ms slower: code compiled, statements prepared).
 */
async function warmUp(t: TestApp, template: { alerts: Array<Record<string, unknown>> }): Promise<void> {
  for (const status of ['firing', 'resolved'] as const) {
    for (let i = 0; i < 5; i += 1) {
      const alert = {
        ...template.alerts[0],
        status,
        fingerprint: `warm-up-${i}`,
        labels: { alertname: `WarmUp${i}`, instance: 'warm-up', service: 'api', severity: 'error' },
        annotations: { summary: `warm-up alert ${i}` },
      };
      const response = await fetch(`${t.baseUrl}/webhooks/prometheus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ ...template, status, alerts: [alert] }),
      });
      if (response.status !== 202) throw new Error(`warm-up: status ${response.status}: ${await response.text()}`);
    }
    await t.app.engine.tick();
  }
}

/**
 * Distinct Alertmanager alerts at `ratePerSecond` for 10 s, spread over 20 groups (alert names), as one storm.
 * The bot's clock follows real time (its ticker beats every 100 ms) and the stand-in keeps Slack's rate limits
 * on that clock, so edits every 10 s, digests and 429s happen as they would.
 */
async function storm(ratePerSecond: number): Promise<StormFigures> {
  const clock = new FakeClock(START - WARM_UP_LEAD);
  const t = await TestApp.start({ policy: loadPolicyFile(POLICY_PATH), clock, secrets: { ALERTMANAGER_TOKEN: TOKEN } });
  const template = fixture('alertmanager/firing.json') as { alerts: Array<Record<string, unknown>> };
  await warmUp(t, template);
  clock.set(START);
  await t.app.engine.tick();
  const callsBefore = t.standIn.calls.length;
  const sentAt = new Map<string, number>();
  /** When each group's first alert was sent: its page is measured from there, whichever alert it names. */
  const groupSentAt = new Map<string, number>();
  const origin = performance.now();
  const beat = setInterval(() => {
    clock.set(START + Math.round(performance.now() - origin));
    t.app.engine.beat().catch(() => undefined);
  }, 100);
  try {
    const total = ratePerSecond * SECONDS;
    const start = performance.now();
    const inflight = new Set<Promise<unknown>>();
    for (let i = 0; i < total; i += 1) {
      while (inflight.size >= 256) await Promise.race(inflight);
      const wait = start + (i * 1000) / ratePerSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const group = i % GROUPS;
      const summary = `storm g${group} alert ${i}`;
      const alert = {
        ...template.alerts[0],
        fingerprint: `storm-${i}`,
        labels: { alertname: `Storm${group}`, instance: `host-${i}`, service: 'api', severity: 'error' },
        annotations: { summary },
      };
      sentAt.set(summary, performance.now());
      if (!groupSentAt.has(String(group))) groupSentAt.set(String(group), sentAt.get(summary)!);
      const request: Promise<unknown> = fetch(`${t.baseUrl}/webhooks/prometheus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ ...template, alerts: [alert] }),
      })
        .then(async (r) => {
          if (r.status !== 202) throw new Error(`status ${r.status}: ${await r.text()}`);
          return r.arrayBuffer();
        })
        .finally(() => inflight.delete(request));
      inflight.add(request);
    }
    await Promise.all(inflight);
    // A group's page reaches the on-call as its own DM, or as a line of a digest DM (posted or edited in place): the
    // first DM post or edit Slack accepted whose content names one of the group's alerts, measured from the request
    // of the group's first alert (not of the alert it names: a later member's request would flatter the figure).
    const firstDms = () => {
      const byGroup = new Map<string, number>();
      digestGroups.clear();
      for (const call of t.standIn.delivered()) {
        if (call.method !== 'chat.postMessage' && call.method !== 'chat.update') continue;
        if (String(call.args.channel).startsWith('C')) continue;
        const text = `${String(call.args.text)} ${JSON.stringify(call.args.blocks ?? [])}`;
        for (const found of text.matchAll(/storm g(\d+) alert \d+/g)) {
          if (byGroup.has(found[1]!) || !sentAt.has(found[0])) continue;
          byGroup.set(found[1]!, call.receivedAt - groupSentAt.get(found[1]!)!);
          if (/^:rotating_light: \d+ more pages?/.test(String(call.args.text))) digestGroups.add(found[1]!);
        }
      }
      return byGroup;
    };
    /** The groups whose page reached the on-call first in their digest (the rest: a DM of its own). */
    const digestGroups = new Set<string>();
    // Waited for on the bot's clock following real time, up to a minute after the storm.
    const waitedFrom = performance.now();
    while (firstDms().size < GROUPS && performance.now() - waitedFrom < MINUTE) await new Promise((resolve) => setTimeout(resolve, 50));
    const paged = firstDms();
    if (paged.size < GROUPS)
      process.stderr.write(`storm at ${ratePerSecond}/s: ${GROUPS - paged.size} of ${GROUPS} groups had no DM a minute after the storm\n`);
    // Beside the table: the slowest page that came as a DM of its own, and the slowest that came in the digest, from
    // the request and from the page's creation (the bot's clock, which follows real time within a beat of 100 ms):
    // a page made late (its request waited in the webhook path) is late in either.
    const createdAt = new Map<string, number>();
    for (const page of t.store.db.select().from(pages).all()) {
      const group = /storm g(\d+) alert/.exec(page.summary)?.[1];
      if (group !== undefined && !createdAt.has(group)) createdAt.set(group, origin + (page.createdAt - START));
    }
    const slowest = (inDigest: boolean, fromCreation: boolean) =>
      Math.max(
        0,
        ...[...paged]
          .filter(([g]) => digestGroups.has(g) === inDigest)
          .map(([g, ms]) => Math.round(fromCreation ? ms + groupSentAt.get(g)! - (createdAt.get(g) ?? groupSentAt.get(g)!) : ms)),
      );
    process.stderr.write(
      `storm at ${ratePerSecond}/s: slowest first page from request (from page creation): by its own DM ${slowest(false, false)} ms (${slowest(false, true)} ms, ${paged.size - digestGroups.size} groups), in the digest ${slowest(true, false)} ms (${slowest(true, true)} ms, ${digestGroups.size} groups)\n`,
    );
    // A group still unpaged counts as the longest wait there was: a lower bound, never left out.
    const longest = performance.now() - Math.min(...sentAt.values());
    const firstPage = [...paged.values(), ...Array<number>(GROUPS - paged.size).fill(longest)];
    // The rest of the storm's first minute on the bot's clock, fast: every timer (the groups' edits every 10 s)
    // and every retry after a 429 falls due as it would, then each channel's calls in that minute are counted.
    clearInterval(beat);
    while (clock.now() < START + MINUTE) {
      clock.advance(Math.min(1_000, START + MINUTE - clock.now()));
      await t.app.engine.tick();
    }
    const perChannel = new Map<string, number>();
    const stormCalls = t.standIn.calls.slice(callsBefore);
    for (const call of stormCalls) {
      const channel = call.args.channel;
      if (typeof channel !== 'string') continue;
      perChannel.set(channel, (perChannel.get(channel) ?? 0) + 1);
    }
    // Which channels, and what they got: on stderr, beside the table.
    for (const [channel, n] of [...perChannel].sort((a, b) => b[1] - a[1]).slice(0, 3)) {
      const byMethod = new Map<string, { ok: number; refused: number }>();
      for (const call of stormCalls.filter((c) => c.args.channel === channel)) {
        const m = byMethod.get(call.method) ?? { ok: 0, refused: 0 };
        if (call.ok) m.ok += 1;
        else m.refused += 1;
        byMethod.set(call.method, m);
      }
      const what = [...byMethod].map(([method, m]) => `${method} ${m.ok} ok/${m.refused} refused`).join(', ');
      process.stderr.write(`storm at ${ratePerSecond}/s, first minute: ${channel} ${n} calls (${what})\n`);
    }
    return { firstPage, callsPerChannelMinute: Math.max(...perChannel.values()) };
  } finally {
    clearInterval(beat);
    await t.close();
  }
}

/** The first page of every new group in a storm, against a trickle; Slack's pace per channel; webhook throughput. */
export async function benchStorm(): Promise<BenchResult[]> {
  const low = await storm(10);
  const high = await storm(500);
  return [
    result(
      'first page of each new group, p99 at 500/s (20 groups, 10 s) vs the target',
      percentile(high.firstPage, 99),
      100,
      'ms',
      'lower',
      {
        on: 'value',
        max: 100,
      },
    ),
    result(
      'first page of each new group, p99 at 500/s vs 10/s (20 groups, 10 s)',
      percentile(high.firstPage, 99),
      percentile(low.firstPage, 99),
      'ms',
      'lower',
      { on: 'ratio', max: 2 },
    ),
    result(
      'Slack calls per channel per minute in the 500/s storm vs the target (65)',
      high.callsPerChannelMinute,
      65,
      'calls/min',
      'lower',
      {
        on: 'value',
        max: 65,
      },
    ),
    await throughput(),
  ];
}
