/**
 * The policy file (the team's on-call wiki page as YAML) -> a resolved Policy with every default filled in
 * and every duration in ms, so the rest of the app never sees raw YAML. Every problem is reported at once,
 * each as `file:line path: reason`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { DAY } from '../time/clock.js';
import type { PolicyDuration } from './duration.js';
import { policyFileSchema, WEEKDAYS, type PolicyFile } from './policy-schema.js';
import {
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
} from './presets.js';

export type { EscalationStep, HandoffField, NotifyRule, Reminder, Severity, SeverityEscalation } from './presets.js';

export interface BusinessHoursPolicy {
  zone: string;
  /** 0 = Sunday .. 6 = Saturday */
  days: number[];
  start: string;
  end: string;
}

export interface RotationPolicy {
  name: string;
  members: string[];
  shift: { everyMs: number; handoffWeekday: number; handoffTime: string; timezone: string; start: string };
  /** Shifts between primary and secondary; null when the rotation has no secondary. */
  secondaryOffset: number | null;
  channel: string | null;
  alertsChannel: string | null;
  usergroup: string | null;
  handoffTemplate: string;
  escalation: string;
  shadows: string[];
}

export type Integration = NonNullable<PolicyFile['integrations']>[string];

export interface Policy {
  preset: PresetName;
  severities: Severity[];
  timezone: string;
  businessHours: BusinessHoursPolicy;
  people: Record<string, string>;
  channels: Record<string, string>;
  environments: string[];
  services: string[];
  rotations: Record<string, RotationPolicy>;
  /** policy name -> severity id -> chain (a severity without a chain pages nobody). */
  escalation: Record<string, Record<string, SeverityEscalation>>;
  ackSlaMs: Record<string, number | null>;
  notify: NotifyRule[];
  reminders: Record<string, Reminder>;
  postmortem: { required: string[]; due: Record<string, PolicyDuration> };
  handoffTemplates: Record<string, HandoffField[]>;
  integrations: Record<string, Integration>;
}

export class PolicyError extends Error {
  constructor(
    readonly fileName: string,
    readonly problems: string[],
  ) {
    super(
      problems.length === 1 && problems[0]!.startsWith('Cannot read')
        ? problems[0]!
        : [`The policy file ${fileName} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:`, ...problems].join('\n'),
    );
    this.name = 'PolicyError';
  }
}

type PathKey = string | number;

function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out || '(top level)';
}

