/**
 * The policy file's shape, as written by people, and the checks between its parts.
 * Unknown keys are errors (a typo such as `afer: 15m` must not be silently ignored); every key is optional,
 * the preset fills the rest (see policy.ts). Durations are converted here, so a bad one is reported at its key.
 */
import { z } from 'zod';
import { DAY } from '../time/clock.js';
import { durationWords } from '../time/duration-words.js';
import { legacyZoneAdvice } from '../time/zoned.js';
import { DurationError, durationHint, parseDuration, parsePolicyDuration } from './duration.js';
import {
  DEFAULT_BUSINESS_HOURS,
  DEFAULT_PRESET,
  DEFAULT_SHIFT,
  WAKE_VIAS,
  HANDOFF_TEMPLATE_PRESET_NAMES,
  PRESET_NAMES,
  RANK_DEFAULTS,
  SEVERITY_SCALES,
  STEP_VIAS,
} from './presets.js';
import { pageTargetForms, pageTargetText, parsePageTarget, SLACK_USER_ID, SLACK_USERGROUP_ID } from './policy-target.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const INTEGRATION_FORMATS = ['alertmanager', 'grafana', 'sentry', 'pagerduty-events-v2', 'uptime-kuma', 'generic'] as const;

const show = (value: unknown) => JSON.stringify(value);

/** Intl is the IANA database the rest of the app formats with, so what it accepts works everywhere. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A real calendar date: "2026-02-30" passes a pattern but is no day. */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

/** Reads a duration from text; `accept` may refuse a well-formed one with its own reason. */
function durationField<T>(
  parse: (text: string) => T,
  hint: (value: unknown) => string,
  accept?: (value: T, text: string) => string | null,
) {
  return z.unknown().transform((value, ctx) => {
    if (typeof value !== 'string') {
      ctx.addIssue({ code: 'custom', message: hint(value) });
      return z.NEVER;
    }
    try {
      const parsed = parse(value);
      const refusal = accept?.(parsed, value) ?? null;
      if (refusal) ctx.addIssue({ code: 'custom', message: refusal });
      return refusal ? z.NEVER : parsed;
    } catch (error) {
      // The field's own hint for text that is no duration (it may mention business days); the exact reason otherwise.
      ctx.addIssue({
        code: 'custom',
        message: error instanceof DurationError && error.reason === 'not_positive' ? error.message : hint(value),
      });
      return z.NEVER;
    }
  });
}

export const wallDuration = durationField(parseDuration, durationHint);

const businessAwareHint = (value: unknown) =>
  `expected a duration like "24h", "4 business hours" or "2 business days", got ${value === null ? 'nothing' : show(value)}`;
export const policyDuration = durationField(parsePolicyDuration, businessAwareHint);

// Shifts are counted in calendar days so handoffs stay at the same wall time across DST.
export const shiftLength = durationField(parseDuration, durationHint, (ms, text) =>
  ms % DAY === 0 ? null : `expected whole days such as "1d", "3d" or "1w", got ${show(text)}`,
);

const timeZone = z
  .string()
  .refine(isTimeZone, { error: (issue) => `expected an IANA time zone such as "Europe/London" or "UTC", got ${show(issue.input)}` })
  .refine((zone) => legacyZoneAdvice(zone) === null, {
    error: (issue) => legacyZoneAdvice(String(issue.input)) ?? 'expected an IANA time zone',
  });

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: (i) => `expected a time like "09:00", got ${show(i.input)}` });

const slackUser = z.string().regex(SLACK_USER_ID, { error: (i) => `expected a Slack user id like "U0123ABCD", got ${show(i.input)}` });
const slackChannel = z
  .string()
  .regex(/^[CGD][A-Z0-9]+$/, { error: (i) => `expected a Slack channel id like "C0123ABCD", got ${show(i.input)}` });
const slackUsergroup = z
  .string()
  .regex(SLACK_USERGROUP_ID, { error: (i) => `expected a user group id like "S0123ABCD", got ${show(i.input)}` });

const weekday = z.enum(WEEKDAYS, { error: (i) => `expected a weekday (${WEEKDAYS.join(', ')}), got ${show(i.input)}` });

const handoffAt = z.string().regex(/^(sun|mon|tue|wed|thu|fri|sat) ([01]\d|2[0-3]):[0-5]\d$/, {
  error: (i) => `expected a weekday and time like "mon 09:00", got ${show(i.input)}`,
});

const calendarDate = z.string().refine(isCalendarDate, { error: (i) => `expected a date like "2026-01-05", got ${show(i.input)}` });

