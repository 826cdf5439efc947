/**
 * The policy file (the team's on-call wiki page as YAML) -> a resolved Policy with every default filled in
 * and every duration in ms, so the rest of the app never sees raw YAML. Every problem is reported at once,
 * each as `file:line path: reason`, e.g.
 *   oncall.policy.yml:14 escalation.default.P1.steps[1].after: expected a duration like "15m", got "fifteen"
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { PolicyDuration } from './duration.js';
import type { WakeStep } from './presets.js';
import { pageTargetOf } from './policy-target.js';
import { DAY } from '../time/clock.js';
import {
  checkReferences,
  knownKeysAt,
  policyErrorMap,
  policyFileSchema,
  WEEKDAYS,
  type PolicyFile,
  type PolicyProblem,
  type Weekday,
} from './policy-schema.js';
import {
  DEFAULT_BUSINESS_HOURS,
  DEFAULT_CHECKLIST,
  DEFAULT_ENVIRONMENTS,
  DEFAULT_HANDOFF_TEMPLATE,
  DEFAULT_INCIDENT_ROLES,
  DEFAULT_PRESET,
  DEFAULT_SHIFT,
  DEFAULT_STEP_AFTER_MS,
  DEFAULT_TIMEZONE,
  DEFAULT_TRIGGERS,
  DEFAULT_VERIFICATION,
  HANDOFF_TEMPLATE_PRESETS,
  RANK_DEFAULTS,
  SEVERITY_SCALES,
  type EscalationStep,
  type HandoffField,
  type NotifyRule,
  type PresetName,
  type Reminder,
  type Severity,
  type SeverityEscalation,
  type TriggerRule,
} from './presets.js';

export type { PolicyDuration } from './duration.js';
export type { OnCallRole, PageTarget, PageTargetKind } from './policy-target.js';
export { pageTargetText } from './policy-target.js';
export type {
  EscalationStep,
  HandoffField,
  NotifyRule,
  PresetName,
  Reminder,
  Severity,
  SeverityEscalation,
  StepVia,
  TriggerRule,
  WakeStep,
  WakeVia,
} from './presets.js';
export { severityRank } from './presets.js';

export interface BusinessHoursPolicy {
  /** The team's zone (the policy's `timezone`). */
  zone: string;
  /** 0 = Sunday .. 6 = Saturday */
  days: number[];
  /** "HH:MM", start < end */
  start: string;
  end: string;
}

export interface RotationPolicy {
  name: string;
  /** Slack user ids in rotation order; shift k's primary is members[k mod n]. */
  members: string[];
  shift: {
    /** Whole days (1d, 3d, 1w, ...). */
    everyMs: number;
    /** 0 = Sunday .. 6 = Saturday; weekly shifts start on this day on or after `start`. */
    handoffWeekday: number;
    /** "HH:MM" wall time in `timezone`. */
    handoffTime: string;
    timezone: string;
    /** "YYYY-MM-DD": the first shift, member 1 primary. */
    start: string;
  };
  /** Shifts between primary and secondary; null when the rotation has no secondary. */
  secondaryOffset: number | null;
  /** Whole days after the primary's handoff that the secondary hands off (0: together; seed 003's staggered 2-week pairs: 7). */
  secondaryLagDays: number;
  channel: string | null;
  alertsChannel: string | null;
  usergroup: string | null;
  /** A key of Policy.handoffTemplates. */
  handoffTemplate: string;
  /** A key of Policy.escalation. */
  escalation: string;
  shadows: string[];
}

/** An alert integration as written (snake_case keys; no durations to convert). */
export type Integration = NonNullable<PolicyFile['integrations']>[string];

/** How alerts group into one page (`grouping:`, globally and per integration). */
export interface GroupingPolicy {
  /** What alerts of one integration (and rotation) must share to be one group: service, alertname, severity, summary, labels.<name>. */
  by: string[];
  /** An open group takes a new alert while the alert comes less than this after the group's latest one. */
  windowMs: number;
}