/** The 1-based line of the key (or item) at `path`, or of its nearest existing parent. */
function lineOf(doc: Document, counter: LineCounter, path: readonly PathKey[]): number {
  for (let depth = path.length; depth > 0; depth -= 1) {
    const parent = doc.getIn(path.slice(0, depth - 1), true);
    const last = path[depth - 1];
    if (isMap(parent)) {
      // The key's own line: a nested map's value starts on the line below its key.
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
    } else if (isSeq(parent) && typeof last === 'number') {
      const range = (parent.items[last] as { range?: [number, number, number] } | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
    }
  }
  return 1;
}

/** Which names a step, notification or permission may use for people. */
function isPersonTarget(target: string, people: Record<string, string>, allowRotationRoles: boolean): boolean {
  if (allowRotationRoles && (target === 'primary' || target === 'secondary')) return true;
  return target in people || /^[UW][A-Z0-9]+$/.test(target) || /^S[A-Z0-9]+$/.test(target);
}

interface Problem {
  path: PathKey[];
  message: string;
}

function resolve(file: PolicyFile): { policy: Policy; problems: Problem[] } {
  const problems: Problem[] = [];
  const preset = file.preset ?? 'p0-p3';
  const severities = SEVERITY_SCALES[preset];
  const ids = severities.map((s) => s.id);
  const byRank = (rank: number) => severities[rank]!.id;
  const checkSeverity = (id: string, path: PathKey[]) => {
    if (!ids.includes(id)) problems.push({ path, message: `unknown severity "${id}" for preset ${preset} (expected one of ${ids.join(', ')})` });
  };

  const timezone = file.timezone ?? 'UTC';
  const people = file.people ?? {};
  const bhDays = file.business_hours?.days ?? ['mon', 'tue', 'wed', 'thu', 'fri'];
  const businessHours: BusinessHoursPolicy = {
    zone: timezone,
    days: bhDays.map((d) => WEEKDAYS.indexOf(d)),
    start: file.business_hours?.start ?? '09:00',
    end: file.business_hours?.end ?? '18:00',
  };
  if (businessHours.start >= businessHours.end) {
    problems.push({ path: ['business_hours', 'end'], message: `expected an end after the start (${businessHours.start}), got "${businessHours.end}"` });
  }

  const defaultChains: Record<string, SeverityEscalation> = {};
  RANK_DEFAULTS.escalation.forEach((chain, rank) => {
    if (chain) defaultChains[byRank(rank)] = chain;
  });
  const escalation: Record<string, Record<string, SeverityEscalation>> = { default: defaultChains };
  for (const [name, chains] of Object.entries(file.escalation ?? {})) {
    const resolved: Record<string, SeverityEscalation> = name === 'default' ? { ...defaultChains } : {};
    for (const [severity, chain] of Object.entries(chains)) {
      checkSeverity(severity, ['escalation', name, severity]);
      chain.steps.forEach((s, i) => {
        if (!isPersonTarget(s.page, people, true)) {
          problems.push({
            path: ['escalation', name, severity, 'steps', i, 'page'],
            message: `"${s.page}" is not primary, secondary, a role under people (${Object.keys(people).join(', ') || 'none defined'}), a user id (U...) or a user group id (S...)`,
          });
        }
      });
      resolved[severity] = {
        loops: chain.loops ?? (chain.chat_only ? 1 : 2),
        chatOnly: chain.chat_only ?? false,
        quietAtNight: chain.quiet_at_night ?? false,
        steps: chain.steps.map((s, i): EscalationStep => ({ afterMs: i === 0 ? (s.after ?? 0) : (s.after ?? 15 * 60_000), page: s.page, businessHours: s.business_hours ?? false })),
      };
    }
    escalation[name] = resolved;
  }

  const handoffTemplates: Record<string, HandoffField[]> = { ...HANDOFF_TEMPLATE_PRESETS };
  for (const [name, fields] of Object.entries(file.handoff_templates ?? {})) {
    handoffTemplates[name] = fields.map((f) => ({ label: f.label, hint: f.hint, required: f.required ?? false, multiline: f.multiline ?? true }));
  }

  const rotations: Record<string, RotationPolicy> = {};
  for (const [name, r] of Object.entries(file.rotations ?? {})) {
    const [day, time] = (r.shift?.handoff ?? 'mon 09:00').split(' ') as [string, string];
    const escalationName = r.escalation ?? 'default';
    if (!escalation[escalationName]) {
      problems.push({ path: ['rotations', name, 'escalation'], message: `no escalation policy named "${escalationName}" (defined: ${Object.keys(escalation).join(', ')})` });
    }
    const template = r.handoff_template ?? 'support';
    if (!handoffTemplates[template]) {
      problems.push({ path: ['rotations', name, 'handoff_template'], message: `no handoff template named "${template}" (presets: support, sovren, weekly; or define it under handoff_templates)` });
    }
    const everyMs = r.shift?.every ?? 7 * DAY;
    if (everyMs % DAY !== 0) {
      problems.push({ path: ['rotations', name, 'shift', 'every'], message: `expected whole days such as "1d", "3d" or "1w", got ${everyMs / 3_600_000} hours` });
    }
    rotations[name] = {
      name,
      members: r.members,
      shift: { everyMs, handoffWeekday: WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number]), handoffTime: time, timezone: r.shift?.timezone ?? 'UTC', start: r.shift?.start ?? '2026-01-05' },
      secondaryOffset: r.secondary_offset === 'none' ? null : (r.secondary_offset ?? 1),
      channel: r.channel ?? null,
      alertsChannel: r.alerts_channel ?? null,
      usergroup: r.usergroup ?? null,
      handoffTemplate: template,
      escalation: escalationName,
      shadows: r.shadows ?? [],
    };
  }

  const ackSlaMs: Record<string, number | null> = {};
  RANK_DEFAULTS.ackSlaMs.forEach((ms, rank) => (ackSlaMs[byRank(rank)] = ms));
  for (const [severity, value] of Object.entries(file.ack_sla ?? {})) {
    checkSeverity(severity, ['ack_sla', severity]);
    ackSlaMs[severity] = value === 'none' ? null : value;
  }

  const notify: NotifyRule[] = file.notify
    ? file.notify.map((n, i) => {
        checkSeverity(n.severity, ['notify', i, 'severity']);
        if (!isPersonTarget(n.who, people, true)) problems.push({ path: ['notify', i, 'who'], message: `"${n.who}" is not a role under people, a user id (U...) or a user group id (S...)` });
        return { when: n.when, severity: n.severity, tags: n.tags ?? [], afterMs: n.after ?? 0, who: n.who };
      })
    : RANK_DEFAULTS.notify.map(({ rank, ...rule }) => ({ ...rule, severity: byRank(rank) }));

  const reminders: Record<string, Reminder> = {};
  RANK_DEFAULTS.reminders.forEach((r, rank) => {
    if (r) reminders[byRank(rank)] = r;
  });
  for (const [severity, r] of Object.entries(file.reminders ?? {})) {
    checkSeverity(severity, ['reminders', severity]);
    reminders[severity] = 'every' in r ? { kind: 'every', everyMs: r.every } : { kind: 'until_monitoring', untilMonitoringMs: r.until_monitoring, thenMs: r.then };
  }

  const required = file.postmortem?.required ?? RANK_DEFAULTS.postmortemRequired.map(byRank);
  required.forEach((s, i) => checkSeverity(s, ['postmortem', 'required', i]));
  const due: Record<string, PolicyDuration> = {};
  for (const s of required) due[s] = RANK_DEFAULTS.postmortemDue;
  for (const [severity, d] of Object.entries(file.postmortem?.due ?? {})) {
    checkSeverity(severity, ['postmortem', 'due', severity]);
    due[severity] = d;
  }

  const integrations = file.integrations ?? {};
  for (const [name, integration] of Object.entries(integrations)) {
    integration.routes.forEach((route, i) => {
      if (!rotations[route.rotation]) {
        problems.push({ path: ['integrations', name, 'routes', i, 'rotation'], message: `no rotation named "${route.rotation}" (defined: ${Object.keys(rotations).join(', ') || 'none'})` });
      }
      if (route.severity) checkSeverity(route.severity, ['integrations', name, 'routes', i, 'severity']);
    });
    for (const [label, severity] of Object.entries(integration.severity?.map ?? {})) checkSeverity(severity, ['integrations', name, 'severity', 'map', label]);
    if (integration.severity?.default) checkSeverity(integration.severity.default, ['integrations', name, 'severity', 'default']);
  }

  const policy: Policy = {
    preset,
    severities,
    timezone,
    businessHours,
    people,
    channels: file.channels ?? {},
    environments: file.environments ?? ['local', 'dev', 'showcase', 'prod'],
    services: file.services ?? [],
    rotations,
    escalation,
    ackSlaMs,
    notify,
    reminders,
    postmortem: { required, due },
    handoffTemplates,
    integrations,
  };
  return { policy, problems };
}

