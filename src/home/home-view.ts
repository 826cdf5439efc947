/**
 * The App Home tab, pure: who is on call now and until when, my next shifts, open incidents, my
 * unacknowledged pages (with the same Acknowledge button as the page DM), and buttons for the common actions
 * (declare an incident, override the schedule, write the handoff).
 */
import type { ContactOnHome } from '../contacts/contact-home.js';
import { PAGE_ACTIONS } from '../paging/page-blocks.js';
import { HANDOFF_ACTIONS } from '../handoffs/handoff-blocks.js';
import { cut, fitLines, mention, slackDate } from '../slack/format.js';

export const HOME_ACTIONS = { declare: 'home.declare', override: 'home.override' } as const;

export interface HomeInput {
  /** `until`: when the primary stops being primary (an override may end before the shift does). */
  rotations: Array<{ name: string; primary: string | null; secondary: string | null; until: number }>;
  myShifts: Array<{ rotation: string; role: string; start: number; end: number }>;
  /** Rotations where I am primary now: the handoff button names the boundary it is for. */
  myHandoffs: Array<{ rotation: string; boundary: number }>;
  incidents: Array<{ id: number; severity: string; status: string; title: string; channelId: string | null }>;
  myPages: Array<{ id: number; severity: string; summary: string; rotation: string; createdAt: number }>;
  /** My contact methods beyond Slack (values already masked: a Home view travels through the outbox table). */
  myContacts?: ContactOnHome[];
  /** Lines under them: the last test page, the person's own wake rules (contacts/contact-home.ts). */
  myContactNotes?: string[];
}

/** Slack's limits a Home must keep (100 blocks, 3,000 characters a section): more is refused, whole. */
const SECTION_TEXT = 3000;
/** Pages listed one by one with their Acknowledge button; the rest are counted, so the view stays under 100 blocks. */
export const HOME_PAGES_LISTED = 25;
const SUMMARY_CHARS = 300;

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: cut(text, SECTION_TEXT) } });
const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text } });

export function homeView(input: HomeInput): { type: 'home'; blocks: unknown[] } {
  const blocks: unknown[] = [header('On call now')];
  if (input.rotations.length === 0) blocks.push(section('No rotations yet: add one under `rotations:` in the policy file.'));
  for (const r of input.rotations) {
    const secondary = r.secondary ? `, secondary ${mention(r.secondary)}` : '';
    blocks.push(section(`*${r.name}*: primary ${r.primary ? mention(r.primary) : 'nobody'}${secondary}, until ${slackDate(r.until)}`));
  }

  blocks.push({ type: 'divider' }, header('Your next shifts'));
  blocks.push(
    section(
      input.myShifts.length === 0
        ? 'None in the next 12 weeks.'
        : input.myShifts.map((s) => `• *${s.rotation}* ${s.role}: ${slackDate(s.start)} to ${slackDate(s.end)}`).join('\n'),
    ),
  );

  blocks.push({ type: 'divider' }, header('Your unacknowledged pages'));
  if (input.myPages.length === 0) blocks.push(section('None. :white_check_mark:'));
  const newestFirst = [...input.myPages].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  for (const p of newestFirst.slice(0, HOME_PAGES_LISTED)) {
    blocks.push({
      ...section(`*[${p.severity}] ${cut(p.summary, SUMMARY_CHARS)}* (${p.rotation}, page #${p.id}), since ${slackDate(p.createdAt)}`),
      accessory: {
        type: 'button',
        action_id: PAGE_ACTIONS.ack,
        style: 'primary',
        text: { type: 'plain_text', text: 'Acknowledge' },
        value: String(p.id),
      },
    });
  }
  const unlisted = newestFirst.length - HOME_PAGES_LISTED;
  if (unlisted > 0) blocks.push(section(`…and ${unlisted} more unacknowledged pages: \`/oncall pages open\` lists them all.`));

  blocks.push({ type: 'divider' }, header('Open incidents'));
  blocks.push(
    section(
      input.incidents.length === 0
        ? 'None.'
        : fitLines(
            input.incidents.map(
              (i) =>
                `• *[${i.severity}] ${cut(i.title, SUMMARY_CHARS)}* (#${i.id}, ${i.status})${i.channelId ? ` in <#${i.channelId}>` : ''}`,
            ),
            SECTION_TEXT,
            (left) => `…and ${left} more: \`/incident list\``,
          ),
    ),
  );

  if (input.myContacts) {
    blocks.push({ type: 'divider' }, header("How you'll be reached"));
    const lines = input.myContacts.map((c) => {
      const verified = c.verifiedAt !== null ? ':white_check_mark: verified' : ':grey_question: not verified yet';
      const test = c.lastTestAt !== null ? `; last test ${slackDate(c.lastTestAt)}: ${c.lastTestResult ?? ''}` : '; never tested';
      return `• *${c.label}*: ${c.masked}, ${verified}${test}`;
    });
    blocks.push(
      section(
        [
          ...(lines.length ? ['• *Slack*: DMs and the rotation channel', ...lines] : ['Slack only: DMs and the rotation channel.']),
          ...(input.myContactNotes ?? []),
          '`/oncall contact` adds or changes a phone number, push or e-mail.',
        ].join('\n'),
      ),
    );
  }

  const buttons: unknown[] = [
    {
      type: 'button',
      action_id: HOME_ACTIONS.declare,
      style: 'danger',
      text: { type: 'plain_text', text: 'Declare an incident' },
      value: 'home',
    },
  ];
  if (input.rotations.length > 0)
    buttons.push({
      type: 'button',
      action_id: HOME_ACTIONS.override,
      text: { type: 'plain_text', text: 'Override the schedule' },
      value: 'home',
    });
  for (const h of input.myHandoffs) {
    buttons.push({
      type: 'button',
      action_id: HANDOFF_ACTIONS.open,
      text: { type: 'plain_text', text: cut(`Write the ${h.rotation} handoff`, 75) },
      value: `${h.rotation}|${h.boundary}`,
    });
  }
  blocks.push(
    { type: 'divider' },
    { type: 'actions', elements: buttons },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Also as commands: `/oncall override @who <from> <to>` · time off: `/oncall leave` · trade a shift: `/oncall swap` · your calendar: `/oncall calendar`',
        },
      ],
    },
  );
  return { type: 'home', blocks };
}