/** By default alerts of one integration with the same service and alert name within 5 minutes are one group. */
export const DEFAULT_GROUPING: GroupingPolicy = { by: ['service', 'alertname'], windowMs: 5 * 60_000 };

/** An integration's grouping: its own keys, else the policy's, else the default. */
export function groupingFor(policy: Pick<Policy, 'grouping'>, integration: Integration): GroupingPolicy {
  return { by: integration.grouping?.by ?? policy.grouping.by, windowMs: integration.grouping?.window ?? policy.grouping.windowMs };
}

/** Digests (`digest: { after: 3 }`): past this many unacknowledged pages DM'd to one person within a minute, further ones join one digest DM. */
export const DEFAULT_DIGEST_AFTER = 3;

/** Delivered Slack calls are kept a month: long enough to look into last month's night, short enough to stay small. */
export const DEFAULT_RETENTION_MS = 30 * 86_400_000;

export interface Policy {
  preset: PresetName;
  /** The preset's scale, most severe first (index = rank). */
  severities: Severity[];
  timezone: string;
  businessHours: BusinessHoursPolicy;
  /** role -> Slack user id */
  people: Record<string, string>;
  /** purpose (incidents, alerts, ...) -> Slack channel id */
  channels: Record<string, string>;
  environments: string[];
  services: string[];
  rotations: Record<string, RotationPolicy>;
  /** policy name -> severity id -> chain; a severity without a chain pages nobody. Always has `default`. */
  escalation: Record<string, Record<string, SeverityEscalation>>;
  /**
   * severity id -> how long to acknowledge, counted from when the first person is told (a page held for
   * business hours has no deadline running while nobody knows of it); null: no deadline.
   */
  ackSla: Record<string, PolicyDuration | null>;
  /**
   * severity id -> how a paged person is reached while their page is unacknowledged, beyond the Slack DM (push,
   * SMS, a call), each after its delay; only methods the person verified are used.
   */
  wake: Record<string, WakeStep[]>;
  notify: NotifyRule[];
  /** How long a delivered Slack call stays in the outbox table (messages' places in Slack are kept apart). */
  retentionMs: number;
  /** severity id -> status-update cadence; a severity left out gets no reminders. */
  reminders: Record<string, Reminder>;
  postmortem: { required: string[]; due: Record<string, PolicyDuration> };
  handoffTemplates: Record<string, HandoffField[]>;
  integrations: Record<string, Integration>;
  /** The policy-wide grouping (an integration's own `grouping` overrides it key by key: groupingFor). */
  grouping: GroupingPolicy;
  /** Per person: once this many unacknowledged pages were DM'd to someone within a minute, further ones are collected into one digest DM. */
  digest: { after: number };
  incidents: IncidentPolicy;
  playbooks: PlaybookPolicy;
  permissions: PermissionsPolicy;
}

export interface PermissionsPolicy {
  /**
   * Who may act on every rotation, page and incident, besides what each names (its members, the commander...).
   * By default every role under `people`; `permissions.admins` narrows or widens that. `roles` are the
   * people-roles the user holds, so a refusal can say "the engineering_lead (<@U0LEAD>)".
   */
  admins: Array<{ userId: string; roles: string[] }>;
}

export interface PlaybookPolicy {
  checklist: string[];
  immediateActions: Record<string, Array<{ text: string; runbook?: string }>>;
  triggers: Record<string, TriggerRule>;
  guardEmails: boolean;
}

export interface IncidentPolicy {
  /** Roles besides commander, as people type them ("support ops lead"). */
  roles: string[];
  /** Every item must be ticked to resolve. */
  verification: string[];
  /** By severity; null: no first-update deadline. */
  firstUpdateMs: Record<string, number | null>;
}

