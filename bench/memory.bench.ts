/**
 * Memory with the large workspace (issue #24): the bot's peak resident memory while it serves a storm of
 * alerts, with 200 people in 50 rotations (scripts/large-policy.ts), on a database holding a year of closed
 * history (scripts/seed-history.ts: 1,000,000 alerts, 250,000 pages, 100,000 incidents, 10,000 overrides over
 * the 50 rotations, ... at scale 1) against an empty one. Target: at most 150 MB at its peak.
 *
 * The bot is the production build (scripts/build.ts: dist/bundle/main.js), started with the Dockerfile's node flags, in a process of its own, on the real
 * clock, with its Slack pointed at the stand-in, which runs here with the storm's sender: the figure is the bot's
 * alone. Its peak is the kernel's high-water mark of its resident set (VmHWM in /proc/<pid>/status), read after
 * the storm and a `/oncall report month`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parsePolicyText } from '../src/config/policy.js';
import { migrateStore, openStore } from '../src/db/connection.js';
import { policyChannelIds, SlackStandIn } from '../src/playground/slack-stand-in.js';
import { systemClock } from '../src/time/clock.js';
import { buildBundle, productionNodeFlags } from '../scripts/build.js';
import { historyCounts, seedHistory } from '../scripts/seed-history.js';
import { LARGE_PEOPLE, LARGE_ROTATIONS, largePerson, largePolicyText, largeService } from '../scripts/large-policy.js';
import { fixture } from '../test/support/fixtures.js';
import { tempDbPath, TEST_SECRETS } from '../test/support/common.js';
import { GENERAL_CHANNEL, signedPost, slashCommandBody } from '../test/support/signed-requests.js';
import { result, type BenchResult } from './results.js';

const TOKEN = 'bench-alertmanager-token-0123';
/** Distinct alerts in the storm, sent over HTTP at this rate: 100 groups over the 50 rotations' services. */
const STORM_ALERTS = 3_000;
const STORM_PER_SECOND = 300;
const MB = 1_000_000;
export const PEAK_RSS_TARGET_MB = 150;

interface Memory {
  /** The resident set's high-water mark over the process's life (bytes). */
  peak: number;
  /** Resident once it answered /readyz, before the storm (bytes). */
  ready: number;
  /** The high-water mark after the storm, before the report (bytes). */
  peakBeforeReport: number;
  /** Resident at the end (bytes), and of it: anonymous memory (heaps, SQLite's cache) and file pages (node, ICU, libraries). */
  end: number;
  endAnon: number;
  endFile: number;
  slackCalls: number;
}

