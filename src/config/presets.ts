/**
 * The built-in defaults: DESIGN.md's table as data. A policy file only states where it differs.
 * Severity scales share ranks (0 = most severe), so rules say "rank 0" and every scale's names work.
 */
import { HOUR, MINUTE } from '../time/clock.js';
import type { PolicyDuration } from './duration.js';

export const PRESET_NAMES = ['p0-p3', 'sev0-sev3', 'p1-p4'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface Severity {
  id: string;
  /** 0 is the most severe. */
  rank: number;
  label: string;
  description: string;
}

const DESCRIPTIONS = [
  ['critical', 'revenue- or trust-critical flow broken in prod, or data exposure'],
  ['high', 'major degradation, a workaround exists'],
  ['medium', 'limited blast radius'],
  ['low', 'a task'],
] as const;

function scale(ids: [string, string, string, string]): Severity[] {
  return ids.map((id, rank) => ({ id, rank, label: DESCRIPTIONS[rank]![0], description: DESCRIPTIONS[rank]![1] }));
}

export const SEVERITY_SCALES: Record<PresetName, Severity[]> = {
  'p0-p3': scale(['P0', 'P1', 'P2', 'P3']),
  'sev0-sev3': scale(['SEV0', 'SEV1', 'SEV2', 'SEV3']),
  'p1-p4': scale(['P1', 'P2', 'P3', 'P4']),
};

export interface EscalationStep {
  /** Wait after the previous step before this one (0 for the first). */
  afterMs: number;
  /** primary | secondary | a role in `people` | a user id (U...) | a user group id (S...) */
  page: string;
  /** Count the wait in business hours only. */
  businessHours: boolean;
}

export interface SeverityEscalation {
  loops: number;
  /** A chat message, not a page. */
  chatOnly: boolean;
  /** Never page outside business hours: wait for the next business start. */
  quietAtNight: boolean;
  steps: EscalationStep[];
}

export type Reminder = { kind: 'until_monitoring'; untilMonitoringMs: number; thenMs: number } | { kind: 'every'; everyMs: number };

export interface NotifyRule {
  when: 'declared' | 'unresolved' | 'unmitigated';
  severity: string;
  tags: string[];
  afterMs: number;
  who: string;
}

export interface HandoffField {
  label: string;
  hint?: string;
  required: boolean;
  multiline: boolean;
}

const field = (label: string, required = false): HandoffField => ({ label, required, multiline: true });

/** Seed 000 (support), seed 002 (Sovren weekly handoff), seed 003 (weekly ops handoff). */
export const HANDOFF_TEMPLATE_PRESETS: Record<string, HandoffField[]> = {
  support: [
    field('Current status', true),
    field('Affected environment'),
    field('Known impact'),
    field('Recent changes checked'),
    field('Logs/dashboards checked'),
    field('Next recommended action', true),
    field('Open risks'),
    field('Links'),
  ],
  sovren: [field('Active incidents', true), field('Elevated risk areas'), field('Changes made during shift'), field('Action items handed off')],
  weekly: [field('Active issues', true), field('Recent incidents'), field('Infrastructure changes'), field('Upcoming maintenance'), field('Things to watch')],
};

/** Defaults by rank (0..3), named per scale when a preset is resolved. */
export interface RankDefaults {
  ackSlaMs: Array<number | null>;
  escalation: Array<SeverityEscalation | null>;
  reminders: Array<Reminder | null>;
  postmortemRequired: number[];
  postmortemDue: PolicyDuration;
  notify: Array<Omit<NotifyRule, 'severity'> & { rank: number }>;
}

const step = (afterMs: number, page: string, businessHours = false): EscalationStep => ({ afterMs, page, businessHours });

export const RANK_DEFAULTS: RankDefaults = {
  ackSlaMs: [5 * MINUTE, 15 * MINUTE, 30 * MINUTE, null],
  escalation: [
    {
      loops: 2,
      chatOnly: false,
      quietAtNight: false,
      steps: [step(0, 'primary'), step(15 * MINUTE, 'secondary'), step(15 * MINUTE, 'engineering_lead'), step(15 * MINUTE, 'cto')],
    },
    {
      loops: 2,
      chatOnly: false,
      quietAtNight: false,
      steps: [step(0, 'primary'), step(45 * MINUTE, 'secondary'), step(15 * MINUTE, 'engineering_lead'), step(15 * MINUTE, 'cto')],
    },
    { loops: 1, chatOnly: true, quietAtNight: true, steps: [step(0, 'primary'), step(4 * HOUR, 'secondary', true)] },
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
    { when: 'declared', rank: 0, tags: [], afterMs: 0, who: 'engineering_lead' },
    { when: 'declared', rank: 0, tags: ['data', 'security'], afterMs: 0, who: 'cto' },
    { when: 'unresolved', rank: 1, tags: [], afterMs: HOUR, who: 'engineering_lead' },
    { when: 'unmitigated', rank: 0, tags: [], afterMs: 2 * HOUR, who: 'cto' },
  ],
};