/** A policy that cannot be used. `.message` is the whole readable text; `.problems` one line per problem. */
export class PolicyError extends Error {
  constructor(
    readonly fileName: string,
    readonly problems: string[],
    message = [`The policy file ${fileName} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`, ...problems].join('\n'),
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

type PathKey = string | number;

/** `escalation.default.P1.steps[1].after` */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out || '(top level)';
}

/** The 1-based line of the key (or list item) at `path`, or of its nearest existing parent. */
export function lineOf(doc: Document, counter: LineCounter, path: readonly PathKey[]): number {
  for (let depth = path.length; depth > 0; depth -= 1) {
    const parent = doc.getIn(path.slice(0, depth - 1), true);
    const last = path[depth - 1];
    let range: readonly number[] | null | undefined;
    if (isMap(parent)) {
      // The key's own line: a nested map's value starts on the line below its key.
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
      range = isScalar(pair?.key) ? pair.key.range : undefined;
    } else if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last];
      range = item && typeof item === 'object' && 'range' in item ? (item.range as readonly number[] | null | undefined) : undefined;
    }
    if (range) return counter.linePos(range[0]!).line;
  }
  const contents = doc.contents as { range?: readonly number[] } | null;
  return contents?.range ? counter.linePos(contents.range[0]!).line : 1;
}

/** Edit distance, for "did you mean" on a misspelt key (or command). */
export function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function unknownKeyMessage(key: string, parentPath: readonly PathKey[]): string {
  const known = knownKeysAt(parentPath);
  const closest = known.map((candidate) => ({ candidate, d: distance(key.toLowerCase(), candidate) })).sort((a, b) => a.d - b.d)[0];
  if (closest && closest.d <= Math.max(1, Math.floor(key.length / 3))) return `unknown key "${key}" (did you mean "${closest.candidate}"?)`;
  return known.length > 0 ? `unknown key "${key}" (expected one of ${known.join(', ')})` : `unknown key "${key}"`;
}

/** Zod's issues as policy problems; an issue naming several unknown keys becomes one problem per key. */
function shapeProblems(raw: unknown): { file: PolicyFile | null; problems: PolicyProblem[] } {
  const parsed = policyFileSchema.safeParse(raw, { error: policyErrorMap });
  if (parsed.success) return { file: parsed.data, problems: [] };
  const problems = parsed.error.issues.flatMap((issue): PolicyProblem[] => {
    const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(key, path) }));
    return [{ path, message: issue.message }];
  });
  return { file: null, problems };
}

/** The YAML document of a policy text, with the counter that turns its offsets into lines. */
export function policyDocument(text: string): { doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: counter, prettyErrors: false }), counter };
}

/** Where a Policy came from: the text it was parsed from, or the built-in preset alone. */
export type PolicySource = { kind: 'file'; text: string; fileName: string } | { kind: 'preset' };

// Beside each Policy this module made, what it was made from, so `/oncall policy` can say where each value of
// the running policy came from without the Policy type (used everywhere) carrying the file's text.
const sources = new WeakMap<Policy, PolicySource>();

/** What `policy` was parsed from; null for a Policy built in code (resolvePolicy on an object). */
export function policySource(policy: Policy): PolicySource | null {
  return sources.get(policy) ?? null;
}

