/** Block Kit for incidents: the status card, announcements, reminders, modals, timeline and postmortem. Pure. */
import { checkboxGroups, cut, fitLastLines, mention, OPTION_TEXT, slackDate } from '../slack/format.js';
import { humanDuration, STATUS_LABELS, type IncidentStatus } from './cadence.js';
import { POSTMORTEM_SECTIONS } from './postmortem.js';
import { TRIAGE_QUESTIONS, type SeveritySuggestion } from './triage.js';

export const INCIDENT_VIEWS = { declare: 'incident.declare', resolve: 'incident.resolve' } as const;
export const INCIDENT_ACTIONS = { triage: 'incident.triage' } as const;

export interface IncidentFacts {
  id: number;
  title: string;
  severity: string;
  status: IncidentStatus;
  service: string | null;
  environment: string | null;
  impact: string;
  declaredBy: string;
  commander: string;
  roles: Record<string, string>;
  channelId: string | null;
  declaredAt: number;
  lastUpdateAt: number | null;
  nextUpdateDueAt: number | null;
  resolvedAt: number | null;
  resolution: string | null;
  classification?: string | null;
}

export interface TimelineEntry {
  at: number;
  kind: string;
  actor: string | null;
  text: string;
}

export const incidentTitle = (i: Pick<IncidentFacts, 'severity' | 'title'>) => `[${i.severity}] ${i.title}`;

function rolesText(roles: Record<string, string>): string {
  const entries = Object.entries(roles);
  return entries.length ? entries.map(([role, user]) => `${role}: ${mention(user)}`).join(', ') : 'none assigned';
}

function nextUpdateText(i: IncidentFacts): string {
  if (i.status === 'resolved') return i.resolvedAt ? `none: resolved ${slackDate(i.resolvedAt)}` : 'none: resolved';
  return i.nextUpdateDueAt ? slackDate(i.nextUpdateDueAt) : 'no cadence for this severity';
}

/** The live status card, in seed 004's format; every change edits it in place. */
export function statusCard(i: IncidentFacts): { text: string; blocks: unknown[] } {
  const status = i.classification ? `Closed as a ${i.classification}` : STATUS_LABELS[i.status];
  const where = [i.service, i.environment].filter(Boolean).join(' in ') || 'not given';
  const text = [
    incidentTitle(i),
    `Status: ${status}`,
    `Impact: ${i.impact}`,
    `Started: ${slackDate(i.declaredAt)}`,
    `Commander: ${mention(i.commander)}`,
    `Next update: ${nextUpdateText(i)}`,
  ].join('\n');
  const icon = i.status === 'resolved' ? ':large_green_circle:' : ':red_circle:';
  // Slack refuses the whole card (and every later edit) when a section is over 3,000 characters or a field over
  // 2,000: the resolution form takes 3,000 characters, and impact and roles grow with the incident.
  const field = (text: string) => ({ type: 'mrkdwn', text: cut(text, 2000) });
  // A text cut to fit says so, and where it stands whole.
  const section = (text: string, whole: string) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: text.length <= 3000 ? text : `${cut(text, 3000 - whole.length - 5)} _(${whole})_` },
  });
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(incidentTitle(i), 150) } },
      {
        type: 'section',
        fields: [
          field(`*Status*\n${icon} ${status}`),
          field(`*Started*\n${slackDate(i.declaredAt)}`),
          field(`*Commander*\n${mention(i.commander)}`),
          field(`*Roles*\n${rolesText(i.roles)}`),
          field(`*Service*\n${where}`),
          field(`*Next update due*\n${nextUpdateText(i)}`),
        ],
      },
      section(`*Impact*\n${i.impact}`, 'cut to fit Slack: the declaration message has the whole impact'),
      ...(i.resolution
        ? [section(`*Resolution*\n${i.resolution}`, 'cut to fit Slack: `/incident timeline` has the whole resolution')]
        : []),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Incident #${i.id} · declared by ${mention(i.declaredBy)} · \`/incident update <text>\` posts an update, \`/incident help\` lists the rest`,
          },
        ],
      },
    ],
  };
}

