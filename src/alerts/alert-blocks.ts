/** The channel message of an alert, as a pure function of its row. */
import { mention, slackDate } from '../slack/format.js';

/** What an alert and an alert group both show: the group's columns mirror its alerts' own. */
interface AlertFacts {
  id: number;
  status: string;
  severity: string;
  summary: string;
  service: string | null;
  source: string;
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
  resolvedAt: number | null;
}

export interface AlertView extends AlertFacts {
  details: string;
  links: Array<{ href: string; text: string }>;
}

const ICON: Record<string, string> = { firing: ':red_circle:', acknowledged: ':large_orange_circle:', resolved: ':large_green_circle:' };

export function alertMessage(alert: AlertView, note = ''): { text: string; blocks: unknown[] } {
  const head = `${ICON[alert.status] ?? ':red_circle:'} [${alert.severity}] ${alert.summary}`;
  const facts = [
    alert.service && `service *${alert.service}*`,
    `from ${alert.source}`,
    alert.count > 1 && `×${alert.count}, last ${slackDate(alert.lastSeenAt)}`,
    `since ${slackDate(alert.firstSeenAt)}`,
    alert.status === 'resolved' && alert.resolvedAt !== null && `resolved ${slackDate(alert.resolvedAt)}`,
  ].filter(Boolean);
  const links = alert.links.map((l) => `<${l.href}|${l.text.replace(/[<>|]/g, '')}>`).join(' · ');
  return {
    text: `${head} (alert #${alert.id})`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${head}*${alert.details ? `\n${alert.details.slice(0, 1500)}` : ''}` } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `${facts.join(' · ')} · alert #${alert.id}${links ? ` · ${links}` : ''}${note ? ` · ${note}` : ''}` },
        ],
      },
    ],
  };
}

/** How many of a group's latest members its message lists. */
export const GROUP_LATEST_SHOWN = 5;

export interface AlertGroupView extends AlertFacts {
  integration: string;
  openCount: number;
  firstAlertId: number | null;
  /** The incident it declared (policy `declare_incident`), if any. */
  incidentId?: number | null;
}

/** How a group is named in messages: a group of one by its alert (as before grouping), else as a group. */
export function groupName(group: Pick<AlertGroupView, 'id' | 'count' | 'firstAlertId'>): string {
  return group.count <= 1 && group.firstAlertId !== null ? `alert #${group.firstAlertId}` : `alert group #${group.id}`;
}

function memberLine(alert: AlertView): string {
  const facts = [alert.service, alert.count > 1 && `×${alert.count}`, slackDate(alert.lastSeenAt)].filter(Boolean).join(' · ');
  return `${ICON[alert.status] ?? ':red_circle:'} ${alert.summary} (${facts}, alert #${alert.id})`;
}

/** The latest members as lines, and how many more there are. */
export function latestLines(group: Pick<AlertGroupView, 'count'>, latest: readonly AlertView[]): string {
  const shown = latest.slice(0, GROUP_LATEST_SHOWN);
  const more = group.count - shown.length;
  return [...shown.map(memberLine), ...(more > 0 ? [`… and ${more} more (\`/oncall alerts\` lists the open groups)`] : [])].join('\n');
}

/**
 * The channel message of an alert group: a group of one is its alert's message, as before grouping; a bigger
 * group shows its count, how many still fire, and its latest few members, newest first.
 */
export function groupMessage(group: AlertGroupView, latest: readonly AlertView[], extra = ''): { text: string; blocks: unknown[] } {
  const declared = group.incidentId ? `:rotating_light: declared incident #${group.incidentId}` : '';
  const note = [declared, extra].filter(Boolean).join(' · ');
  const only = latest[0];
  if (group.count <= 1 && only)
    return alertMessage({ ...only, status: group.status, severity: group.severity, resolvedAt: group.resolvedAt ?? only.resolvedAt }, note);
  const head = `${ICON[group.status] ?? ':red_circle:'} [${group.severity}] ${group.summary}: ${group.count} alerts`;
  const facts = [
    group.service && `service *${group.service}*`,
    `from ${group.integration}`,
    group.status !== 'resolved' && `${group.openCount} still firing`,
    `since ${slackDate(group.firstSeenAt)}`,
    `last ${slackDate(group.lastSeenAt)}`,
    group.status === 'resolved' && group.resolvedAt !== null && `resolved ${slackDate(group.resolvedAt)}`,
  ].filter(Boolean);
  return {
    text: `${head} (alert group #${group.id})`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${head}*\n${latestLines(group, latest)}`.slice(0, 2900) } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${facts.join(' · ')} · alert group #${group.id}${note ? ` · ${note}` : ''}` }],
      },
    ],
  };
}

/** The reply under a page's DM that says what its group holds now. */
export function groupDmReply(group: AlertGroupView, latest: readonly AlertView[]): { text: string } {
  const state = group.status === 'resolved' ? 'all resolved' : `${group.openCount} still firing`;
  return {
    text: `:card_index_dividers: ${groupName(group)} holds *${group.count} alerts* (${state}, last ${slackDate(group.lastSeenAt)}); the latest:\n${latestLines(group, latest)}`,
  };
}

export const ALERT_ACTIONS = { notTop: 'alert.not_top' } as const;

/** Two sources for one service (two groups): the new group raised to the top severity, with a button to say otherwise. */
export function correlationNotice(
  group: { id: number; service: string | null; source: string; severity: string; name: string },
  partner: { source: string; name: string },
  routed: string,
): { text: string; blocks: unknown[] } {
  const text = `:rotating_light: *${group.service}* is failing in two sources at once (${partner.source} ${partner.name} and ${group.source} ${group.name}): treated as ${group.severity} until someone says otherwise.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: `alert-group:${group.id}:correlation`,
        elements: [
          {
            type: 'button',
            action_id: ALERT_ACTIONS.notTop,
            text: { type: 'plain_text', text: `Not ${group.severity} (back to ${routed})` },
            value: String(group.id),
          },
        ],
      },
    ],
  };
}

/** The note on a silenced group's message: who silenced the service, until when, why. */
export const silencedNote = (silence: { createdBy: string; endsAt: number; reason: string }): string =>
  `:mute: silenced by ${mention(silence.createdBy)} until ${slackDate(silence.endsAt)} (${silence.reason}): nobody is paged`;

/** The channel line when someone says a raised group is not at its raised severity ("Not P0"). */
export const notSeverityLine = (by: string, name: string, from: string, to: string): string =>
  `${mention(by)} says ${name} is not ${from}: back to ${to}.`;
