/**
 * The built-in defaults: DESIGN.md's table as data. A policy file only states where it differs.
 * Severity scales share ranks (0 = most severe), so defaults are written per rank and every scale's names
 * work: "rank 0" is P0 in p0-p3, SEV0 in sev0-sev3 and P1 in p1-p4.
 */
import { HOUR, MINUTE } from '../time/clock.js';
import type { PolicyDuration } from './duration.js';
import { pageTargetOf, type PageTarget } from './policy-target.js';

export const PRESET_NAMES = ['p0-p3', 'sev0-sev3', 'p1-p4'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export const DEFAULT_PRESET: PresetName = 'p0-p3';

export interface Severity {
  id: string;
  /** 0 is the most severe, 3 the least. */
  rank: number;
  label: string;
  description: string;
}

/** DESIGN.md's wording, by rank. */
const DESCRIPTIONS = [
  ['critical', 'revenue- or trust-critical flow broken in prod, data exposure'],
  ['high', 'major degradation, workaround exists'],
  ['medium', 'limited blast radius'],
  ['low', 'task'],
] as const;

function scale(ids: [string, string, string, string]): Severity[] {
  return ids.map((id, rank) => ({ id, rank, label: DESCRIPTIONS[rank]![0], description: DESCRIPTIONS[rank]![1] }));
}

export const SEVERITY_SCALES: Record<PresetName, Severity[]> = {
  'p0-p3': scale(['P0', 'P1', 'P2', 'P3']),
  'sev0-sev3': scale(['SEV0', 'SEV1', 'SEV2', 'SEV3']),
  // P1 is the most severe here (seed 003), so P1 has rank 0.
  'p1-p4': scale(['P1', 'P2', 'P3', 'P4']),
};

/** The rank (0 = most severe) of a severity id on a scale, or null when the scale has no such id. */
export function severityRank(severities: readonly Severity[], id: string): number | null {
  return severities.find((s) => s.id === id)?.rank ?? null;
}

export interface EscalationStep {
  /** Wait after the previous step before this one (0 for the first). */
  afterMs: number;
  /** Whom the step pages, parsed from the file's `page:` (policy-target.ts). */
  target: PageTarget;
  /** A way beyond Slack the step also reaches its people through at once (seed 003: the CTO by phone); null: the DM alone. */
  via: StepVia | null;
  /** Count the wait in business hours only. */
  businessHours: boolean;
}

export interface SeverityEscalation {
  /** How many times the whole chain runs before the channel is told nobody acknowledged. */
  loops: number;
  /** A chat message, not a page. */
  chatOnly: boolean;
  /** Never page outside business hours: wait for the next business start. */
  quietAtNight: boolean;
  /**
   * A task, not a page (seed 001's SEV-3 "log as a task", seed 003's P4 "next business day"): one message in
   * the rotation's channel, no DM, no chain; the ack SLA, if any, is its target.
   */
  task: boolean;
  /** The wait before the chain repeats (and before the end is declared); null: the last step's wait, 15 min if that is zero. */
  repeatAfterMs: number | null;
  steps: EscalationStep[];
}

export type Reminder = { kind: 'until_monitoring'; untilMonitoringMs: number; thenMs: number } | { kind: 'every'; everyMs: number };

export interface NotifyRule {
  /**
   * declared: at declaration; unresolved / unmitigated: `afterMs` after `since` if still so. Unmitigated means
   * what it says: an incident not yet Monitoring or Resolved; a page not resolved.
   */
  when: 'declared' | 'unresolved' | 'unmitigated';
  /** What `afterMs` counts from: the declaration (default) or the acknowledgement (seed 001: "not stabilized within 15 minutes"). */
  since: 'declared' | 'acknowledged';
  /** notify: an FYI, no action needed; page: a page with Acknowledge (seed 002: "P0 at 2 h without mitigation: CTO"). */
  how: 'notify' | 'page';
  severity: string;
  /** The rule applies when the incident has any one of these tags; empty = always. */
  tags: string[];
  afterMs: number;
  /** A role in `people`, a user id (U...) or a user group id (S...). */
  who: string;
}

export interface HandoffField {
  label: string;
  /** Placeholder text in the modal (Slack allows 150 characters). */
  hint?: string;
  required: boolean;
  multiline: boolean;
}

const field = (label: string, hint: string, required = false): HandoffField => ({ label, hint, required, multiline: true });

/** Seed 000 (support), seed 002 (Sovren weekly handoff), seed 003 (weekly ops handoff); hints from the seeds. */
export const HANDOFF_TEMPLATE_PRESETS: Record<string, HandoffField[]> = {
  support: [
    field('Current status', 'What is going on right now', true),
    field('Affected environment', 'local, dev, showcase or prod'),
    field('Known impact', 'Who is affected and how'),
    field('Recent changes checked', 'Deploys and config changes looked at'),
    field('Logs/dashboards checked', 'Where you looked and what you saw'),
    field('Next recommended action', 'What the next person should do first', true),
    field('Open risks', 'What could still go wrong'),
    field('Links', 'Threads, dashboards, tickets'),
  ],
  sovren: [
    field('Active incidents', 'None, or each open P1/P2 with its status', true),
    field('Elevated risk areas', "Recent deployments to watch, flaky alerts or noisy monitors, anything you'd want to know"),
    field('Changes made during shift', 'Runbook updates, alert tuning, configuration changes'),
    field('Action items handed off', 'P2 issues in progress that need continued monitoring'),
  ],
  weekly: [
    field('Active issues', 'Each issue: status, next steps (or None)', true),
    field('Recent incidents', 'Each incident: brief summary, any follow-up needed'),
    field('Infrastructure changes', 'Each change: brief description'),
    field('Upcoming maintenance', 'Date: description (or None scheduled)'),
    field('Things to watch', 'Known flaky tests, degraded services, capacity concerns (or All clear)'),
  ],
};
export const HANDOFF_TEMPLATE_PRESET_NAMES = Object.keys(HANDOFF_TEMPLATE_PRESETS);
export const DEFAULT_HANDOFF_TEMPLATE = 'support';

/** Shift defaults: weekly, handed over Monday 09:00 UTC, the secondary is the next person in the list. */
export const DEFAULT_SHIFT = {
  everyMs: 7 * 24 * HOUR,
  handoff: 'mon 09:00',
  timezone: 'UTC',
  /** A Monday; only the cycle's phase matters when a rotation leaves `start` out. */
  start: '2026-01-05',
  secondaryOffset: 1,
} as const;

export const DEFAULT_TIMEZONE = 'UTC';
export const DEFAULT_BUSINESS_HOURS = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' } as const;
export const DEFAULT_ENVIRONMENTS = ['local', 'dev', 'showcase', 'prod'] as const;
/** A step after the first that leaves `after` out waits this long (DESIGN.md: 15 min per step). */
export const DEFAULT_STEP_AFTER_MS = 15 * MINUTE;

/** Defaults by rank (0..3), named per scale when a preset is resolved. */
/** How a person is reached: Slack, or one of the methods they verified under `/oncall contact`. */
export type WakeVia = 'slack' | 'push' | 'sms' | 'voice' | 'email';
export const WAKE_VIAS: readonly WakeVia[] = ['slack', 'push', 'sms', 'voice', 'email'];
/** The ways beyond Slack an escalation step may name: every step sends its Slack DM anyway. */
export type StepVia = Exclude<WakeVia, 'slack'>;
export const STEP_VIAS: readonly StepVia[] = ['push', 'sms', 'voice', 'email'];

/** While a person's page is unacknowledged: this long after they were paged, reach them this way too. */
export interface WakeStep {
  afterMs: number;
  via: WakeVia;
}

export interface RankDefaults {
  /** null: no acknowledgement deadline. */
  /** Wall time to acknowledge, counted from when the first person is told. */
  ackSlaMs: Array<number | null>;
  /** null: the severity pages nobody (a P3 is a task). */
  escalation: Array<SeverityEscalation | null>;
  reminders: Array<Reminder | null>;
  postmortemRequired: number[];
  postmortemDue: PolicyDuration;
  notify: Array<Omit<NotifyRule, 'severity'> & { rank: number }>;
  /** First status update due after declaration (seed 003: 30 min, 1 h, 4 h, none). */
  firstUpdateMs: Array<number | null>;
  /** Beyond Slack: the most severe pages push at 1 min and call at 3 (Do Not Disturb holds a DM), the next push. */
  wake: WakeStep[][];
}

// The preset names no people: its roles (engineering_lead, cto) are whoever the file's people say.
const step = (afterMs: number, page: string, businessHours = false): EscalationStep => ({
  afterMs,
  target: pageTargetOf(page, {}),
  via: null,
  businessHours,
});

export const RANK_DEFAULTS: RankDefaults = {
  // P2's 30 min counts from when the chat message is sent; quiet_at_night keeps that inside business hours.
  ackSlaMs: [5 * MINUTE, 15 * MINUTE, 30 * MINUTE, null],
  escalation: [
    {
      loops: 2,
      chatOnly: false,
      quietAtNight: false,
      task: false,
      repeatAfterMs: null,
      steps: [step(0, 'primary'), step(15 * MINUTE, 'secondary'), step(15 * MINUTE, 'engineering_lead'), step(15 * MINUTE, 'cto')],
    },
    {
      loops: 2,
      chatOnly: false,
      quietAtNight: false,
      task: false,
      repeatAfterMs: null,
      steps: [step(0, 'primary'), step(45 * MINUTE, 'secondary'), step(15 * MINUTE, 'engineering_lead'), step(15 * MINUTE, 'cto')],
    },
    // One round: a chat-only P2 that reached the secondary in business hours has been seen; it is not re-sent.
    {
      loops: 1,
      chatOnly: true,
      quietAtNight: true,
      task: false,
      repeatAfterMs: null,
      steps: [step(0, 'primary'), step(4 * HOUR, 'secondary', true)],
    },
    null,
  ],
  reminders: [
    { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
    { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
    { kind: 'every', everyMs: 60 * MINUTE },
    null,
  ],
  postmortemRequired: [0, 1],
  postmortemDue: { kind: 'business_days', days: 2 },
  notify: [
    { when: 'declared', since: 'declared', how: 'notify', rank: 0, tags: [], afterMs: 0, who: 'engineering_lead' },
    // "leadership too" for data or security: the CTO, the top of the chain.
    { when: 'declared', since: 'declared', how: 'notify', rank: 0, tags: ['data', 'security'], afterMs: 0, who: 'cto' },
    // Seed 002's escalation matrix, which the paging tests rely on: the lead at 1 h of an unresolved P1,
    // the CTO at 2 h of an unmitigated P0.
    { when: 'unresolved', since: 'declared', how: 'notify', rank: 1, tags: [], afterMs: HOUR, who: 'engineering_lead' },
    { when: 'unmitigated', since: 'declared', how: 'notify', rank: 0, tags: [], afterMs: 2 * HOUR, who: 'cto' },
  ],
  firstUpdateMs: [30 * MINUTE, HOUR, 4 * HOUR, null],
  wake: [
    [
      { afterMs: 0, via: 'slack' },
      { afterMs: MINUTE, via: 'push' },
      { afterMs: 3 * MINUTE, via: 'voice' },
    ],
    [
      { afterMs: 0, via: 'slack' },
      { afterMs: 5 * MINUTE, via: 'push' },
    ],
    [{ afterMs: 0, via: 'slack' }],
    [{ afterMs: 0, via: 'slack' }],
  ],
};

/** Seed 001's roles besides the commander. */
export const DEFAULT_INCIDENT_ROLES = ['support ops lead', 'comms'];
/** Seed 004's "Resolve and verify", in words that fit any team. */
export const DEFAULT_VERIFICATION = [
  'The error no longer reproduces',
  'Monitors and synthetic checks are green',
  'No related alert for one alert cycle',
];

/** Seed 000's triage checklist; its last step decides what this is. */
export const DEFAULT_CHECKLIST = [
  'Confirm the environment: local, dev, showcase or prod',
  'Confirm user identity and permissions without exposing sensitive data',
  'Check recent deploys (frontend and backend)',
  'Check health endpoints and the front-end load path',
  'Check provider dependencies',
  'Reproduce with the narrowest workflow possible',
  'Decide: incident, bug, configuration issue or user support',
];

export interface TriggerRule {
  label: string;
  /** primary | secondary | a role in `people` | a user id */
  who: string;
  how: 'page' | 'notify';
  /** Raise the incident to this severity when marked (null: leave it). */
  raiseTo: string | null;
}

/** Seeds 000, 001 and 004's escalation triggers; `raiseRank` 0 is the top severity of the scale in use. */
export const DEFAULT_TRIGGERS: Record<string, Omit<TriggerRule, 'raiseTo'> & { raiseRank: number | null }> = {
  'monitors-failing': { label: 'Several monitoring channels fail at the same time', who: 'secondary', how: 'page', raiseRank: 0 },
  'payment-failing': { label: 'The payment or checkout flow is failing', who: 'engineering_lead', how: 'page', raiseRank: 0 },
  'data-exposure': { label: 'Suspected cross-user data exposure or PII leak', who: 'cto', how: 'page', raiseRank: 0 },
  'auth-failure': { label: 'Authentication or authorization is failing', who: 'engineering_lead', how: 'notify', raiseRank: null },
  'customer-comms': { label: 'Customers receive wrong or confusing replies', who: 'support_ops_lead', how: 'notify', raiseRank: null },
};