export function announcement(i: IncidentFacts): string {
  const where = i.channelId ? `Join <#${i.channelId}>.` : 'Follow it in the thread below.';
  return `:rotating_light: ${incidentTitle(i)} declared by ${mention(i.declaredBy)}, commander ${mention(i.commander)}. Impact: ${i.impact}. ${where}`;
}

export function reminderText(i: IncidentFacts, now: number): string {
  const since =
    i.lastUpdateAt === null
      ? `no update since it was declared ${humanDuration(now - i.declaredAt)} ago`
      : `last update ${humanDuration(now - i.lastUpdateAt)} ago`;
  return `:alarm_clock: ${mention(i.commander)} a status update for ${incidentTitle(i)} is due (${since}, status ${STATUS_LABELS[i.status]}). Post it with \`/incident update <text>\`.`;
}

export function updateText(i: IncidentFacts, userId: string, text: string): string {
  return `:memo: *Update* on ${incidentTitle(i)} (${STATUS_LABELS[i.status]}) from ${mention(userId)}:\n${text}`;
}

/**
 * Slack keeps 40,000 characters of a message's text and drops the rest unseen: a long incident's timeline keeps its
 * newest entries and says how many earlier ones are left out and where they are (the incident's own messages).
 */
const MESSAGE_TEXT = 40_000;

function timelineLines(i: IncidentFacts, entries: readonly TimelineEntry[], max: number): string {
  const where = i.channelId ? `<#${i.channelId}>` : "the incident's thread";
  const lines = entries.map((e) => `• ${slackDate(e.at, '{date_short} {time}')} ${e.text}`);
  return fitLastLines(lines, Math.max(max, 0), (left) => `…${left} earlier entries not shown: the updates are in ${where}.`);
}

export function timelineText(i: IncidentFacts, entries: readonly TimelineEntry[]): string {
  const header = `*Timeline of ${incidentTitle(i)}* (#${i.id})`;
  return [header, timelineLines(i, entries, MESSAGE_TEXT - header.length - 1)].join('\n');
}

export function listLine(i: IncidentFacts): string {
  const where = i.channelId ? `<#${i.channelId}>` : 'thread in the incidents channel';
  return `• #${i.id} ${incidentTitle(i)}: ${STATUS_LABELS[i.status]}, commander ${mention(i.commander)}, since ${slackDate(i.declaredAt)}, ${where}`;
}

export function postmortemDraft(i: IncidentFacts, entries: readonly TimelineEntry[], dueAt: number): string {
  const sections = POSTMORTEM_SECTIONS.map((title) => {
    if (title === 'What happened') return `*${title}*\n${i.title}. ${i.resolution ?? ''}`.trim();
    if (title === 'User impact') return `*${title}*\n${i.impact}`;
    if (title === 'Mitigation applied') return `*${title}*\n${i.resolution ?? '_to write_'}`;
    return `*${title}*\n_to write_`;
  });
  const head = [
    `:page_facing_up: *Postmortem draft for ${incidentTitle(i)}* (#${i.id}), due ${slackDate(dueAt)}. Owner: ${mention(i.commander)}.`,
    ...sections,
  ];
  const tail = 'When it is written: `/incident postmortem done <link>`.';
  const room = MESSAGE_TEXT - [...head, '*Timeline*\n', tail].join('\n\n').length;
  return [...head, `*Timeline*\n${timelineLines(i, entries, room)}`, tail].join('\n\n');
}

// ---------------------------------------------------------------------------------------------------------
// Modals

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 75) });
const option = (value: string, text = value) => ({ text: plain(text), value });

export interface DeclareModalInput {
  title: string;
  services: string[];
  environments: string[];
  severities: Array<{ id: string; label: string }>;
  rotations: string[];
  /** The policy's escalation triggers, offered as checkboxes (the playbooks act on those ticked). */
  triggers: Array<{ name: string; label: string }>;
  /** null until a triage question is answered: no severity is preselected for a hurried declarer. */
  suggestion: (SeveritySuggestion & { severity: string }) | null;
  /** Where the command was typed, to answer there. */
  metadata: string;
}

