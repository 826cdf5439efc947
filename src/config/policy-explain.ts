/**
 * "Why does the bot do that?": the policy as the bot runs it (after the preset), each value with where it came
 * from: the file and line that wrote it (`oncall.policy.yml:14`), the preset (`preset p0-p3`) for a
 * per-severity value the file leaves out, or `built-in default` for the rest (business hours, shift defaults,
 * the 15-minute wait between steps). A team sees behaviour its file does not show, e.g.
 *   escalation.default:
 *     P2.quiet_at_night: true  ← preset p0-p3 (your file does not say; pages outside business hours wait for the next business start)
 *
 * Pure: the values are read from the resolved Policy (what runs), the origins from the YAML it was parsed from,
 * following resolvePolicy's rules for what a file leaves out. `npm run policy -- explain` and `/oncall policy`
 * both render this.
 */
import { basename } from 'node:path';
import { policyDuration } from '../time/duration-words.js';
import type { Document, LineCounter } from 'yaml';
import type { PolicyDuration } from './duration.js';
import { formatPath, lineOf, pageTargetText, parsePolicyText, policyDocument, policySource, type Policy } from './policy.js';
import { WEEKDAYS } from './policy-schema.js';
import type { NotifyRule, PresetName, Reminder } from './presets.js';

export type PathKey = string | number;

/** Where a value of the running policy came from. */
export type Origin =
  /** The file wrote it, at this line. `file` is the file's base name. */
  | { kind: 'file'; file: string; line: number }
  /** A per-severity value of the preset (ack SLA, chains, reminders, postmortem, notify, first update). */
  | { kind: 'preset'; preset: PresetName }
  /** A default that is no per-severity preset value (business hours, shift defaults, the step wait...). */
  | { kind: 'built-in' }
  /** The Policy was built in code, not parsed from a file or the preset: nobody can say. */
  | { kind: 'unknown' };

export interface ExplainedValue {
  /** Where the value sits in a policy file, e.g. ['escalation', 'default', 'P2', 'quiet_at_night']. */
  path: PathKey[];
  /** As a person would write it: "15m", "true", "mon 09:00", "none". */
  value: string;
  origin: Origin;
  /** What an inherited value means, or why it is what it is. */
  note?: string;
}

export interface PolicyExplanation {
  /** The file's name as it was loaded (its whole path), or the built-in preset alone. */
  source: { kind: 'file'; fileName: string } | { kind: 'preset' } | { kind: 'unknown' };
  preset: PresetName;
  values: ExplainedValue[];
}

/** Parses the policy text as the bot does (a PolicyError, the bot's own message, when it cannot) and explains it. */
export function explainPolicyText(text: string, fileName: string): PolicyExplanation {
  return explainPolicy(parsePolicyText(text, fileName));
}

/**
 * Explains a Policy made by parsePolicyText, loadPolicyFile or defaultPolicy (each keeps what it was made from).
 * A Policy built in code has values but no known origins.
 */
export function explainPolicy(policy: Policy): PolicyExplanation {
  const source = policySource(policy);
  if (source?.kind === 'file') {
    const { doc, counter } = policyDocument(source.text);
    const origins = fileOrigins(doc, counter, basename(source.fileName), policy.preset);
    return { source: { kind: 'file', fileName: source.fileName }, preset: policy.preset, values: explainValues(policy, origins) };
  }
  const fallbackOnly: Origins = {
    written: () => null,
    preset: source ? { kind: 'preset', preset: policy.preset } : { kind: 'unknown' },
    builtIn: source ? { kind: 'built-in' } : { kind: 'unknown' },
    raw: {},
    fromFile: false,
  };
  return { source: source ? { kind: 'preset' } : { kind: 'unknown' }, preset: policy.preset, values: explainValues(policy, fallbackOnly) };
}

// ---------------------------------------------------------------------------------------------------------
// Origins

interface Origins {
  /** The file's origin of the key at `path`, or null when the file does not write it. */
  written(path: readonly PathKey[]): Origin | null;
  preset: Origin;
  builtIn: Origin;
  /** The file's value as plain data (for what it writes and leaves out). */
  raw: unknown;
  /** Whether there is a file at all ("your file does not say" only makes sense when there is). */
  fromFile: boolean;
}

function rawAt(raw: unknown, path: readonly PathKey[]): unknown {
  let node = raw;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Object.hasOwn(node, key) ? (node as Record<PathKey, unknown>)[key] : undefined;
  }
  return node;
}