const rotationSchema = z.strictObject({
  members: z.array(slackUser).min(1, { error: 'a rotation needs at least one member' }),
  shift: z
    .strictObject({
      every: shiftLength.optional(),
      handoff: handoffAt.optional(),
      timezone: timeZone.optional(),
      /** The first shift, member 1 primary. */
      start: calendarDate.optional(),
    })
    .optional(),
  secondary_offset: z
    .union([z.number().int().min(1), z.literal('none')], {
      error: (i) => `expected a whole number of shifts (1 or more) or "none", got ${show(i.input)}`,
    })
    .optional(),
  /** The secondary hands off this long after the primary (whole days, less than a shift): a staggered pair. */
  secondary_handoff_after: shiftLength.optional(),
  channel: slackChannel.optional(),
  alerts_channel: slackChannel.optional(),
  /** Kept pointed at the primary. */
  usergroup: slackUsergroup.optional(),
  handoff_template: z.string().min(1).optional(),
  escalation: z.string().min(1).optional(),
  /** People in their first rotation, who shadow a week before taking primary (seed 002). */
  shadows: z.array(slackUser).optional(),
});

const stepSchema = z.strictObject({
  after: wallDuration.optional(),
  // Parsed into a PageTarget by the loader (policy-target.ts); checkReferences says what a wrong one should be.
  page: z.string().min(1),
  /** Also reach the step's people this way at once, if they verified it (seed 003: the CTO by phone). */
  via: z
    .enum(STEP_VIAS, {
      error: (i) =>
        i.input === 'slack'
          ? 'every step sends a Slack DM already: via names a way beyond it (push, sms, voice or email); remove via for Slack alone'
          : `expected one of ${STEP_VIAS.join(', ')}, got ${show(i.input)}`,
    })
    .optional(),
  business_hours: z.boolean().optional(),
});

const severityEscalationSchema = z.strictObject({
  loops: z.number().int().min(1).max(10).optional(),
  chat_only: z.boolean().optional(),
  quiet_at_night: z.boolean().optional(),
  /** A task, not a page: one message in the rotation's channel, no DM, no chain (steps are not used). */
  task: z.boolean().optional(),
  /** The wait before the chain repeats, when it is not the last step's (seed 003: the CTO step has no delay, the repeat does). */
  repeat_after: wallDuration.optional(),
  // Optional: left out, the preset's steps for this severity stay (checked in checkReferences).
  steps: z.array(stepSchema).min(1, { error: 'an escalation needs at least one step' }).optional(),
});

const NOTIFY_WHEN = ['declared', 'unresolved', 'unmitigated'] as const;

const wakeStepSchema = z.strictObject({
  /** How long after the person was paged; 0 (or left out): at once. */
  after: z
    .union([z.literal(0), wallDuration], { error: (i) => `expected a delay like "1m" or 0 for at once, got ${show(i.input)}` })
    .optional(),
  via: z.enum(WAKE_VIAS, { error: (i) => `expected one of ${WAKE_VIAS.join(', ')}, got ${show(i.input)}` }),
});

const notifySchema = z
  .strictObject({
    when: z.enum(NOTIFY_WHEN),
    severity: z.string(),
    tags: z.array(z.string()).optional(),
    after: wallDuration.optional(),
    /** What `after` counts from: declared (default) or acknowledged. */
    since: z.enum(['declared', 'acknowledged']).optional(),
    /** notify (default): an FYI; page: a page with Acknowledge. */
    how: z.enum(['notify', 'page']).optional(),
    who: z.string().min(1),
  })
  .superRefine((rule, ctx) => {
    if (rule.when !== 'declared' && rule.after === undefined) {
      ctx.addIssue({ code: 'custom', path: ['after'], message: `is required when "when" is ${rule.when}, e.g. after: 1h` });
    }
    if (rule.when === 'declared' && rule.since === 'acknowledged') {
      ctx.addIssue({
        code: 'custom',
        path: ['since'],
        message:
          'a rule "when: declared" fires at declaration; for a rule after the acknowledgement write when: unmitigated (or unresolved) with after: and since: acknowledged',
      });
    }
  });

// One object rather than a union, so a slip names the key instead of "matches neither form".
const reminderSchema = z
  // biome-ignore lint/suspicious/noThenProperty: `then: 30m` is the policy's own key (reminders after Monitoring); this object is never awaited
  .strictObject({ until_monitoring: wallDuration.optional(), then: wallDuration.optional(), every: wallDuration.optional() })
  .superRefine((r, ctx) => {
    const cadence = r.until_monitoring !== undefined || r.then !== undefined;
    if (r.every !== undefined && cadence) {
      ctx.addIssue({ code: 'custom', message: 'expected either { every: 60m } or { until_monitoring: 15m, then: 30m }, not both' });
    } else if (r.every === undefined && (r.until_monitoring === undefined || r.then === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected { until_monitoring: 15m, then: 30m } or { every: 60m }' });
    }
  });

const handoffFieldSchema = z.strictObject({
  label: z.string().min(1).max(60, { error: 'keep a label to 60 characters; put the detail in hint' }),
  hint: z.string().max(150, { error: 'a hint is at most 150 characters (Slack limits placeholders)' }).optional(),
  required: z.boolean().optional(),
  multiline: z.boolean().optional(),
});

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, { error: (i) => `expected an environment variable name like "ALERT_TOKEN", got ${show(i.input)}` });