/** Parses policy YAML; `fileName` is what error lines start with. Throws PolicyError listing every problem. */
export function parsePolicyText(text: string, fileName: string): Policy {
  const { doc, counter } = policyDocument(text);
  if (doc.errors.length > 0) {
    // An unclosed bracket is noticed at the end of the text; point at the last written line, not past it.
    const lastWritten = Math.max(0, text.trimEnd().length - 1);
    throw new PolicyError(
      fileName,
      doc.errors.map(
        (e) => `${fileName}:${counter.linePos(Math.min(e.pos[0], lastWritten)).line} YAML syntax: ${e.message.split('\n')[0]}`,
      ),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (error) {
    // e.g. too many aliases (the YAML library's guard against "billion laughs").
    throw new PolicyError(fileName, [`${fileName}:1 YAML: ${(error as Error).message}`]);
  }
  const { file, problems } = shapeProblems(raw);
  problems.push(...checkReferences(raw));
  if (problems.length > 0 || !file) {
    const located = problems.map((p, order) => ({
      order,
      line: lineOf(doc, counter, p.path),
      text: `${formatPath(p.path)}: ${p.message}`,
    }));
    located.sort((a, b) => a.line - b.line || a.order - b.order);
    const lines = [...new Set(located.map((p) => `${fileName}:${p.line} ${p.text}`))];
    throw new PolicyError(fileName, lines);
  }
  const policy = resolvePolicy(file);
  sources.set(policy, { kind: 'file', text, fileName });
  return policy;
}

/** Reads and parses the policy file at `path`; error lines name the file by its whole path, so there is no doubt which file. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    const problem = `Cannot read the policy file "${path}" (${why}): set POLICY_PATH to your policy file, or copy policy.example.yml there and edit it.`;
    throw new PolicyError(resolve(path), [problem], problem);
  }
  return parsePolicyText(text, resolve(path));
}

/**
 * A deep copy whose objects have no prototype. The Policy's maps are looked up by words people type and
 * senders send (`/oncall who constructor`, POST /webhooks/__proto__, a severity label "toString"); such a
 * word must find nothing there, not Object.prototype's members.
 */
function withoutPrototypes<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutPrototypes) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, inner] of Object.entries(value)) copy[key] = withoutPrototypes(inner);
  return copy as T;
}

/** The preset alone: DESIGN.md's defaults, no rotations, no integrations. */
export function defaultPolicy(): Policy {
  const policy = resolvePolicy({});
  sources.set(policy, { kind: 'preset' });
  return policy;
}

/**
 * A shape-checked policy file -> the Policy with every default filled in. Assumes checkReferences found
 * nothing (parsePolicyText guarantees it); what a file leaves out comes from the preset:
 * - a chain that writes `steps` is taken whole (chat_only and quiet_at_night off unless written, loops 2, or
 *   1 when chat-only); one that leaves `steps` out takes what it leaves out from the same severity's chain in
 *   `default` (for `default` itself: the preset's);
 * - a named escalation policy other than `default` starts as a copy of `default`;
 * - the first step waits 0 unless it says `after`; a later step without `after` waits 15 min.
 */
