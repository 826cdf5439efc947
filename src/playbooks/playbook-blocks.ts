/** Block Kit for playbooks: the checklist with a checkbox per item, immediate actions, trigger buttons. Pure. */
import { checkboxGroups, cut, mention, OPTION_TEXT, slackDate } from '../slack/format.js';

export const PLAYBOOK_ACTIONS = { checklist: 'playbook.checklist', trigger: 'playbook.trigger' } as const;

export interface ChecklistItem {
  position: number;
  text: string;
  checkedBy: string | null;
  checkedAt: number | null;
}

/** A checklist's block id: `checklist:<incident>` for its first 10 items, `checklist:<incident>:<n>` for the n-th ten. */
export const checklistBlockId = (incidentId: number) => `checklist:${incidentId}`;

/** The incident and the positions a checklist block holds, from its block id; null when it is not one. */
export function parseChecklistBlockId(blockId: string): { incidentId: number; positions: { from: number; to: number } } | null {
  const m = /^checklist:(\d+)(?::(\d+))?$/.exec(blockId);
  if (!m) return null;
  const group = m[2] === undefined ? 1 : Number(m[2]);
  if (group < 1) return null;
  return { incidentId: Number(m[1]), positions: { from: (group - 1) * 10, to: group * 10 } };
}

// Slack takes 75 characters an option (the policy takes 150 an item): the rest is in /incident checklist.
const option = (item: ChecklistItem) => ({
  text: { type: 'mrkdwn', text: cut(item.text, OPTION_TEXT) },
  value: String(item.position),
  ...(item.checkedBy
    ? { description: { type: 'mrkdwn', text: `${mention(item.checkedBy)} ${slackDate(item.checkedAt!, '{time}')}` } }
    : {}),
});

export function checklistMessage(incidentId: number, items: readonly ChecklistItem[]): { text: string; blocks: unknown[] } {
  const done = items.filter((i) => i.checkedBy).length;
  const text = `:ballot_box_with_check: Triage checklist for incident #${incidentId}: ${done} of ${items.length} done`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text.replace(/^:ballot_box_with_check: /, '')}*` } },
      // Slack allows 10 options per checkbox group: more items continue in further groups.
      ...checkboxGroups(checklistBlockId(incidentId), items).map((group) => {
        const ticked = group.options.filter((i) => i.checkedBy).map(option);
        return {
          type: 'actions',
          block_id: group.blockId,
          elements: [
            {
              type: 'checkboxes',
              action_id: PLAYBOOK_ACTIONS.checklist,
              options: group.options.map(option),
              ...(ticked.length ? { initial_options: ticked } : {}),
            },
          ],
        };
      }),
    ],
  };
}

export function openItemsText(incidentId: number, items: readonly ChecklistItem[]): string {
  const open = items.filter((i) => !i.checkedBy);
  if (open.length === 0) return `Every checklist item of incident #${incidentId} is done.`;
  return [`*Still open on incident #${incidentId}* (${open.length} of ${items.length}):`, ...open.map((i) => `• ${i.text}`)].join('\n');
}

export function immediateActionsText(severity: string, actions: ReadonlyArray<{ text: string; runbook?: string }>): string {
  const lines = actions.map((a) => `• ${a.text}${a.runbook ? ` (<${a.runbook}|runbook>)` : ''}`);
  return [`:rotating_light: *Do not wait: immediate actions for ${severity}*`, ...lines].join('\n');
}

export function triggerPicker(
  incidentId: number,
  triggers: ReadonlyArray<{ name: string; label: string }>,
): { text: string; blocks: unknown[] } {
  const text = `Which escalation trigger applies to incident #${incidentId}?`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      ...triggers.map((t) => ({
        type: 'section',
        text: { type: 'mrkdwn', text: `*${t.name}*: ${t.label}` },
        accessory: {
          type: 'button',
          action_id: PLAYBOOK_ACTIONS.trigger,
          text: { type: 'plain_text', text: 'Mark' },
          value: `${incidentId}|${t.name}`,
        },
      })),
    ],
  };
}

export function guardReply(kinds: readonly string[]): string {
  const named = kinds.map((k) => `${/^[aeiou]/i.test(k) ? 'an' : 'a'} ${k}`);
  const what = named.length === 1 ? named[0]! : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
  return `:warning: Your message looks like it contains ${what}. Please delete it now, and rotate the secret: everyone in this channel may have seen it. Share secrets through the vault, never in chat.`;
}

/** The DM to someone a trigger pulls in: urgent when the trigger pages. */
export function triggerDmText(
  incident: { id: number; severity: string; title: string; channelId: string | null },
  trigger: { label: string; how: string },
  by: string,
): string {
  const urgent = trigger.how === 'page';
  const room = incident.channelId ? ` in <#${incident.channelId}>` : '';
  return `${urgent ? ':rotating_light: You are needed' : ':information_source: FYI'}: incident #${incident.id} [${incident.severity}] ${incident.title}${room}. Trigger: ${trigger.label} (marked by ${mention(by)}).`;
}

/** Whom a trigger reached, for the timeline: the users, or why nobody. */
function whoText(target: { users: readonly string[] }, trigger: { who: string }): string {
  return target.users.length ? target.users.map(mention).join(', ') : `nobody (no one is set as ${trigger.who})`;
}

export function triggerTimelineText(
  trigger: { label: string; how: string; who: string },
  by: string,
  target: { users: readonly string[] },
): string {
  return `Trigger "${trigger.label}" marked by ${mention(by)}: ${trigger.how === 'page' ? 'paged' : 'told'} ${whoText(target, trigger)}`;
}

/** The line in the incident's room: users and user groups named. */
export function triggerRoomText(
  trigger: { label: string; how: string; who: string },
  by: string,
  target: { users: readonly string[]; groups: readonly string[] },
): string {
  const named = [...target.users.map(mention), ...target.groups.map((g) => `<!subteam^${g}>`)];
  return `:triangular_flag_on_post: ${mention(by)} marked *${trigger.label}*: ${trigger.how === 'page' ? 'paging' : 'telling'} ${named.length ? named.join(', ') : whoText(target, trigger)}.`;
}

export function tickTimelineText(checked: boolean, by: string, item: string): string {
  return `${checked ? 'Checked' : 'Unchecked'} by ${mention(by)}: ${item}`;
}

export function guardTimelineText(by: string, kinds: readonly string[]): string {
  return `A message by ${mention(by)} looked like it held ${kinds.join(', ')}; they were asked to delete it and rotate it`;
}