/** Parses policy YAML; `fileName` is what error lines start with. Throws PolicyError listing every problem. */
export function parsePolicyText(text: string, fileName: string): Policy {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      fileName,
      doc.errors.map((e) => `${fileName}:${e.linePos?.[0]?.line ?? 1} YAML syntax: ${e.message.split('\n')[0]}`),
    );
  }
  const raw = doc.toJS() ?? {};
  const parsed = policyFileSchema.safeParse(raw);
  const at = (path: readonly PathKey[]) => `${fileName}:${lineOf(doc, counter, path)}`;
  if (!parsed.success) {
    const lines = parsed.error.issues.flatMap((issue) => {
      const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${at([...path, key])} ${formatPath([...path, key])}: unknown key "${key}" (check the spelling; see policy.example.yml for every key)`);
      }
      const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required here' : issue.message;
      return [`${at(path)} ${formatPath(path)}: ${message}`];
    });
    throw new PolicyError(fileName, lines);
  }
  const { policy, problems } = resolve(parsed.data);
  if (problems.length > 0) throw new PolicyError(fileName, problems.map((p) => `${at(p.path)} ${formatPath(p.path)}: ${p.message}`));
  return policy;
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PolicyError(basename(path), [
      `Cannot read the policy file "${path}": set POLICY_PATH to your policy file, or copy policy.example.yml there and edit it.`,
    ]);
  }
  return parsePolicyText(text, basename(path));
}

/** The preset alone: DESIGN.md's defaults, no rotations. */
export function defaultPolicy(): Policy {
  return parsePolicyText('{}', '(built-in preset)');
}