export function resolvePolicy(file: PolicyFile): Policy {
  const preset = file.preset ?? DEFAULT_PRESET;
  const severities = SEVERITY_SCALES[preset];
  const idOfRank = (rank: number) => severities[rank]!.id;
  const timezone = file.timezone ?? DEFAULT_TIMEZONE;

  const presetChains: Record<string, SeverityEscalation> = {};
  RANK_DEFAULTS.escalation.forEach((chain, rank) => {
    if (chain) presetChains[idOfRank(rank)] = chain;
  });
  const chainsOver = (base: Record<string, SeverityEscalation>, chains: NonNullable<PolicyFile['escalation']>[string]) => {
    const resolved = { ...base };
    for (const [severity, chain] of Object.entries(chains)) {
      // A chain that writes its steps is taken whole: what it leaves out is off (chat_only, quiet_at_night) or
      // the plain default (loops), never the preset's behaviour for that severity, which the file does not show.
      // One that writes only loops or a flag tweaks the inherited chain (`npm run policy -- explain` shows which).
      const inherited = chain.steps || chain.task ? undefined : base[severity];
      const chatOnly = chain.chat_only ?? inherited?.chatOnly ?? false;
      const task = chain.task ?? inherited?.task ?? false;
      resolved[severity] = {
        loops: task ? 1 : (chain.loops ?? inherited?.loops ?? (chatOnly ? 1 : 2)),
        chatOnly,
        quietAtNight: chain.quiet_at_night ?? inherited?.quietAtNight ?? false,
        task,
        repeatAfterMs: chain.repeat_after ?? inherited?.repeatAfterMs ?? null,
        steps: chain.steps
          ? chain.steps.map(
              (s, i): EscalationStep => ({
                afterMs: s.after ?? (i === 0 ? 0 : DEFAULT_STEP_AFTER_MS),
                // Parsed once, here: the paging code switches on the target's kind (policy-target.ts).
                target: pageTargetOf(s.page, file.people ?? {}),
                via: s.via ?? null,
                businessHours: s.business_hours ?? false,
              }),
            )
          : task
            ? []
            : (inherited?.steps ?? []),
      };
    }
    return resolved;
  };
  const defaultChains = chainsOver(presetChains, file.escalation?.default ?? {});
  const escalation: Record<string, Record<string, SeverityEscalation>> = { default: defaultChains };
  for (const [name, chains] of Object.entries(file.escalation ?? {})) {
    if (name !== 'default') escalation[name] = chainsOver(defaultChains, chains);
  }

  const handoffTemplates: Record<string, HandoffField[]> = { ...HANDOFF_TEMPLATE_PRESETS };
  for (const [name, fields] of Object.entries(file.handoff_templates ?? {})) {
    handoffTemplates[name] = fields.map((f) => ({
      label: f.label,
      hint: f.hint,
      required: f.required ?? false,
      multiline: f.multiline ?? true,
    }));
  }

  const rotations: Record<string, RotationPolicy> = {};
  for (const [name, r] of Object.entries(file.rotations ?? {})) {
    const [day, time] = (r.shift?.handoff ?? DEFAULT_SHIFT.handoff).split(' ') as [Weekday, string];
    rotations[name] = {
      name,
      members: r.members,
      shift: {
        everyMs: r.shift?.every ?? DEFAULT_SHIFT.everyMs,
        handoffWeekday: WEEKDAYS.indexOf(day),
        handoffTime: time,
        timezone: r.shift?.timezone ?? DEFAULT_SHIFT.timezone,
        start: r.shift?.start ?? DEFAULT_SHIFT.start,
      },
      secondaryOffset: r.secondary_offset === 'none' ? null : (r.secondary_offset ?? DEFAULT_SHIFT.secondaryOffset),
      secondaryLagDays: Math.round((r.secondary_handoff_after ?? 0) / DAY),
      channel: r.channel ?? null,
      alertsChannel: r.alerts_channel ?? null,
      usergroup: r.usergroup ?? null,
      handoffTemplate: r.handoff_template ?? DEFAULT_HANDOFF_TEMPLATE,
      escalation: r.escalation ?? 'default',
      shadows: r.shadows ?? [],
    };
  }

  const wake: Record<string, WakeStep[]> = {};
  for (const [rank, steps] of RANK_DEFAULTS.wake.entries()) wake[idOfRank(rank)] = steps;
  // A severity written is taken whole, in order of delay (a team that writes "slack only" gets no call).
  for (const [severity, steps] of Object.entries(file.wake ?? {})) {
    wake[severity] = steps.map((s) => ({ afterMs: s.after ?? 0, via: s.via })).sort((a, b) => a.afterMs - b.afterMs);
  }

  const ackSla: Record<string, PolicyDuration | null> = {};
  for (const [rank, ms] of RANK_DEFAULTS.ackSlaMs.entries()) ackSla[idOfRank(rank)] = ms === null ? null : { kind: 'wall', ms };
  for (const [severity, value] of Object.entries(file.ack_sla ?? {})) ackSla[severity] = value === 'none' ? null : value;

  const notify: NotifyRule[] = file.notify
    ? file.notify.map((n) => ({
        when: n.when,
        since: n.since ?? 'declared',
        how: n.how ?? 'notify',
        severity: n.severity,
        tags: n.tags ?? [],
        afterMs: n.after ?? 0,
        who: n.who,
      }))
    : RANK_DEFAULTS.notify.map(({ rank, ...rule }) => ({ ...rule, tags: [...rule.tags], severity: idOfRank(rank) }));

  const reminders: Record<string, Reminder> = {};
  RANK_DEFAULTS.reminders.forEach((r, rank) => {
    if (r) reminders[idOfRank(rank)] = r;
  });
  for (const [severity, r] of Object.entries(file.reminders ?? {})) {
    reminders[severity] =
      r.every !== undefined
        ? { kind: 'every', everyMs: r.every }
        : { kind: 'until_monitoring', untilMonitoringMs: r.until_monitoring!, thenMs: r.then! };
  }

  const required = file.postmortem?.required ?? RANK_DEFAULTS.postmortemRequired.map(idOfRank);
  const due: Record<string, PolicyDuration> = {};
  for (const severity of required) due[severity] = RANK_DEFAULTS.postmortemDue;
  Object.assign(due, file.postmortem?.due ?? {});

  const firstUpdateMs: Record<string, number | null> = {};
  for (const [rank, ms] of RANK_DEFAULTS.firstUpdateMs.entries()) firstUpdateMs[idOfRank(rank)] = ms;
  for (const [severity, value] of Object.entries(file.incidents?.first_update ?? {}))
    firstUpdateMs[severity] = value === 'none' ? null : value;

  const hours = file.business_hours;
  // A copy, so nobody can change the shared presets (or another Policy) by editing theirs.
  return withoutPrototypes<Policy>({
    preset,
    severities,
    timezone,
    businessHours: {
      zone: timezone,
      days: (hours?.days ?? DEFAULT_BUSINESS_HOURS.days).map((d) => WEEKDAYS.indexOf(d)),
      start: hours?.start ?? DEFAULT_BUSINESS_HOURS.start,
      end: hours?.end ?? DEFAULT_BUSINESS_HOURS.end,
    },
    people: file.people ?? {},
    channels: file.channels ?? {},
    environments: file.environments ?? [...DEFAULT_ENVIRONMENTS],
    services: file.services ?? [],
    rotations,
    escalation,
    ackSla,
    wake,
    retentionMs: file.retention ?? DEFAULT_RETENTION_MS,
    notify,
    reminders,
    postmortem: { required, due },
    handoffTemplates,
    integrations: file.integrations ?? {},
    grouping: { by: file.grouping?.by ?? [...DEFAULT_GROUPING.by], windowMs: file.grouping?.window ?? DEFAULT_GROUPING.windowMs },
    digest: { after: file.digest?.after ?? DEFAULT_DIGEST_AFTER },
    playbooks: {
      checklist: file.playbooks?.checklist ?? [...DEFAULT_CHECKLIST],
      immediateActions: file.playbooks?.immediate_actions ?? {},
      triggers: file.playbooks?.triggers
        ? Object.fromEntries(
            Object.entries(file.playbooks.triggers).map(([name, t]) => [
              name,
              { label: t.label, who: t.who, how: t.how ?? 'notify', raiseTo: t.raise_to ?? null },
            ]),
          )
        : Object.fromEntries(
            Object.entries(DEFAULT_TRIGGERS).map(([name, { raiseRank, ...t }]) => [
              name,
              { ...t, raiseTo: raiseRank === null ? null : idOfRank(raiseRank) },
            ]),
          ),
      guardEmails: file.playbooks?.guard_emails ?? false,
    },
    permissions: { admins: resolveAdmins(file.people ?? {}, file.permissions?.admins ?? Object.keys(file.people ?? {})) },
    incidents: {
      roles: file.incidents?.roles ?? [...DEFAULT_INCIDENT_ROLES],
      verification: file.incidents?.verification ?? [...DEFAULT_VERIFICATION],
      firstUpdateMs,
    },
  });
}

/** Roles and user ids -> one entry per person, in the order first named, with the roles they hold. */
function resolveAdmins(people: Record<string, string>, names: readonly string[]): PermissionsPolicy['admins'] {
  const admins: PermissionsPolicy['admins'] = [];
  for (const name of names) {
    const userId = people[name] ?? name;
    let admin = admins.find((a) => a.userId === userId);
    if (!admin) admins.push((admin = { userId, roles: [] }));
    if (people[name] && !admin.roles.includes(name)) admin.roles.push(name);
  }
  return admins;
}
