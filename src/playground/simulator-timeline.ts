/**
 * A simulation record (what the bot sent, which timers fired, the page's rows) -> timeline lines. Pure.
 * Each line comes from something that happened; the policy only supplies the words for why (which step of
 * which chain a message belongs to, which notify rule a DM answers), read off the message's own row.
 */
import { pageTargetText, type NotifyRule, type Policy, type SeverityEscalation } from '../config/policy.js';
import { describePolicyDuration } from '../config/duration.js';
import { policyDuration } from '../time/duration-words.js';
import { instantToWallTime, isAmbiguousWallTime, zoneOffset } from '../time/zoned.js';
import { pageIdOf, parsePageRef, type PageRef } from '../paging/page-refs.js';
import { SIMULATION_USER, type SimulationRecord, type TimerFiring } from './simulator-record.js';

export type Party = { kind: 'user'; id: string } | { kind: 'channel'; id: string } | { kind: 'none' };

export interface TimelineLine {
  at: number;
  /** What happened: "DM (page)", "channel post", "edit", "ack SLA passed", ... */
  what: string;
  who: Party;
  /** The rule or cause, in the policy's words. */
  why: string;
  /** Slack text of the message, for lines that are best shown by what they said. */
  said?: string;
  /** Order among lines at the same instant. */
  seq: number;
}

// ---------------------------------------------------------------------------------------------------------
// Words