function fileOrigins(doc: Document, counter: LineCounter, file: string, preset: PresetName): Origins {
  const raw: unknown = doc.toJS() ?? {};
  return {
    written: (path) => (rawAt(raw, path) === undefined ? null : { kind: 'file', file, line: lineOf(doc, counter, path) }),
    preset: { kind: 'preset', preset },
    builtIn: { kind: 'built-in' },
    raw,
    fromFile: true,
  };
}

/** `oncall.policy.yml:14`, `preset p0-p3`, `built-in default`. */
export function originText(origin: Origin): string {
  switch (origin.kind) {
    case 'file':
      return `${origin.file}:${origin.line}`;
    case 'preset':
      return `preset ${origin.preset}`;
    case 'built-in':
      return 'built-in default';
    case 'unknown':
      return 'not known (this policy was built in code, not loaded from a file)';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Values as people write them

/** 2_700_000 -> "45m", 5_400_000 -> "1h30m", 86_400_000 -> "24h": the policy file's notation (time/duration-words.ts). */
export const formatMs = policyDuration;

function formatPolicyDuration(d: PolicyDuration): string {
  if (d.kind === 'wall') return formatMs(d.ms);
  if (d.kind === 'business_days') return `${d.days} business day${d.days === 1 ? '' : 's'}`;
  const hours = d.ms / 3_600_000;
  return Number.isInteger(hours) ? `${hours} business hour${hours === 1 ? '' : 's'}` : `${formatMs(d.ms)} of business hours`;
}

const list = (items: readonly string[], none = 'none') => (items.length > 0 ? items.join(', ') : none);

function reminderText(r: Reminder | undefined): string {
  if (!r) return 'none';
  return r.kind === 'every'
    ? `every ${formatMs(r.everyMs)}`
    : `every ${formatMs(r.untilMonitoringMs)} until Monitoring, then every ${formatMs(r.thenMs)}`;
}

function notifyText(n: NotifyRule): string {
  const tags = n.tags.length > 0 ? `, tagged ${n.tags.join(' or ')}` : '';
  const since = n.since === 'acknowledged' ? ' of the acknowledgement' : '';
  const when = n.when === 'declared' ? 'declared' : `${n.when} after ${formatMs(n.afterMs)}${since}`;
  return `${n.severity} ${when}${tags} → ${n.how === 'page' ? 'page' : 'tell'} ${n.who}`;
}

// ---------------------------------------------------------------------------------------------------------
// The values, in the order of a policy file

function explainValues(policy: Policy, o: Origins): ExplainedValue[] {
  const out: ExplainedValue[] = [];
  const add = (path: PathKey[], value: string, origin: Origin, note?: string) =>
    out.push(note ? { path, value, origin, note } : { path, value, origin });
  /** The file's line for `path`, else `otherwise` with its note. */
  const either = (path: PathKey[], value: string, otherwise: Origin, note?: string) => {
    const written = o.written(path);
    add(path, value, written ?? otherwise, written ? undefined : note);
  };
  const ids = policy.severities.map((s) => s.id);

  either(['preset'], policy.preset, o.builtIn, 'the severity scale P0-P3');
  add(['severities'], policy.severities.map((s) => `${s.id} ${s.label}`).join(', '), o.preset);
  either(['timezone'], policy.timezone, o.builtIn, 'business hours are counted in UTC');

  const hours = policy.businessHours;
  either(['business_hours', 'days'], hours.days.map((d) => WEEKDAYS[d]).join(', '), o.builtIn);
  either(['business_hours', 'start'], hours.start, o.builtIn);
  either(['business_hours', 'end'], hours.end, o.builtIn);

  for (const section of ['people', 'channels'] as const) {
    const entries = Object.entries(policy[section]);
    if (entries.length === 0) either([section], 'none', o.builtIn);
    for (const [name, id] of entries) either([section, name], id, o.builtIn);
  }

  explainRotations(policy, o, add, either);
  explainEscalation(policy, o, add);

  for (const id of ids) {
    const sla = policy.ackSla[id];
    either(['ack_sla', id], sla ? formatPolicyDuration(sla) : 'none', o.preset, sla ? undefined : 'no acknowledgement deadline');
  }

  // notify: the file's list replaces the preset's whole.
  const notifyWritten = o.written(['notify']);
  if (policy.notify.length === 0) add(['notify'], 'none', notifyWritten ?? o.preset);
  for (const [i, rule] of policy.notify.entries())
    add(['notify', i], notifyText(rule), notifyWritten ? (o.written(['notify', i]) ?? notifyWritten) : o.preset);

  for (const id of ids)
    either(
      ['reminders', id],
      reminderText(policy.reminders[id]),
      o.preset,
      policy.reminders[id] ? undefined : 'no status-update reminders',
    );

  either(['postmortem', 'required'], list(policy.postmortem.required), o.preset);
  for (const [severity, due] of Object.entries(policy.postmortem.due))
    either(['postmortem', 'due', severity], formatPolicyDuration(due), o.preset, 'after resolve');

  for (const id of ids) {
    const ms = policy.incidents.firstUpdateMs[id];
    either(
      ['incidents', 'first_update', id],
      ms === null || ms === undefined ? 'none' : formatMs(ms),
      o.preset,
      ms === null || ms === undefined ? 'no first-update deadline' : 'after declaration',
    );
  }

  // playbooks.triggers: the file's map replaces the built-in one whole.
  const triggersWritten = o.written(['playbooks', 'triggers']);
  const triggers = Object.entries(policy.playbooks.triggers);
  if (triggers.length === 0) add(['playbooks', 'triggers'], 'none', triggersWritten ?? o.builtIn);
  for (const [name, t] of triggers) {
    const value = `${t.how} ${t.who}${t.raiseTo ? `, raise to ${t.raiseTo}` : ''}: ${t.label}`;
    const howLeftOut = triggersWritten && !o.written(['playbooks', 'triggers', name, 'how']);
    add(
      ['playbooks', 'triggers', name],
      value,
      triggersWritten ? (o.written(['playbooks', 'triggers', name]) ?? triggersWritten) : o.builtIn,
      howLeftOut ? 'how: notify is the built-in default' : undefined,
    );
  }

  const admins = policy.permissions.admins.map((a) => (a.roles.length > 0 ? `${a.roles.join('/')} (${a.userId})` : a.userId));
  either(['permissions', 'admins'], list(admins, "nobody beyond each rotation's members"), o.builtIn, 'every role under people');
  return out;
}

type Add = (path: PathKey[], value: string, origin: Origin, note?: string) => void;

function explainRotations(
  policy: Policy,
  o: Origins,
  add: Add,
  either: (path: PathKey[], value: string, otherwise: Origin, note?: string) => void,
): void {
  const rotations = Object.values(policy.rotations);
  if (rotations.length === 0) either(['rotations'], 'none', o.builtIn, 'nobody is on call, so a page reaches nobody');
  for (const r of rotations) {
    const at = (...rest: PathKey[]): PathKey[] => ['rotations', r.name, ...rest];
    either(at('members'), r.members.join(', '), o.builtIn);
    either(
      at('shift', 'every'),
      r.shift.everyMs % (7 * 86_400_000) === 0 ? formatMs(r.shift.everyMs) : `${r.shift.everyMs / 86_400_000}d`,
      o.builtIn,
    );
    either(at('shift', 'handoff'), `${WEEKDAYS[r.shift.handoffWeekday]} ${r.shift.handoffTime}`, o.builtIn);
    either(at('shift', 'timezone'), r.shift.timezone, o.builtIn);
    either(at('shift', 'start'), r.shift.start, o.builtIn, 'member 1 was primary in the shift that started then');
    either(
      at('secondary_offset'),
      r.secondaryOffset === null ? 'none' : String(r.secondaryOffset),
      o.builtIn,
      r.secondaryOffset === 1 ? 'the secondary is the next person in the list' : undefined,
    );
    if (r.secondaryOffset !== null) {
      const lag = r.secondaryLagDays;
      either(
        at('secondary_handoff_after'),
        lag === 0 ? 'none' : lag % 7 === 0 ? `${lag / 7}w` : `${lag}d`,
        o.builtIn,
        lag === 0
          ? 'the secondary changes with the primary'
          : 'the secondary hands off this long into each shift: each shift has two secondaries',
      );
    }
    either(at('channel'), r.channel ?? 'none', o.builtIn);
    either(at('alerts_channel'), r.alertsChannel ?? 'none', o.builtIn);
    either(at('usergroup'), r.usergroup ?? 'none', o.builtIn);
    either(at('escalation'), r.escalation, o.builtIn);
    either(at('handoff_template'), r.handoffTemplate, o.builtIn);
    if (r.shadows.length > 0) either(at('shadows'), r.shadows.join(', '), o.builtIn);
  }
}

type ChainKey = 'loops' | 'chat_only' | 'quiet_at_night' | 'task' | 'steps';

/**
 * Where a chain's key came from, following resolvePolicy: written in the file; else, when the chain writes its
 * steps (taken whole), the built-in default; else inherited from `default`'s same severity (for `default`
 * itself, the preset's). `via` says what was followed, for the note.
 */
function chainKeyOrigin(o: Origins, name: string, severity: string, key: ChainKey): { origin: Origin; via: string[]; wholeChain?: string } {
  const path = ['escalation', name, severity];
  const written = o.written([...path, key]);
  if (written) return { origin: written, via: [] };
  const chain = rawAt(o.raw, path);
  const writesSteps = rawAt(o.raw, [...path, 'steps']) !== undefined;
  if (writesSteps) return { origin: o.builtIn, via: [], wholeChain: `${name}.${severity}` };
  if (name !== 'default') {
    const inner = chainKeyOrigin(o, 'default', severity, key);
    return { ...inner, via: [`${chain === undefined ? 'copied' : 'inherited'} from escalation.default.${severity}`, ...inner.via] };
  }
  return {
    origin: o.preset,
    via:
      chain === undefined
        ? []
        : [`escalation.default.${severity} writes no steps, so it keeps the preset's ${key === 'steps' ? 'steps' : 'rest'}`],
  };
}

function explainEscalation(policy: Policy, o: Origins, add: Add): void {
  const names = ['default', ...Object.keys(policy.escalation).filter((n) => n !== 'default')];
  for (const name of names) {
    const chains = policy.escalation[name] ?? {};
    for (const { id } of policy.severities) {
      const at = (...rest: PathKey[]): PathKey[] => ['escalation', name, id, ...rest];
      const chain = chains[id];
      if (!chain) {
        // Only the preset can leave a severity without a chain (a file that names one must give it steps).
        add(at(), 'no chain', o.preset, `the bot's fallback: a ${id} page reaches the primary once, in business hours`);
        continue;
      }
      const noteFor = (key: ChainKey, meaning?: string) => {
        const where = chainKeyOrigin(o, name, id, key);
        if (where.origin.kind === 'file' && where.via.length === 0) return { origin: where.origin, note: undefined };
        const parts = [
          ...(o.fromFile && where.via.length === 0 && !where.wholeChain ? ['your file does not say'] : []),
          ...where.via,
          ...(where.wholeChain
            ? [
                `escalation.${where.wholeChain} writes its steps, so the chain is taken whole: ${key === 'loops' ? '2 rounds unless written (1 when chat-only)' : 'what it leaves out is off'}`,
              ]
            : []),
          ...(meaning ? [meaning] : []),
        ];
        return { origin: where.origin, note: parts.join('; ') || undefined };
      };
      const loops = noteFor(
        'loops',
        `the chain runs ${chain.loops === 1 ? 'once' : `${chain.loops} times`} before the channel is told nobody acknowledged`,
      );
      add(at('loops'), String(chain.loops), loops.origin, loops.note);
      const chatOnly = noteFor(
        'chat_only',
        chain.chatOnly ? "a plain message in the rotation's channel naming whom each step names, with Acknowledge; no siren DM" : undefined,
      );
      add(at('chat_only'), String(chain.chatOnly), chatOnly.origin, chatOnly.note);
      const quiet = noteFor(
        'quiet_at_night',
        chain.quietAtNight ? 'pages outside business hours wait for the next business start' : 'pages at any hour',
      );
      add(at('quiet_at_night'), String(chain.quietAtNight), quiet.origin, quiet.note);
      if (chain.task) {
        const task = noteFor('task', "a task: one message in the rotation's channel, nobody paged, no chain");
        add(at('task'), 'true', task.origin, task.note);
      }

      // Steps: each field from the file when the chain that gave the steps wrote it, else that chain's default.
      const stepsFrom = chainKeyOrigin(o, name, id, 'steps');
      const ownerName = stepsFrom.origin.kind === 'file' ? ownerOfSteps(o, name, id) : null;
      const via = stepsFrom.via.length > 0 ? stepsFrom.via.join('; ') : undefined;
      chain.steps.forEach((step, i) => {
        const stepPath = (...rest: PathKey[]) => (ownerName ? ['escalation', ownerName, id, 'steps', i, ...rest] : null);
        // Where the steps came from is said once, on the chain's first step line.
        const viaNote = i === 0 ? via : undefined;
        const fieldOrigin = (field: string, defaultNote: string): { origin: Origin; note?: string } => {
          const path = stepPath(field);
          const first = field === 'after' ? viaNote : undefined;
          if (!path) return { origin: stepsFrom.origin.kind === 'unknown' ? stepsFrom.origin : o.preset, note: first };
          const written = o.written(path);
          if (written) return { origin: written, note: first };
          return { origin: o.builtIn, note: [first, defaultNote].filter(Boolean).join('; ') || undefined };
        };
        const after = fieldOrigin('after', i === 0 ? 'the first step pages at once' : 'a later step waits 15m after the one before');
        add(at('steps', i, 'after'), step.afterMs === 0 ? '0 (at once)' : formatMs(step.afterMs), after.origin, after.note);
        const page = fieldOrigin('page', '');
        add(at('steps', i, 'page'), pageTargetText(step.target), page.origin, page.note);
        if (step.via) {
          const via = fieldOrigin('via', '');
          add(at('steps', i, 'via'), step.via, via.origin, via.note || `also by ${step.via} at once, for whoever verified it`);
        }
        const business = fieldOrigin('business_hours', '');
        add(
          at('steps', i, 'business_hours'),
          String(step.businessHours),
          business.origin,
          business.note || (step.businessHours ? 'the wait counts business hours only' : undefined),
        );
      });
    }
  }
}

/** The escalation policy whose file entry wrote the steps `name`.`severity` runs. */
function ownerOfSteps(o: Origins, name: string, severity: string): string {
  return rawAt(o.raw, ['escalation', name, severity, 'steps']) !== undefined ? name : 'default';
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/** The heading a value is listed under: `escalation.default`, `rotations.backend`, `ack_sla`; '' for top-level scalars. */
export function sectionOf(path: readonly PathKey[]): PathKey[] {
  const top = path[0];
  if (top === 'preset' || top === 'severities' || top === 'timezone') return [];
  if (
    (top === 'rotations' || top === 'escalation' || top === 'playbooks' || top === 'incidents' || top === 'permissions') &&
    path.length > 2
  )
    return path.slice(0, 2);
  if (path.length > 1) return path.slice(0, 1);
  return [];
}

/** `P2.quiet_at_night`, `steps[1].after`: the path below its section. */
export function keyWithin(path: readonly PathKey[], section: readonly PathKey[]): string {
  const rest = path.slice(section.length);
  const text = formatPath(rest);
  return rest.length === 0 ? formatPath(path) : text;
}

export interface ExplainedSection {
  /** '' for the top-level values (preset, severities, timezone). */
  heading: string;
  lines: Array<{ key: string; value: string; origin: string; note?: string }>;
}

/** The values grouped under their headings, in file order. */
export function explanationSections(explanation: PolicyExplanation): ExplainedSection[] {
  const sections: ExplainedSection[] = [];
  for (const v of explanation.values) {
    const section = sectionOf(v.path);
    const heading = section.length > 0 ? formatPath(section) : '';
    let current = sections[sections.length - 1];
    if (!current || current.heading !== heading) sections.push((current = { heading, lines: [] }));
    current.lines.push({
      key: keyWithin(v.path, section),
      value: v.value,
      origin: originText(v.origin),
      ...(v.note ? { note: v.note } : {}),
    });
  }
  return sections;
}

/** The first line: which file, and what the arrows mean. */
export function explanationTitle(explanation: PolicyExplanation): string {
  const source = explanation.source;
  const what =
    source.kind === 'file'
      ? `The policy in ${source.fileName}`
      : source.kind === 'preset'
        ? `The built-in preset ${explanation.preset} (no policy file: set POLICY_PATH or name a file)`
        : 'The running policy (built in code, so where each value came from is not known)';
  return `${what}, as the bot runs it. After each value (←): the file and line that wrote it, the preset it was inherited from, or the built-in default.`;
}

/** How many values came from the file, the preset and the built-in defaults. */
export function explanationCounts(explanation: PolicyExplanation): string {
  const count = (kind: Origin['kind']) => explanation.values.filter((v) => v.origin.kind === kind).length;
  const parts = [
    explanation.source.kind === 'file' ? `${count('file')} from ${basename(explanation.source.fileName)}` : '',
    `${count('preset')} from preset ${explanation.preset}`,
    `${count('built-in')} built-in defaults`,
    count('unknown') > 0 ? `${count('unknown')} of unknown origin` : '',
  ].filter(Boolean);
  return `${explanation.values.length} values: ${parts.join(', ')}.`;
}

/** Plain text for the terminal: one value a line, origins lined up. */
export function renderExplanation(explanation: PolicyExplanation): string {
  const out = [explanationTitle(explanation), explanationCounts(explanation)];
  for (const section of explanationSections(explanation)) {
    out.push('');
    const indent = section.heading ? '  ' : '';
    if (section.heading) out.push(`${section.heading}:`);
    const left = section.lines.map((l) => `${indent}${l.key}: ${l.value}`);
    // Origins line up within a section, unless a value is too long to wait for.
    const width = Math.min(60, Math.max(...left.map((l) => l.length)));
    for (const [i, l] of section.lines.entries()) out.push(`${left[i]!.padEnd(width)}  ← ${l.origin}${l.note ? ` (${l.note})` : ''}`);
  }
  return out.join('\n');
}
