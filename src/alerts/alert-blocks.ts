/** The channel message of an alert, as a pure function of its row. */
import { slackDate } from '../slack/format.js';

export interface AlertView {
  id: number;
  status: string;
  severity: string;
  summary: string;
  service: string | null;
  source: string;
  details: string;
  links: Array<{ href: string; text: string }>;
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
  resolvedAt: number | null;
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

export const ALERT_ACTIONS = { notTop: 'alert.not_top' } as const;

/** Two sources for one service: raised to the top severity, with a button to say otherwise. */
export function correlationNotice(
  alert: AlertView,
  partner: { id: number; source: string },
  routed: string,
): { text: string; blocks: unknown[] } {
  const text = `:rotating_light: *${alert.service}* is failing in two sources at once (${partner.source} alert #${partner.id} and ${alert.source} alert #${alert.id}): treated as ${alert.severity} until someone says otherwise.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: `alert:${alert.id}:correlation`,
        elements: [
          {
            type: 'button',
            action_id: ALERT_ACTIONS.notTop,
            text: { type: 'plain_text', text: `Not ${alert.severity} (back to ${routed})` },
            value: String(alert.id),
          },
        ],
      },
    ],
  };
}