/** VmRSS and VmHWM of a process, in bytes. */
function resident(pid: number): { rss: number; peak: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function storm(baseUrl: string): Promise<void> {
  const template = fixture('alertmanager/firing.json') as { alerts: Array<Record<string, unknown>> };
  const start = performance.now();
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < STORM_ALERTS; i += 1) {
    while (inflight.size >= 128) await Promise.race(inflight);
    const wait = start + (i * 1000) / STORM_PER_SECOND - performance.now();
    if (wait > 0) await sleep(wait);
    const group = i % 100;
    const alert = {
      ...template.alerts[0],
      fingerprint: `storm-${i}`,
      labels: { alertname: `Storm${group}`, instance: `host-${i}`, service: largeService(group), severity: 'error' },
      annotations: { summary: `storm g${group} alert ${i}` },
    };
    const request: Promise<unknown> = fetch(`${baseUrl}/webhooks/prometheus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ ...template, alerts: [alert] }),
    })
      .then(async (r) => {
        if (r.status !== 202) throw new Error(`webhook answered ${r.status}: ${await r.text()}`);
        return r.arrayBuffer();
      })
      .finally(() => inflight.delete(request));
    inflight.add(request);
  }
  await Promise.all(inflight);
}

/** Starts the built bot on `dbPath`, sends it the storm and a report, and reads its resident memory. */
async function peakWhileServingStorm(bundle: string, dbPath: string): Promise<Memory> {
  const policyText = largePolicyText();
  const policyPath = join(dirname(dbPath), 'policy.yml');
  writeFileSync(policyPath, policyText);
  const standIn = await new SlackStandIn().start();
  standIn.useClock(() => systemClock.now());
  standIn.enforceRateLimits();
  for (const id of [...policyChannelIds(parsePolicyText(policyText, policyPath)), GENERAL_CHANNEL]) standIn.addChannel(id);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const bot = spawn(process.execPath, [...productionNodeFlags(), bundle], {
    env: {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: TEST_SECRETS.botToken,
      SLACK_SIGNING_SECRET: TEST_SECRETS.signingSecret,
      SLACK_API_URL: standIn.url,
      DATABASE_PATH: dbPath,
      POLICY_PATH: policyPath,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ALERTMANAGER_TOKEN: TOKEN,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  bot.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => bot.on('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    for (let waited = 0; ; waited += 100) {
      if (gone || waited > 60_000) throw new Error(`the bot did not become ready: ${stderr}`);
      const ready = await fetch(`${baseUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      await sleep(100);
    }
    const ready = resident(bot.pid!).rss;
    await storm(baseUrl);
    // Until Slack has heard the last of it (no call for 3 s), or a minute at most.
    for (let quiet = 0, seen = -1, waited = 0; quiet < 3_000 && waited < 60_000; waited += 250) {
      await sleep(250);
      quiet = standIn.calls.length === seen ? quiet + 250 : 0;
      seen = standIn.calls.length;
    }
    const peakBeforeReport = resident(bot.pid!).peak;
    const body = slashCommandBody({
      command: '/oncall',
      text: 'report month',
      userId: largePerson(0),
      responseUrl: standIn.issueResponseUrl(),
    });
    standIn.issueTrigger(String(new URLSearchParams(body).get('trigger_id')), largePerson(0));
    const answer = await signedPost(`${baseUrl}/slack/events`, body, 'application/x-www-form-urlencoded', {
      secret: TEST_SECRETS.signingSecret,
    });
    if (answer.status !== 200) throw new Error(`/oncall report month answered ${answer.status}`);
    if (gone) throw new Error(`the bot ended: ${stderr}`);
    const { rss, peak, anon, file } = resident(bot.pid!);
    return { peak, ready, peakBeforeReport, end: rss, endAnon: anon, endFile: file, slackCalls: standIn.calls.length };
  } finally {
    bot.kill();
    await exited;
    await standIn.stop();
  }
}

export async function benchMemory(): Promise<BenchResult[]> {
  const scale = Number(process.env.BENCH_HISTORY_SCALE ?? '1');
  const bundle = await buildBundle();
  const seeded = tempDbPath();
  const empty = tempDbPath();
  try {
    const store = openStore(seeded.path);
    migrateStore(store);
    const people = Array.from({ length: LARGE_PEOPLE }, (_, i) => largePerson(i));
    // The bot runs on the real clock: the history ends an hour before now.
    seedHistory(store, historyCounts(scale), systemClock.now(), LARGE_ROTATIONS, people);
    store.close();
    const baseline = await peakWhileServingStorm(bundle, empty.path);
    const history = await peakWhileServingStorm(bundle, seeded.path);
    for (const [name, m] of [
      ['empty', baseline],
      ['history', history],
    ] as const)
      process.stderr.write(
        `memory, ${name} database: peak ${(m.peak / MB).toFixed(1)} MB (${(m.peakBeforeReport / MB).toFixed(1)} MB before /oncall report month), when ready ${(m.ready / MB).toFixed(1)} MB, at the end ${(m.end / MB).toFixed(1)} MB (anonymous ${(m.endAnon / MB).toFixed(1)}, file pages ${(m.endFile / MB).toFixed(1)}), ${m.slackCalls} Slack calls\n`,
      );
    const label = `200 people, 50 rotations, ${Math.round(1_000_000 * scale).toLocaleString('en')} past alerts, a storm of ${STORM_ALERTS.toLocaleString('en')} alerts`;
    return [
      result(`bot's peak RSS, ${label}, vs the target`, history.peak / MB, PEAK_RSS_TARGET_MB, 'MB', 'lower', {
        on: 'value',
        max: PEAK_RSS_TARGET_MB,
      }),
      result(`bot's peak RSS, ${label}, vs an empty database`, history.peak / MB, baseline.peak / MB, 'MB', 'lower'),
    ];
  } finally {
    seeded.cleanup();
    empty.cleanup();
  }
}
