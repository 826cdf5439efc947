import { systemClock } from '../../src/time/clock.js';
import { ALERTS_TOKEN } from './crash-bot.js';
import { conversationOf, inChannelDigest, type VisibleMessage } from './crash-checks.js';

/**
 * The crash test's storm phase: Alertmanager sending a storm of distinct alerts in a few groups (StormG on
 * service db, 10 alerts a request, the groups interleaved), each request retried until the bot answers 2xx as
 * Alertmanager does, while the bot is killed. A retry of a request the bot stored before it died is a repeat
 * of the same alerts (same fingerprints), never a new alert.
 */

export const STORM_GROUPS = 8;
export const STORM_PER_REQUEST = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class StormWorkload {
  /** Fingerprints of the alerts in requests the bot answered 2xx. */
  readonly accepted = new Set<string>();
  private readonly queue: Array<{ request: number; at: number }> = [];
  private inFlight = 0;
  private released = 0;
  private stopped = false;
  requests = 0;

  constructor(private readonly port: number) {}

  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  /** How many alerts were released so far. */
  get alerts(): number {
    return this.released * STORM_PER_REQUEST;
  }

  /** Sends the next `count` requests (10 alerts each) now. */
  release(count: number): void {
    for (let i = 0; i < count; i += 1) this.queue.push({ request: this.released++, at: systemClock.now() });
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      const now = systemClock.now();
      this.queue.sort((a, b) => a.at - b.at);
      while (this.inFlight < 16 && this.queue.length > 0 && this.queue[0]!.at <= now) {
        const { request } = this.queue.shift()!;
        this.inFlight += 1;
        void this.send(request).finally(() => (this.inFlight -= 1));
      }
      await sleep(15);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private async send(request: number): Promise<void> {
    this.requests += 1;
    const alerts = stormRequest(request);
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/webhooks/storm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERTS_TOKEN}` },
        body: JSON.stringify({
          version: '4',
          status: 'firing',
          groupKey: `{}:{alertname="${alerts[0]!.alertname}"}`,
          commonLabels: { alertname: alerts[0]!.alertname, service: 'db' },
          alerts: alerts.map((a) => ({
            status: 'firing',
            labels: { alertname: a.alertname, service: 'db', severity: 'error', instance: a.instance },
            annotations: { summary: `${a.alertname} on ${a.instance}` },
            fingerprint: a.fingerprint,
          })),
        }),
        signal: AbortSignal.timeout(3000),
      });
      await response.text();
      if (response.status < 200 || response.status >= 300) throw new Error(`answered ${response.status}`);
      for (const a of alerts) this.accepted.add(a.fingerprint);
    } catch {
      // Down, killed mid-request, or not ready: the same request again, as Alertmanager does.
      this.queue.push({ request, at: systemClock.now() + 350 });
    }
  }
}

/** Request r: 10 alerts of group r mod 8, numbered on from that group's earlier requests. */
export function stormRequest(request: number): Array<{ alertname: string; instance: string; fingerprint: string }> {
  const group = request % STORM_GROUPS;
  const first = Math.floor(request / STORM_GROUPS) * STORM_PER_REQUEST;
  return Array.from({ length: STORM_PER_REQUEST }, (_, i) => ({
    alertname: `Storm${group}`,
    instance: `db-${first + i}`,
    fingerprint: `storm-${group}-${first + i}`,
  }));
}

export interface StormAlertRow {
  dedup_key: string;
  group_id: number | null;
  page_id: number | null;
  alertname: string;
}

export interface StormGroupRow {
  id: number;
  page_id: number | null;
  count: number;
  group_key: string;
  first_alert_id: number | null;
  incident_id: number | null;
}

/**
 * The storm's promises against the database and Slack: every accepted alert stored once, in a group of its own
 * name that counts it; every group paged, with a page of its own (no page doubled, none shared); each group one
 * message in the alerts channel; each group declared one incident of its own (the policy's `declare_incident`),
 * and no incident was declared that no group links.
 */
export function stormAgrees(
  accepted: ReadonlySet<string>,
  alerts: readonly StormAlertRow[],
  groups: readonly StormGroupRow[],
  pageIds: readonly number[],
  incidentIds: readonly number[],
  messages: ReadonlyMap<string, VisibleMessage>,
  alertsChannel: string,
): string[] {
  const problems: string[] = [];
  const byKey = new Map<string, StormAlertRow[]>();
  for (const row of alerts) byKey.set(row.dedup_key, [...(byKey.get(row.dedup_key) ?? []), row]);
  for (const key of accepted) if (!byKey.has(key)) problems.push(`alert ${key} was answered 2xx but not stored`);
  for (const [key, rows] of byKey) if (rows.length > 1) problems.push(`alert ${key} is stored ${rows.length} times`);
  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const members = new Map<number, StormAlertRow[]>();
  for (const row of alerts) {
    const group = row.group_id === null ? undefined : groupsById.get(row.group_id);
    if (!group) {
      problems.push(`alert ${row.dedup_key} is in no group`);
      continue;
    }
    members.set(group.id, [...(members.get(group.id) ?? []), row]);
    if (!(JSON.parse(group.group_key) as unknown[]).includes(row.alertname))
      problems.push(`alert ${row.dedup_key} (${row.alertname}) is in group #${group.id} of ${group.group_key}`);
    if (row.page_id !== group.page_id)
      problems.push(`alert ${row.dedup_key} is on page #${row.page_id}, its group #${group.id} on #${group.page_id}`);
  }
  const paged = new Map<number, number>();
  for (const group of groups) {
    if ((members.get(group.id) ?? []).length !== group.count)
      problems.push(`group #${group.id} counts ${group.count} alerts but holds ${(members.get(group.id) ?? []).length}`);
    if (group.page_id === null) problems.push(`group #${group.id} was never paged`);
    else paged.set(group.page_id, (paged.get(group.page_id) ?? 0) + 1);
    const shown = [...messages.values()].filter(
      (m) =>
        m.conversation === conversationOf(alertsChannel) &&
        (m.postedText.endsWith(`(alert group #${group.id})`) || m.postedText.endsWith(`(alert #${group.first_alert_id})`)),
    );
    // Or, while the channel was backlogged, its page is a line of the channel's digest instead (page-digest.ts).
    const inDigest =
      group.page_id !== null &&
      [...messages.values()].some((m) => m.conversation === conversationOf(alertsChannel) && inChannelDigest(m, group.page_id!));
    if (shown.length > 1 || (shown.length === 0 && !inDigest))
      problems.push(`group #${group.id} is shown ${shown.length} times in ${alertsChannel}${inDigest ? '' : ' and in no digest line'}`);
  }
  const linked = new Map<number, number>();
  for (const group of groups) {
    if (group.incident_id === null) problems.push(`group #${group.id} declared no incident`);
    else linked.set(group.incident_id, (linked.get(group.incident_id) ?? 0) + 1);
  }
  for (const [incidentId, count] of linked) if (count > 1) problems.push(`incident #${incidentId} is linked to ${count} groups`);
  const unlinked = incidentIds.filter((id) => !linked.has(id));
  if (unlinked.length) problems.push(`incidents no group links (declared twice?): ${unlinked.map((id) => `#${id}`).join(', ')}`);
  for (const [pageId, count] of paged) if (count > 1) problems.push(`page #${pageId} is the page of ${count} groups`);
  const extra = pageIds.filter((id) => !paged.has(id));
  if (extra.length) problems.push(`pages of no group (a group paged twice?): ${extra.map((id) => `#${id}`).join(', ')}`);
  return problems;
}