const AUTH_KINDS = ['bearer_env', 'basic_env', 'sentry_secret_env', 'routing_key_env', 'hmac_sha256_env'] as const;

const authSchema = z
  .strictObject({
    bearer_env: envName.optional(),
    basic_env: z.strictObject({ user: envName, password: envName }).optional(),
    sentry_secret_env: envName.optional(),
    routing_key_env: envName.optional(),
    hmac_sha256_env: envName.optional(),
    /** The signature header for hmac_sha256_env (default X-Signature). */
    header: z.string().min(1).optional(),
  })
  .superRefine((auth, ctx) => {
    if (!AUTH_KINDS.some((kind) => auth[kind] !== undefined)) {
      ctx.addIssue({ code: 'custom', message: `expected one of ${AUTH_KINDS.join(', ')} (or leave auth out to accept anyone)` });
    }
    if (auth.header !== undefined && auth.hmac_sha256_env === undefined) {
      ctx.addIssue({ code: 'custom', path: ['header'], message: 'header only applies with hmac_sha256_env' });
    }
  });

/**
 * What alert grouping may compare (`grouping.by`): the normalized alert's service, its name (Alertmanager's and
 * Grafana's `alertname` label, else its title), the source's severity word, its title, or any of its labels as
 * `labels.<name>`. The integration and the rotation it routes to are always part of a group's identity.
 */
export const GROUPING_FIELDS = ['service', 'alertname', 'severity', 'summary'] as const;
export const GROUPING_LABEL_PREFIX = 'labels.';

export const isGroupingField = (field: string): boolean =>
  (GROUPING_FIELDS as readonly string[]).includes(field) ||
  (field.startsWith(GROUPING_LABEL_PREFIX) && field.length > GROUPING_LABEL_PREFIX.length);

export const groupingField = z.string().refine(isGroupingField, {
  error: (i) =>
    `expected one of ${GROUPING_FIELDS.join(', ')} or labels.<name> (one of the alert's labels, e.g. labels.cluster), got ${show(i.input)}`,
});

/** `grouping: { by: [service, alertname], window: 5m }`: alerts alike in `by` within `window` are one group, one page. */
const groupingSchema = z.strictObject({
  by: z.array(groupingField).optional(),
  window: wallDuration.optional(),
});

const integrationSchema = z.strictObject({
  format: z.enum(INTEGRATION_FORMATS, { error: (i) => `expected one of ${INTEGRATION_FORMATS.join(', ')}, got ${show(i.input)}` }),
  auth: authSchema.optional(),
  routes: z
    .array(
      z.strictObject({ match: z.record(z.string(), z.string()).optional(), rotation: z.string().min(1), severity: z.string().optional() }),
    )
    .min(1, { error: 'an integration needs at least one route' }),
  severity: z
    .strictObject({
      from_label: z.string().min(1).optional(),
      map: z.record(z.string(), z.string()).optional(),
      default: z.string().optional(),
    })
    .optional(),
  grouping: groupingSchema.optional(),
  /** A group of this integration declares an incident: `true` at every severity, or the severities that do (`[P0]`). */
  declare_incident: z
    .union([z.boolean(), z.array(z.string().min(1)).min(1, { error: 'list at least one severity (such as [P0]), or write false' })], {
      error: (i) =>
        `expected true, false or a list of severities such as [P0] (the groups at those severities declare an incident), got ${show(i.input)}`,
    })
    .optional(),
});

const businessHoursSchema = z
  .strictObject({
    days: z.array(weekday).min(1, { error: 'expected at least one weekday' }).optional(),
    start: clockTime.optional(),
    end: clockTime.optional(),
  })
  .superRefine((hours, ctx) => {
    const start = hours.start ?? DEFAULT_BUSINESS_HOURS.start;
    const end = hours.end ?? DEFAULT_BUSINESS_HOURS.end;
    // "HH:MM" strings compare like times.
    if (start >= end)
      ctx.addIssue({
        code: 'custom',
        path: [hours.end ? 'end' : 'start'],
        message: `expected the end (${end}) after the start (${start})`,
      });
  });