/** The severity select's block id carries the suggestion, so a new suggestion replaces the preselected option. */
export const severityBlockId = (suggested: string | null) => (suggested ? `severity:${suggested}` : 'severity');

export function declareModal(input: DeclareModalInput): Record<string, unknown> {
  const blocks: unknown[] = [
    {
      type: 'input',
      block_id: 'title',
      label: plain('Title'),
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        max_length: 150,
        ...(input.title ? { initial_value: input.title } : {}),
        placeholder: plain('Checkout returns 500s'),
      },
    },
    input.services.length
      ? {
          type: 'input',
          block_id: 'service',
          optional: true,
          label: plain('Affected service'),
          element: { type: 'static_select', action_id: 'value', options: input.services.map((s) => option(s)) },
        }
      : {
          type: 'input',
          block_id: 'service',
          optional: true,
          label: plain('Affected service'),
          element: { type: 'plain_text_input', action_id: 'value', max_length: 80 },
        },
    {
      type: 'input',
      block_id: 'environment',
      label: plain('Environment'),
      element: { type: 'static_select', action_id: 'value', options: input.environments.map((e) => option(e)) },
    },
    {
      type: 'input',
      block_id: 'impact',
      label: plain('Impact: who is affected, and how'),
      element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 2000 },
    },
    {
      type: 'input',
      block_id: 'triage',
      optional: true,
      dispatch_action: true,
      label: plain('Triage (tick what is true)'),
      element: {
        type: 'checkboxes',
        action_id: INCIDENT_ACTIONS.triage,
        options: TRIAGE_QUESTIONS.map((q) => ({ text: { type: 'mrkdwn', text: q.label }, value: q.id })),
      },
    },
    {
      type: 'context',
      block_id: 'suggestion',
      elements: [
        {
          type: 'mrkdwn',
          text: input.suggestion
            ? `Suggested severity: *${input.suggestion.severity}* (${input.suggestion.reason}). The choice below is yours.`
            : 'Tick the triage questions above for a suggested severity; the choice below is yours.',
        },
      ],
    },
    {
      type: 'input',
      block_id: severityBlockId(input.suggestion?.severity ?? null),
      label: plain('Severity'),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: input.severities.map((s) => option(s.id, `${s.id} ${s.label}`)),
        ...(input.suggestion
          ? {
              initial_option: option(
                input.suggestion.severity,
                `${input.suggestion.severity} ${input.severities.find((s) => s.id === input.suggestion!.severity)?.label ?? ''}`.trim(),
              ),
            }
          : {}),
      },
    },
  ];
  // Slack takes 10 checkboxes a group: more triggers continue in `triggers:2`, ... (read with selectedInGroups).
  for (const group of checkboxGroups('triggers', input.triggers)) {
    blocks.push({
      type: 'input',
      block_id: group.blockId,
      optional: true,
      label: plain(group.first === 0 ? 'Escalation triggers that already apply' : 'More escalation triggers'),
      element: {
        type: 'checkboxes',
        action_id: 'value',
        options: group.options.map((t) => ({ text: { type: 'mrkdwn', text: cut(t.label, OPTION_TEXT) }, value: t.name })),
      },
    });
  }
  if (input.rotations.length > 1) {
    blocks.push({
      type: 'input',
      block_id: 'rotation',
      label: plain('Rotation to page'),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: input.rotations.map((r) => option(r)),
        initial_option: option(input.rotations[0]!),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: INCIDENT_VIEWS.declare,
    private_metadata: input.metadata,
    title: plain('Declare an incident'),
    submit: plain('Declare'),
    close: plain('Cancel'),
    blocks,
  };
}

export function resolveModal(i: IncidentFacts, verification: readonly string[]): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: INCIDENT_VIEWS.resolve,
    private_metadata: String(i.id),
    title: plain('Resolve incident'),
    submit: plain('Resolve'),
    close: plain('Cancel'),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `Resolving *${incidentTitle(i)}* (#${i.id}). Every check must be true.` } },
      // 10 checks a group, as Slack allows; more continue in `verification:2`, ...
      ...checkboxGroups('verification', verification).map((group) => ({
        type: 'input',
        block_id: group.blockId,
        label: plain(group.first === 0 ? 'Verified' : 'Verified (continued)'),
        element: {
          type: 'checkboxes',
          action_id: 'value',
          options: group.options.map((v, n) => ({ text: { type: 'mrkdwn', text: cut(v, OPTION_TEXT) }, value: String(group.first + n) })),
        },
      })),
      {
        type: 'input',
        block_id: 'summary',
        label: plain('Resolution summary'),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          max_length: 3000,
          placeholder: plain('What fixed it, and what is left to do'),
        },
      },
    ],
  };
}