/** 2_700_000 -> "45m", 5_400_000 -> "1h30m", 14_400_000 -> "4h", 172_800_000 -> "2d": as the policy writes it. */
export const formatDuration = policyDuration;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "Sat 28 Nov 03:00" in the zone (wall fields from time/zoned, not the host's zone). In the hour the clocks
 * show twice (fall back) the offset follows, "Sun 1 Nov 01:00 UTC-05:00", so 01:55 then 01:00 reads as time going on.
 */
export function formatWall(ms: number, zone: string, withYear = false): string {
  const w = instantToWallTime(zone, ms);
  const offset = isAmbiguousWallTime(zone, ms) ? ` ${formatOffset(zone, ms)}` : '';
  return `${WEEKDAYS[w.weekday]} ${w.day} ${MONTHS[w.month - 1]}${withYear ? ` ${w.year}` : ''} ${pad(w.hour)}:${pad(w.minute)}${offset}`;
}

/** "UTC+01:00" */
export function formatOffset(zone: string, ms: number): string {
  const offset = zoneOffset(zone, ms);
  const abs = Math.abs(offset) / 60_000;
  return `UTC${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function chainOf(policy: Policy, rotation: string, severity: string): SeverityEscalation | null {
  const name = policy.rotations[rotation]?.escalation ?? 'default';
  return policy.escalation[name]?.[severity] ?? null;
}

function chainFlags(chain: SeverityEscalation): string {
  const flags = [chain.chatOnly ? 'chat only' : '', chain.quietAtNight ? 'quiet at night: only in business hours' : ''].filter(Boolean);
  return flags.length ? ` (${flags.join('; ')})` : '';
}

/** "P1 step 2 of 4, round 1 of 2: secondary, 45m after step 1" */
export function stepRule(chain: SeverityEscalation | null, severity: string, stepIndex: number, loop: number): string {
  if (!chain)
    return `${severity} step ${stepIndex + 1} (no chain for ${severity} in the policy: the bot's fallback, the primary once in business hours)`;
  const n = chain.steps.length;
  const step = chain.steps[stepIndex];
  const where = `${severity} step ${stepIndex + 1} of ${n}${chain.loops > 1 ? `, round ${loop + 1} of ${chain.loops}` : ''}`;
  if (!step) return where;
  const wait =
    stepIndex === 0
      ? loop === 0
        ? 'at once'
        : 'the chain starts again'
      : `${formatDuration(step.afterMs)}${step.businessHours ? ' of business hours' : ''} after step ${stepIndex}`;
  return `${where}: ${pageTargetText(step.target)}, ${wait}${chainFlags(chain)}`;
}

function notifyRuleText(rule: NotifyRule): string {
  const tags = rule.tags.length ? ` tagged ${rule.tags.join(' or ')}` : '';
  if (rule.when === 'declared') return `notify rule: tell ${rule.who} when a ${rule.severity}${tags} is raised`;
  const wait =
    rule.since === 'acknowledged' ? `${formatDuration(rule.afterMs)} after the acknowledgement` : `after ${formatDuration(rule.afterMs)}`;
  return `notify rule: tell ${rule.who} when a ${rule.severity}${tags} is still ${rule.when} ${wait}`;
}

type RefKind = 'dm' | 'channel' | 'chat' | 'task' | 'rule-dm' | 'rule-channel';

/** A page's message ref (page-refs.ts) -> the step it belongs to; null for its notices and for anything else. */
function refPosition(ref: string): { kind: RefKind; stepIndex: number; loop: number } | null {
  const parsed = parsePageRef(ref);
  if (!parsed) return null;
  switch (parsed.kind) {
    case 'dm':
    case 'channel':
    case 'chat':
      return { kind: parsed.kind, loop: parsed.loop, stepIndex: parsed.stepIndex };
    case 'task':
      return { kind: 'task', loop: 0, stepIndex: 0 };
    // A notify rule that pages (how: page): stepIndex carries the rule's index.
    case 'rule':
      return { kind: parsed.to === 'channel' ? 'rule-channel' : 'rule-dm', loop: 0, stepIndex: parsed.rule };
    default:
      return null;
  }
}

const REF_WHAT: Record<RefKind, { line: string; noun: string }> = {
  dm: { line: 'DM (page)', noun: 'DM' },
  channel: { line: 'channel post', noun: 'channel post' },
  chat: { line: 'chat message', noun: 'chat message' },
  task: { line: 'task logged', noun: 'task message' },
  'rule-dm': { line: 'DM (page)', noun: 'page by rule' },
  'rule-channel': { line: 'channel post', noun: 'channel post of the rule' },
};

const isUser = (id: string) => /^[UW]/.test(id);
const partyOf = (id: string): Party => (id === '' ? { kind: 'none' } : isUser(id) ? { kind: 'user', id } : { kind: 'channel', id });

// ---------------------------------------------------------------------------------------------------------
// The lines

/** Every line of the timeline, in the order things happened. */
export function timelineLines(record: SimulationRecord, policy: Policy): TimelineLine[] {
  const { request, page } = record;
  const lines: TimelineLine[] = [];
  if (!page) return lines;
  const chain = chainOf(policy, page.rotation, page.severity);
  const firingsAt = (at: number) => record.firings.filter((f) => f.at === at);

  lines.push({
    at: page.createdAt,
    what: `page #${page.id} raised`,
    who: { kind: 'none' },
    why: `${page.severity} on rotation ${page.rotation} (\`/oncall page ${page.rotation} --severity ${page.severity}\`)`,
    seq: -1,
  });

  for (const f of record.firings) {
    if (f.kind === 'page.ack_sla' && page.breachedAt === f.dueAt) {
      const sla = policy.ackSla[page.severity];
      lines.push({
        at: f.at,
        what: 'ack SLA passed',
        who: { kind: 'none' },
        why: `nobody acknowledged within the ${page.severity} ack SLA${sla ? ` of ${describePolicyDuration(sla)}` : ''} (a breach in \`/oncall pages\` and reports; no message)`,
        seq: f.seq,
      });
    }
  }

  if (record.ack) {
    const { ack } = record;
    const took = page.ackedAt === ack.at && page.ackedBy === ack.by;
    lines.push({
      at: ack.at,
      what: 'presses Acknowledge',
      who: { kind: 'user', id: ack.by },
      why: `${ack.why}, ${formatDuration(ack.at - page.createdAt)} after the page${took ? '' : ' (refused: see the reply below)'}`,
      seq: ack.seq,
    });
  }

  for (const m of record.messages) {
    const base = { at: m.at, seq: m.seq };
    const position = m.ref ? refPosition(m.ref) : null;
    if (position) {
      const rule = position.kind === 'rule-dm' || position.kind === 'rule-channel' ? policy.notify[position.stepIndex] : undefined;
      const why =
        position.kind === 'task'
          ? `${page.severity} is a task in this policy: one message in the rotation's channel, nobody paged`
          : rule
            ? `${notifyRuleText(rule)}, as a page`
            : stepRule(chain, page.severity, position.stepIndex, position.loop);
      lines.push({ ...base, what: REF_WHAT[position.kind].line, who: partyOf(m.channel), why });
      continue;
    }
    if (m.method === 'chat.update') {
      const target = m.targetRef ? refPosition(m.targetRef) : null;
      const stepless = target?.kind === 'task' || target?.kind === 'rule-dm' || target?.kind === 'rule-channel';
      const of = target ? `its ${REF_WHAT[target.kind].noun}${stepless ? '' : ` of step ${target.stepIndex + 1}`}` : 'an earlier message';
      const cause = page.ackedAt === m.at ? 'page acknowledged' : page.resolvedAt === m.at ? 'page resolved' : 'the page changed';
      lines.push({ ...base, what: 'edit', who: partyOf(m.channel), why: `${cause}: ${of} now says so`, said: m.text });
      continue;
    }
    if (m.method === 'chat.postEphemeral') {
      lines.push({
        ...base,
        what: 'reply only they see',
        who: partyOf(m.user ?? m.channel),
        why: 'the answer to the button press',
        said: m.text,
      });
      continue;
    }
    lines.push({ ...base, ...unreferenced(m.text, m.channel, m.method, m.ref, record, policy, chain, firingsAt(m.at)) });
  }

  const end = endLine(record);
  lines.push(end);
  return lines.sort((a, b) => a.at - b.at || a.seq - b.seq);
}

/**
 * A message that is no step of the chain: a notification, a skip, the night hold, the end of the chain, or not
 * this page at all. Which one is read off the message's ref (page-refs.ts), never off its words.
 */
function unreferenced(
  text: string,
  channel: string,
  method: string,
  ref: string | null,
  record: SimulationRecord,
  policy: Policy,
  chain: SeverityEscalation | null,
  firings: TimerFiring[],
): Omit<TimelineLine, 'at' | 'seq'> {
  const page = record.page!;
  const who = partyOf(channel);
  const notice: PageRef | null = ref ? parsePageRef(ref) : null;
  if (method === 'chat.postMessage' && notice?.pageId === page.id) {
    const rule = notice.kind === 'fyi' && notice.to !== 'channel' ? policy.notify[notice.rule] : undefined;
    if (rule) return { what: 'DM (FYI)', who, why: notifyRuleText(rule), said: text };
    // With no channel for the rotation, the bot tells whoever raised the page (here: the simulation) directly.
    const what = isUser(channel) ? 'DM' : 'post';
    if (notice.kind === 'exhausted') {
      return {
        what,
        who,
        why: `the ${page.severity} chain ran ${chain?.loops ?? 1} round${(chain?.loops ?? 1) === 1 ? '' : 's'} with nobody acknowledging`,
        said: text,
      };
    }
    if (notice.kind === 'held')
      return { what, who, why: `the ${page.severity} chain is quiet at night: held until business hours`, said: text };
    if (notice.kind === 'skip') return { what, who, why: 'a step whose target is nobody right now is skipped at once', said: text };
    if (notice.kind === 'via')
      return { what, who, why: "the step's via method is not verified by someone it reached: Slack only", said: text };
    return { what, who, why: `page #${page.id}`, said: text };
  }
  const kinds = [...new Set(firings.filter((f) => pageIdOf(f.subject) !== page.id).map((f) => f.kind))];
  const what = method === 'chat.postMessage' ? (isUser(channel) ? 'DM' : 'post') : method;
  return { what, who, why: `not this page${kinds.length ? `: ${kinds.join(', ')} timer` : ''}`, said: text };
}

function endLine(record: SimulationRecord): TimelineLine {
  const page = record.page!;
  const at = record.end.at;
  const seq = Number.MAX_SAFE_INTEGER;
  if (record.end.reason === 'horizon') {
    return {
      at,
      seq,
      what: 'simulation stops',
      who: { kind: 'none' },
      why: `page #${page.id} is still ${page.status} ${formatDuration(at - page.createdAt)} after it was raised`,
    };
  }
  const why =
    page.status === 'acknowledged'
      ? `page #${page.id} acknowledged by ${page.ackedBy === SIMULATION_USER ? 'the simulation' : page.ackedBy}; nothing more is due`
      : page.status === 'resolved'
        ? `page #${page.id} resolved; nothing more is due`
        : page.exhaustedAt !== null
          ? `the chain is exhausted; page #${page.id} stays open (anyone can still acknowledge it) and nothing more is due`
          : `nothing more is due for page #${page.id}`;
  return { at, seq, what: 'end', who: { kind: 'none' }, why };
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/** Slack markup -> what a terminal can show: <@U1> -> @U1, <#C1|name> -> #name, <!date^..|fallback> -> fallback. */
export function plainText(text: string): string {
  return text
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<#([A-Z0-9]+)\|([^>]*)>/g, '#$2')
    .replace(/<#([A-Z0-9]+)>/g, '#$1')
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/<([^|>]+)\|([^>]*)>/g, '$2')
    .replace(/^:[a-z0-9_+-]+:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function roleNames(policy: Policy, id: string): string[] {
  return Object.entries(policy.people)
    .filter(([, user]) => user === id)
    .map(([role]) => role);
}

function channelNames(policy: Policy, id: string): string[] {
  const names = Object.entries(policy.channels)
    .filter(([, channel]) => channel === id)
    .map(([name]) => name);
  for (const r of Object.values(policy.rotations)) {
    if (r.channel === id) names.push(`${r.name} channel`);
    if (r.alertsChannel === id && r.alertsChannel !== r.channel) names.push(`${r.name} alerts`);
  }
  return [...new Set(names)];
}

/** "U0LEAD (engineering_lead)", "C0ALERTS (alerts)", "U0ALICE". */
export function partyText(policy: Policy, party: Party): string {
  if (party.kind === 'none') return '';
  if (party.id === SIMULATION_USER) return `${party.id} (the simulation)`;
  const names = party.kind === 'user' ? roleNames(policy, party.id) : channelNames(policy, party.id);
  const prefix = party.kind === 'channel' ? '#' : '';
  return names.length ? `${prefix}${party.id} (${names.join(', ')})` : `${prefix}${party.id}`;
}

function ackPlan(record: SimulationRecord): string {
  const after = record.request.ackAfterMs;
  if (after === null) return 'nobody acknowledges';
  return `${record.request.ackBy ?? 'the last person paged'} presses Acknowledge after ${formatDuration(after)}`;
}

/** Who the page reached and when, from its own message rows. */
function reachedSummary(record: SimulationRecord, zone: string, person: (id: string) => string, max = Number.MAX_SAFE_INTEGER): string {
  const reached = record.pageMessages.filter((m): m is typeof m & { userId: string } => m.userId !== null);
  if (reached.length === 0) return 'Nobody was paged.';
  const listed = reached.slice(0, max).map((m) => `${person(m.userId)} at ${formatWall(m.createdAt, zone)}`);
  return `Paged: ${listed.join(', ')}${reached.length > max ? ` and ${reached.length - max} more times` : ''}.`;
}

/** The whole answer for a terminal: header, aligned lines, summary. */
export function renderText(record: SimulationRecord, policy: Policy, policyName: string): string {
  const { request } = record;
  const zone = request.zone;
  const header = [
    `Dry run: a ${request.severity} page on rotation ${request.rotation}, raised ${formatWall(request.at, zone, true)} ${zone} (${formatOffset(zone, request.at)}); ${ackPlan(record)}.`,
    `Policy: ${policyName}. The unchanged bot ran on a fake clock against a Slack stand-in: nothing was sent to Slack.`,
  ];
  if (!record.page) return [...header, '', `The page was not raised. The bot answered: ${plainText(record.raisedReply)}`].join('\n');
  const rows = timelineLines(record, policy).map((line) => {
    const said = line.said ? ` | "${truncate(plainText(line.said), 160)}"` : '';
    return [formatWall(line.at, zone), line.what, partyText(policy, line.who), `${line.why}${said}`];
  });
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const body = rows.map((r) => [r[0]!.padEnd(widths[0]!), r[1]!.padEnd(widths[1]!), r[2]!.padEnd(widths[2]!), r[3]!].join('  ').trimEnd());
  return [...header, '', ...body, '', reachedSummary(record, zone, (id) => id)].join('\n');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** At most this many timeline lines in a Slack reply; the rest is counted. */
export const SLACK_MAX_LINES = 30;
const SLACK_MAX_CHARS = 3_000;
/** People listed in the reply's closing "Paged:" line. */
const SLACK_MAX_PAGED = 8;

function slackParty(party: Party): string {
  if (party.kind === 'none') return '';
  return party.kind === 'user' ? `<@${party.id}>` : `<#${party.id}>`;
}

/** The answer for Slack (ephemeral): mentions render as names in the reader's client; bounded in length. */
export function renderSlack(record: SimulationRecord, policy: Policy): string {
  const { request } = record;
  const zone = request.zone;
  const header = `*Dry run* (nobody was paged): a ${request.severity} page on *${request.rotation}* raised ${formatWall(request.at, zone, true)} ${zone}; ${ackPlan(record)}.`;
  if (!record.page) return `${header}\nThe page was not raised. The bot answered: ${truncate(record.raisedReply, 500)}`;
  const lines = timelineLines(record, policy).map((line) => {
    const who = slackParty(line.who);
    const said = line.said ? ` _“${truncate(plainText(line.said), 120)}”_` : '';
    return truncate(`\`${formatWall(line.at, zone)}\` ${line.what}${who ? ` ${who}` : ''} · ${line.why}${said}`, 300);
  });
  const out = [header];
  let used = header.length;
  let shownCount = 0;
  for (const line of lines) {
    if (shownCount >= SLACK_MAX_LINES || used + line.length + 1 > SLACK_MAX_CHARS) break;
    out.push(line);
    used += line.length + 1;
    shownCount += 1;
  }
  if (shownCount < lines.length)
    out.push(`_…and ${lines.length - shownCount} more lines: \`npm run simulate\` prints the whole timeline._`);
  out.push(reachedSummary(record, zone, (id) => `<@${id}>`, SLACK_MAX_PAGED));
  return out.join('\n');
}