export const policyFileSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES, { error: (i) => `expected one of ${PRESET_NAMES.join(', ')}, got ${show(i.input)}` }).optional(),
  timezone: timeZone.optional(),
  business_hours: businessHoursSchema.optional(),
  people: z.record(z.string(), slackUser).optional(),
  channels: z.record(z.string(), slackChannel).optional(),
  environments: z.array(z.string().min(1)).optional(),
  services: z.array(z.string().min(1)).optional(),
  rotations: z.record(z.string(), rotationSchema).optional(),
  escalation: z.record(z.string(), z.record(z.string(), severityEscalationSchema)).optional(),
  /** Acknowledgement deadline per severity ("5m", "4 business hours", "next business day"), or "none"; counted from when the first person is told. */
  ack_sla: z.record(z.string(), z.union([z.literal('none'), policyDuration])).optional(),
  /** Per severity, how a paged person is reached beyond Slack while unacknowledged: [{ after: 1m, via: push }, ...]. */
  wake: z.record(z.string(), z.array(wakeStepSchema)).optional(),
  notify: z.array(notifySchema).optional(),
  /** How long delivered Slack calls are kept in the outbox table before they are deleted (default 30d). */
  retention: z.union([wallDuration], { error: (i) => `expected a duration such as "30d", got ${show(i.input)}` }).optional(),
  reminders: z.record(z.string(), reminderSchema).optional(),
  postmortem: z.strictObject({ required: z.array(z.string()).optional(), due: z.record(z.string(), policyDuration).optional() }).optional(),
  handoff_templates: z
    .record(z.string(), z.array(handoffFieldSchema).min(1, { error: 'a handoff template needs at least one field' }))
    .optional(),
  integrations: z.record(z.string(), integrationSchema).optional(),
  /** How alerts are grouped into one page, for every integration that does not say otherwise. */
  grouping: groupingSchema.optional(),
  /** When a person has this many unacknowledged pages DM'd within a minute, further ones join one digest DM. */
  digest: z
    .strictObject({
      after: z
        .number({ error: (i) => `expected a whole number of pages such as 3, got ${show(i.input)}` })
        .int({ error: (i) => `expected a whole number of pages such as 3, got ${show(i.input)}` })
        .min(1, { error: 'expected at least 1: the first page always goes as a DM of its own' })
        .max(100, { error: 'expected at most 100: past that a person is better served by the digest' })
        .optional(),
    })
    .optional(),
  playbooks: z
    .strictObject({
      /** Triage checklist posted in every incident (default: seed 000's). */
      checklist: z
        .array(z.string().min(1).max(150, { error: 'keep a checklist item to 150 characters' }))
        .min(1, { error: 'list at least one item, or leave checklist out' })
        .optional(),
      /** "Do not wait" actions per severity, posted and pinned at declaration (seed 001). */
      immediate_actions: z
        .record(
          z.string(),
          z
            .array(
              z.strictObject({
                text: z.string().min(1),
                runbook: z.url({ error: 'expected a link like https://wiki.example.com/runbooks/r001' }).optional(),
              }),
            )
            .min(1),
        )
        .optional(),
      /** Named conditions that pull someone in (and may raise the severity). */
      triggers: z
        .record(
          z.string().regex(/^[a-z0-9-]+$/, { error: 'a trigger name is lowercase words joined by hyphens, e.g. payment-failing' }),
          z.strictObject({
            label: z.string().min(1).max(150),
            who: z.string().min(1),
            how: z.enum(['page', 'notify']).optional(),
            raise_to: z.string().optional(),
          }),
        )
        .optional(),
      /** The secret-paste guard also flags e-mail addresses (seed 000: redact emails outside engineering). */
      guard_emails: z.boolean().optional(),
    })
    .optional(),
  incidents: z
    .strictObject({
      /** Roles `/incident role @who <role>` accepts, besides commander. */
      roles: z.array(z.string().min(1)).optional(),
      /** What must be ticked before an incident may be resolved. */
      verification: z.array(z.string().min(1)).min(1, { error: 'list at least one check, or leave verification out' }).optional(),
      /** When the first status update is due after declaration, per severity ("none" for never). */
      first_update: z.record(z.string(), z.union([z.literal('none'), wallDuration])).optional(),
    })
    .optional(),
  /** Who may act on every rotation, page and incident besides the rotation's members (default: every role under people). */
  permissions: z
    .strictObject({
      admins: z
        .array(z.string().min(1), {
          error: (i) =>
            `expected a list of roles under people or user ids, e.g. [engineering_lead, U0123ABCD], got ${describeValue(i.input)}`,
        })
        .optional(),
    })
    .optional(),
});

export type PolicyFile = z.output<typeof policyFileSchema>;