// The lines incident-decide.ts posts and records, word for word as the service wrote them.

export function firstUpdateMissedText(i: Pick<IncidentFacts, 'severity' | 'title' | 'commander' | 'declaredAt'>, dueAt: number): string {
  return `:warning: The first status update for ${incidentTitle(i)} was due by ${slackDate(dueAt)} (${humanDuration(dueAt - i.declaredAt)} after declaration) and none was posted. ${mention(i.commander)}, post one with \`/incident update <text>\`.`;
}

export const firstUpdateMissedLine = (i: Pick<IncidentFacts, 'declaredAt'>, dueAt: number) =>
  `First-update deadline (${humanDuration(dueAt - i.declaredAt)}) missed`;

export function postmortemOverdueText(i: Pick<IncidentFacts, 'severity' | 'title' | 'commander'>, dueAt: number): string {
  return `:page_facing_up: ${mention(i.commander)} the postmortem for ${incidentTitle(i)} was due ${slackDate(dueAt)}. When it is written: \`/incident postmortem done <link>\`.`;
}

/** Why a timed notify rule fires: "is still not mitigated after 30 min". */
export const stillText = (when: 'unmitigated' | string, afterMs: number) =>
  `is still ${when === 'unmitigated' ? 'not mitigated' : 'unresolved'} after ${humanDuration(afterMs)}`;

export const declaredByText = (declaredBy: string) => `was declared by ${mention(declaredBy)}`;

export function groupNoticeText(i: Pick<IncidentFacts, 'severity' | 'title'>, groups: readonly string[], why: string): string {
  return `:information_source: ${groups.map((g) => `<!subteam^${g}>`).join(', ')}: ${incidentTitle(i)} ${why}.`;
}

/** The DM a notify rule sends: `page` asks the person to join, an FYI does not. */
export function notifyDmText(
  i: Pick<IncidentFacts, 'id' | 'severity' | 'title' | 'commander' | 'channelId'>,
  how: 'page' | 'notify',
  why: string,
): string {
  const where = i.channelId ? ` in <#${i.channelId}>` : '';
  const asked = how === 'page' ? 'You are asked to join' : 'No action needed unless you are asked';
  const head = how === 'page' ? ':rotating_light:' : ':information_source: FYI';
  return `${head} ${incidentTitle(i)} (incident #${i.id})${where} ${why}. Commander: ${mention(i.commander)}. ${asked}.`;
}

export const pagedLine = (rotation: string, severity: string, pageId: number) =>
  `Paged the ${rotation} on-call at ${severity} (page #${pageId})`;

export const declaredLine = (i: Pick<IncidentFacts, 'severity' | 'title' | 'declaredBy' | 'impact'>) =>
  `Declared ${incidentTitle(i)} by ${mention(i.declaredBy)}. Impact: ${i.impact}`;

/** An incident declared for something already paged (an alert group's page): the timeline says so instead of paging twice. */
export const pagedAlreadyLine = (rotation: string | null, pagedBy: { pageId: number; what: string }) =>
  `The ${rotation ?? 'on-call'} on-call is paged already (page #${pagedBy.pageId}, ${pagedBy.what}): no second page`;