// ---------------------------------------------------------------------------------------------------------
// Readable messages for zod's generic issues (the schema's own messages above take precedence).

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

function describeValue(value: unknown): string {
  if (value === null) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return show(value);
}

/** Passed to safeParse: zod's defaults ("Invalid input: expected string, received number") in policy words. */
export const policyErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required here';
      if ((issue.path ?? []).length === 0)
        return `expected a mapping of policy keys (timezone, rotations, escalation, ...), got ${describeValue(issue.input)}`;
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? show(issue.values[0]) : `one of ${issue.values.join(', ')}`}, got ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `expected ${issue.minimum} or more, got ${describeValue(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'string') return `expected at most ${issue.maximum} characters`;
      return `expected ${issue.maximum} or less, got ${describeValue(issue.input)}`;
    case 'invalid_union': {
      // "Invalid input" says nothing: say what each accepted form wanted, e.g. `expected "none" or a duration like "15m"`.
      const wanted = [...new Set((issue.errors ?? []).map((branch) => branch[0]?.message).filter((m): m is string => !!m))];
      const forms = wanted.map((m) => m.replace(/^expected /, '').replace(/, got .*$/, ''));
      return forms.length > 0
        ? `expected ${forms.join(' or ')}, got ${describeValue(issue.input)}`
        : `got ${describeValue(issue.input)}, which matches none of the forms this key takes`;
    }
    default:
      return undefined;
  }
};

// ---------------------------------------------------------------------------------------------------------
// The keys a mapping may have, for "did you mean" on an unknown key.

interface LooseDef {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  options?: readonly z.core.$ZodType[];
}

const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as LooseDef;

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return schema;
}

function childrenOf(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType[] {
  const def = defOf(unwrap(schema));
  if (def.type === 'union') return (def.options ?? []).flatMap((option) => childrenOf(option, key));
  if (def.type === 'object' && typeof key === 'string' && def.shape?.[key]) return [def.shape[key]];
  if (def.type === 'record' && def.valueType) return [def.valueType];
  if (def.type === 'array' && typeof key === 'number' && def.element) return [def.element];
  return [];
}

/** The keys the policy file allows in the mapping at `path` (empty when it is not a fixed-key mapping). */
export function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let nodes: z.core.$ZodType[] = [policyFileSchema];
  for (const key of path) nodes = nodes.flatMap((node) => childrenOf(node, key));
  const keys = nodes.flatMap((node) => {
    const def = defOf(unwrap(node));
    return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  });
  return [...new Set(keys)];
}

// ---------------------------------------------------------------------------------------------------------
// Cross-references: names that must point at something defined elsewhere in the file or in the preset.
// These run on the raw YAML value, beside the shape check, so one pass reports every problem; each check
// looks only at values of the right type (a wrong type is the shape check's to report).

export interface PolicyProblem {
  path: Array<string | number>;
  message: string;
}

type RawMap = Record<string, unknown>;
const isMap = (value: unknown): value is RawMap => typeof value === 'object' && value !== null && !Array.isArray(value);
const entriesOf = (value: unknown): Array<[string, unknown]> => (isMap(value) ? Object.entries(value) : []);
const itemsOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A duration as written, or null when it is absent or malformed (the schema reports that one). */
function durationOrNull(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  try {
    return parseDuration(value);
  } catch {
    return null;
  }
}

/**
 * A staggered secondary's stint spans the end of shift k and the start of shift k+1, so neither of those
 * primaries may be its secondary: the offset must skip both, which needs three people.
 */
function staggeredSecondaryProblems(name: string, rotation: RawMap, memberCount: number): Array<[Array<string | number>, string]> {
  const lag = durationOrNull(rotation.secondary_handoff_after);
  if (lag === null) return [];
  const at = (key: string): Array<string | number> => ['rotations', name, key];
  const written = String(rotation.secondary_handoff_after);
  if (rotation.secondary_offset === 'none')
    return [
      [
        at('secondary_handoff_after'),
        'the rotation has no secondary (secondary_offset: none): remove secondary_handoff_after, or give it a secondary',
      ],
    ];
  const every = (isMap(rotation.shift) ? durationOrNull(rotation.shift.every) : null) ?? DEFAULT_SHIFT.everyMs;
  if (lag % DAY !== 0) return [];
  if (lag >= every) {
    return [
      [
        at('secondary_handoff_after'),
        `${written} is not shorter than a shift (${every / DAY} days): the secondary hands off inside the primary's shift, e.g. "1w" for "every: 2w"`,
      ],
    ];
  }
  if (memberCount < 3) {
    return [
      [
        at('secondary_handoff_after'),
        `a staggered secondary needs at least 3 members (there are ${memberCount}): each secondary stint spans two primaries, and neither can be their own secondary`,
      ],
    ];
  }
  const offset = typeof rotation.secondary_offset === 'number' ? rotation.secondary_offset : DEFAULT_SHIFT.secondaryOffset;
  const clash = offset % memberCount;
  if (clash !== 0 && clash !== 1) return [];
  const who =
    clash === 1 ? 'the next primary is secondary during the second half of the shift before theirs' : 'each primary is their own secondary';
  return [
    [
      at(typeof rotation.secondary_offset === 'number' ? 'secondary_offset' : 'secondary_handoff_after'),
      `with secondary_handoff_after: ${written}, a secondary_offset of ${offset} means ${who}; write secondary_offset: 2${memberCount > 3 ? ` (up to ${memberCount - 1})` : ''}`,
    ],
  ];
}
/** The names a section defines, or null when the section is malformed (then nothing can be checked against it). */
const namesOf = (value: unknown, builtIn: readonly string[] = []): Set<string> | null =>
  value === undefined || value === null ? new Set(builtIn) : isMap(value) ? new Set([...builtIn, ...Object.keys(value)]) : null;

const listed = (names: Iterable<string>) => [...names].join(', ') || 'none';

export function checkReferences(raw: unknown): PolicyProblem[] {
  if (!isMap(raw)) return [];
  const problems: PolicyProblem[] = [];
  const problem = (path: Array<string | number>, message: string) => problems.push({ path, message });

  const preset = raw.preset === undefined ? DEFAULT_PRESET : PRESET_NAMES.find((name) => name === raw.preset);
  const severityIds = preset ? SEVERITY_SCALES[preset].map((s) => s.id) : null;
  const checkSeverity = (value: unknown, path: Array<string | number>) => {
    if (severityIds && typeof value === 'string' && !severityIds.includes(value)) {
      problem(path, `unknown severity "${value}" for preset ${preset} (expected one of ${severityIds.join(', ')})`);
    }
  };

  const roles = namesOf(raw.people);
  const isUserOrGroup = (target: string) => SLACK_USER_ID.test(target) || SLACK_USERGROUP_ID.test(target);
  const rolesText = () => (roles && roles.size > 0 ? `a role under people (${listed(roles)})` : 'a role under people (none defined)');

  // Escalation chains: severities, page targets, and steps that have no preset to fall back on.
  const escalationRaw = isMap(raw.escalation) ? raw.escalation : {};
  const defaultChains = isMap(escalationRaw.default) ? escalationRaw.default : {};
  for (const [name, chains] of entriesOf(raw.escalation)) {
    for (const [severity, chain] of entriesOf(chains)) {
      checkSeverity(severity, ['escalation', name, severity]);
      if (!isMap(chain)) continue;
      const rank = severityIds?.indexOf(severity) ?? -1;
      const presetHasSteps = rank >= 0 && RANK_DEFAULTS.escalation[rank] !== null;
      const defaultHasSteps =
        name !== 'default' && isMap(defaultChains[severity]) && (defaultChains[severity] as RawMap).steps !== undefined;
      if (chain.task === true && chain.steps !== undefined) {
        problem(
          ['escalation', name, severity, 'steps'],
          `a task (task: true) pages nobody, so it has no steps: remove steps, or remove task to page`,
        );
      }
      if (chain.steps === undefined && chain.task !== true && rank >= 0 && !presetHasSteps && !defaultHasSteps) {
        problem(['escalation', name, severity, 'steps'], `is required here: the preset has no chain for ${severity} to start from`);
      }
      itemsOf(chain.steps).forEach((step, i) => {
        if (!isMap(step)) return;
        const path = ['escalation', name, severity, 'steps', i];
        if (step.via !== undefined && chain.chat_only === true) {
          problem([...path, 'via'], `a chat-only chain asks in chat and never calls: remove via, or remove chat_only to page`);
        }
        const page = step.page;
        if (typeof page !== 'string' || page === '') return;
        const parsed = parsePageTarget(page, roles ?? new Set());
        if (!parsed.ok) {
          problem([...path, 'page'], parsed.message);
          return;
        }
        const target = parsed.target;
        switch (target.kind) {
          case 'on-call':
          case 'person':
          case 'usergroup':
            return;
          case 'rotation': {
            // Another rotation's on-call: "frontend.primary" (seed 002's domain owners, a platform team's on-call).
            const rotationNames = namesOf(raw.rotations);
            if (rotationNames && !rotationNames.has(target.rotation))
              problem([...path, 'page'], `no rotation named "${target.rotation}" for "${page}" (defined: ${listed(rotationNames)})`);
            return;
          }
          case 'role':
            if (roles && !roles.has(target.role))
              problem([...path, 'page'], `"${pageTargetText(target)}" is not ${pageTargetForms(rolesText())}`);
            return;
          default:
            // A new kind of target must say here what it checks.
            target satisfies never;
        }
      });
    }
  }

  const escalationNames = namesOf(raw.escalation, ['default']);
  const templateNames = namesOf(raw.handoff_templates, HANDOFF_TEMPLATE_PRESET_NAMES);
  for (const [name, rotation] of entriesOf(raw.rotations)) {
    if (!isMap(rotation)) continue;
    // An offset of a whole number of rounds names the primary again: they would be their own secondary.
    const memberCount = itemsOf(rotation.members).length;
    if (typeof rotation.secondary_offset === 'number' && memberCount > 1 && rotation.secondary_offset % memberCount === 0) {
      problem(
        ['rotations', name, 'secondary_offset'],
        `${rotation.secondary_offset} with ${memberCount} members makes each primary their own secondary: use 1 to ${memberCount - 1}, or "none"`,
      );
    }
    for (const [path, message] of staggeredSecondaryProblems(name, rotation, memberCount)) problem(path, message);
    // One person twice in the order is primary and secondary in the same week (and twice as often as the rest).
    for (const list of ['members', 'shadows'] as const) {
      const seen = new Map<string, number>();
      itemsOf(rotation[list]).forEach((member, i) => {
        if (typeof member !== 'string') return;
        const first = seen.get(member);
        if (first === undefined) seen.set(member, i);
        else
          problem(
            ['rotations', name, list, i],
            `${member} is listed twice (also ${list}[${first}]): one person would be on call twice as often${list === 'members' ? ', and primary and secondary in the same week' : ''}; list each person once`,
          );
      });
    }
    if (
      escalationNames &&
      typeof rotation.escalation === 'string' &&
      rotation.escalation !== '' &&
      !escalationNames.has(rotation.escalation)
    ) {
      problem(
        ['rotations', name, 'escalation'],
        `no escalation policy named "${rotation.escalation}" (defined: ${listed(escalationNames)})`,
      );
    }
    const template = rotation.handoff_template;
    if (templateNames && typeof template === 'string' && template !== '' && !templateNames.has(template)) {
      problem(
        ['rotations', name, 'handoff_template'],
        `no handoff template named "${template}" (presets: ${HANDOFF_TEMPLATE_PRESET_NAMES.join(', ')}; or define it under handoff_templates)`,
      );
    }
  }

  for (const [severity] of entriesOf(raw.ack_sla)) checkSeverity(severity, ['ack_sla', severity]);
  for (const [severity] of entriesOf(raw.wake)) checkSeverity(severity, ['wake', severity]);
  for (const [severity] of entriesOf(raw.reminders)) checkSeverity(severity, ['reminders', severity]);
  const playbooks = isMap(raw.playbooks) ? raw.playbooks : {};
  for (const [severity] of entriesOf(playbooks.immediate_actions)) checkSeverity(severity, ['playbooks', 'immediate_actions', severity]);
  for (const [name, trigger] of entriesOf(playbooks.triggers)) {
    if (!isMap(trigger)) continue;
    checkSeverity(trigger.raise_to, ['playbooks', 'triggers', name, 'raise_to']);
    const who = trigger.who;
    if (
      roles &&
      typeof who === 'string' &&
      who !== '' &&
      who !== 'primary' &&
      who !== 'secondary' &&
      !roles.has(who) &&
      !isUserOrGroup(who)
    ) {
      problem(
        ['playbooks', 'triggers', name, 'who'],
        `"${who}" is not primary, secondary, ${rolesText()}, a user id (U...) or a user group id (S...)`,
      );
    }
  }
  // Admins are people the bot can recognise from a Slack user id alone: a user group would need Slack to say who is in it.
  const permissions = isMap(raw.permissions) ? raw.permissions : {};
  itemsOf(permissions.admins).forEach((admin, i) => {
    if (!roles || typeof admin !== 'string' || admin === '' || SLACK_USER_ID.test(admin) || roles.has(admin)) return;
    const what = `${rolesText()} or a user id (U...)`;
    problem(
      ['permissions', 'admins', i],
      SLACK_USERGROUP_ID.test(admin)
        ? `"${admin}" is a user group, whose members the bot cannot check; name ${what} instead`
        : `"${admin}" is not ${what}`,
    );
  });
  const incidents = isMap(raw.incidents) ? raw.incidents : {};
  for (const [severity] of entriesOf(incidents.first_update)) checkSeverity(severity, ['incidents', 'first_update', severity]);
  const postmortem = isMap(raw.postmortem) ? raw.postmortem : {};
  for (const [i, severity] of itemsOf(postmortem.required).entries()) checkSeverity(severity, ['postmortem', 'required', i]);
  for (const [severity] of entriesOf(postmortem.due)) checkSeverity(severity, ['postmortem', 'due', severity]);

  itemsOf(raw.notify).forEach((rule, i) => {
    if (!isMap(rule)) return;
    checkSeverity(rule.severity, ['notify', i, 'severity']);
    // A notification goes to a named person: primary and secondary are the ones being paged already, except
    // after an acknowledgement, when pulling in the secondary is the point (seed 001).
    const onCallAllowed = rule.since === 'acknowledged' && (rule.who === 'primary' || rule.who === 'secondary');
    if (roles && typeof rule.who === 'string' && rule.who !== '' && !onCallAllowed && !roles.has(rule.who) && !isUserOrGroup(rule.who)) {
      const why =
        rule.who === 'primary' || rule.who === 'secondary'
          ? `"${rule.who}" is paged already, so it cannot be notified (only after an acknowledgement, with since: acknowledged); use`
          : `"${rule.who}" is not`;
      problem(['notify', i, 'who'], `${why} ${rolesText()}, a user id (U...) or a user group id (S...)`);
    }
  });

  // Rules the file does not write come from the preset and name the preset's roles. A team that wrote its own
  // roles (seed 001: leadership, support_ops_lead) would have them reach nobody without a word: refuse instead,
  // saying which rule, which role, and the two ways out. A file with no people at all keeps the preset as it is.
  if (preset && severityIds && roles && roles.size > 0) {
    const missing = (who: string) => who !== 'primary' && who !== 'secondary' && !roles.has(who) && !isUserOrGroup(who);
    const usesByRole = new Map<string, { rules: string[]; chains: string[] }>();
    const usesOf = (role: string) => usesByRole.get(role) ?? usesByRole.set(role, { rules: [], chains: [] }).get(role)!;
    if (raw.notify === undefined) {
      for (const rule of RANK_DEFAULTS.notify) {
        if (!missing(rule.who)) continue;
        const severity = severityIds[rule.rank];
        usesOf(rule.who).rules.push(
          rule.when === 'declared'
            ? `${severity}${rule.tags.length ? ` tagged ${rule.tags.join('/')}` : ''} declared`
            : `${severity} ${rule.when} after ${durationWords(rule.afterMs)}`,
        );
      }
    }
    RANK_DEFAULTS.escalation.forEach((chain, rank) => {
      const severity = severityIds[rank];
      if (!chain || !severity || (isMap(defaultChains[severity]) && (defaultChains[severity] as RawMap).steps !== undefined)) return;
      chain.steps.forEach(({ target }, i) => {
        if (target.kind === 'role' && !roles.has(target.role)) usesOf(target.role).chains.push(`${severity} step ${i + 1}`);
      });
    });
    for (const [role, uses] of usesByRole) {
      const where = [
        uses.rules.length ? `its notify rules (${uses.rules.join(', ')})` : '',
        uses.chains.length ? `its escalation chains (${uses.chains.join(', ')})` : '',
      ].filter(Boolean);
      const ways = [
        uses.rules.length ? 'your own notify: list (notify: [] for none)' : '',
        uses.chains.length
          ? `your own steps under escalation.default for ${[...new Set(uses.chains.map((c) => c.split(' ')[0]))].join(', ')}`
          : '',
      ].filter(Boolean);
      problem(
        ['people'],
        `the preset (${preset}) names ${role} in ${where.join(' and ')}, but people has no ${role} (defined: ${listed(roles)}): add ${role} under people, or write ${ways.join(' and ')}`,
      );
    }
  }

  const rotationNames = namesOf(raw.rotations);
  for (const [name, integration] of entriesOf(raw.integrations)) {
    if (!isMap(integration)) continue;
    itemsOf(integration.routes).forEach((route, i) => {
      if (!isMap(route)) return;
      if (rotationNames && typeof route.rotation === 'string' && route.rotation !== '' && !rotationNames.has(route.rotation)) {
        problem(
          ['integrations', name, 'routes', i, 'rotation'],
          `no rotation named "${route.rotation}" (defined: ${listed(rotationNames)})`,
        );
      }
      checkSeverity(route.severity, ['integrations', name, 'routes', i, 'severity']);
    });
    const severity = isMap(integration.severity) ? integration.severity : {};
    for (const [label, mapped] of entriesOf(severity.map)) checkSeverity(mapped, ['integrations', name, 'severity', 'map', label]);
    checkSeverity(severity.default, ['integrations', name, 'severity', 'default']);
    if (Array.isArray(integration.declare_incident))
      for (const [i, level] of integration.declare_incident.entries()) checkSeverity(level, ['integrations', name, 'declare_incident', i]);
  }
  return problems;
}