export const updateLine = (userId: string, text: string) => `Update from ${mention(userId)}: ${text}`;

export function statusChangeText(
  i: Pick<IncidentFacts, 'severity' | 'title'>,
  before: IncidentStatus,
  after: IncidentStatus,
  userId: string,
  note: string,
): string {
  return `:arrows_counterclockwise: Status of ${incidentTitle(i)}: ${STATUS_LABELS[before]} → *${STATUS_LABELS[after]}* (${mention(userId)})${note ? `: ${note}` : ''}`;
}

export const statusChangeLine = (before: IncidentStatus, after: IncidentStatus, userId: string, note: string) =>
  `Status ${STATUS_LABELS[before]} → ${STATUS_LABELS[after]} by ${mention(userId)}${note ? `: ${note}` : ''}`;

export const severityLine = (before: string, after: string, userId: string) => `Severity ${before} → ${after} by ${mention(userId)}`;

export const severityText = (id: number, before: string, after: string, userId: string, raised: boolean) =>
  `:${raised ? 'arrow_up' : 'arrow_down'}: ${mention(userId)} changed the severity of incident #${id} from ${before} to *${after}*.`;

export const commanderLine = (before: string, after: string, userId: string) =>
  `Commander ${mention(before)} → ${mention(after)} (by ${mention(userId)})`;

export const commanderText = (id: number, before: string, after: string) =>
  `:crown: ${mention(after)} is now the commander of incident #${id} (was ${mention(before)}).`;

export const roleLine = (holder: string, role: string, userId: string) => `${mention(holder)} is ${role} (by ${mention(userId)})`;

export const roleText = (id: number, holder: string, role: string) =>
  `:bust_in_silhouette: ${mention(holder)} is the ${role} for incident #${id}.`;

export const resolvedLine = (userId: string, tookMs: number, summary: string) =>
  `Resolved by ${mention(userId)} after ${humanDuration(tookMs)}: ${summary}`;

export const resolvedText = (i: Pick<IncidentFacts, 'severity' | 'title'>, userId: string, tookMs: number, summary: string) =>
  `:large_green_circle: ${incidentTitle(i)} resolved by ${mention(userId)} after ${humanDuration(tookMs)}.\n${summary}`;

export const resolvedAnnouncement = (i: Pick<IncidentFacts, 'severity' | 'title'>, channelId: string) =>
  `:large_green_circle: ${incidentTitle(i)} (<#${channelId}>) is resolved.`;

export const postmortemDueLine = (dueAt: number) => `Postmortem due ${slackDate(dueAt)}`;

export const classifiedLine = (label: string, userId: string, note: string) =>
  `Closed as a ${label} by ${mention(userId)}${note ? `: ${note}` : ''} (no postmortem)`;

export const classifiedText = (id: number, label: string, userId: string, note: string) =>
  `:card_file_box: ${mention(userId)} closed #${id} as a *${label}*, not an incident${note ? `: ${note}` : ''}. Reminders and paging have stopped; no postmortem.`;

export const postmortemWrittenLine = (userId: string, late: string, link: string) =>
  `Postmortem written by ${mention(userId)}${late}: ${link}`;

export const postmortemWrittenText = (i: Pick<IncidentFacts, 'severity' | 'title'>, link: string, late: string) =>
  `:white_check_mark: Postmortem for ${incidentTitle(i)}: ${link}${late}`;

export const postmortemLate = (lateMs: number) => (lateMs > 0 ? ` (${humanDuration(lateMs)} after it was due)` : '');

export const pinnedLine = (userId: string, author: string | null, text: string) =>
  `Pinned by ${mention(userId)}${author ? ` (from ${mention(author)})` : ''}: ${text}`;

export const pageEventLine = (pageId: number, event: 'acknowledged' | 'resolved', who: string, via: string, tookMs: number) =>
  `Page #${pageId} ${event} by ${who}${via} (${humanDuration(tookMs)} after it started)`;
