/**
 * The policy file's shape, as written by people. Unknown keys are errors (a typo such as `afer: 15m` must
 * not be silently ignored); every key is optional, the preset fills the rest (see policy.ts).
 */
import { z } from 'zod';
import { DurationError, durationHint, parseDuration, parsePolicyDuration } from './duration.js';
import { PRESET_NAMES } from './presets.js';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const wallDuration = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'string') {
    ctx.addIssue({ code: 'custom', message: durationHint(value) });
    return z.NEVER;
  }
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof DurationError ? error.message : durationHint(value) });
    return z.NEVER;
  }
});

const policyDuration = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'string') {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "24h" or "2 business days", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  try {
    return parsePolicyDuration(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "24h" or "2 business days", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
});

const timeZone = z.string().refine(isTimeZone, {
  error: (issue) => `expected an IANA time zone such as "Europe/London" or "UTC", got ${JSON.stringify(issue.input)}`,
});

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: (i) => `expected a time like "09:00", got ${JSON.stringify(i.input)}` });

const slackUser = z.string().regex(/^[UW][A-Z0-9]+$/, { error: (i) => `expected a Slack user id like "U0123ABCD", got ${JSON.stringify(i.input)}` });
const slackChannel = z.string().regex(/^[CGD][A-Z0-9]+$/, { error: (i) => `expected a Slack channel id like "C0123ABCD", got ${JSON.stringify(i.input)}` });

const weekday = z.enum(WEEKDAYS, { error: (i) => `expected a weekday (${WEEKDAYS.join(', ')}), got ${JSON.stringify(i.input)}` });

const handoffAt = z.string().regex(/^(sun|mon|tue|wed|thu|fri|sat) ([01]\d|2[0-3]):[0-5]\d$/, {
  error: (i) => `expected a weekday and time like "mon 09:00", got ${JSON.stringify(i.input)}`,
});

const rotationSchema = z.strictObject({
  members: z.array(slackUser).min(1, { error: 'a rotation needs at least one member' }),
  shift: z
    .strictObject({
      every: wallDuration.optional(),
      handoff: handoffAt.optional(),
      timezone: timeZone.optional(),
      start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: (i) => `expected a date like "2026-01-05", got ${JSON.stringify(i.input)}` }).optional(),
    })
    .optional(),
  secondary_offset: z.union([z.number().int().min(1), z.literal('none')], { error: 'expected a whole number of shifts (1 or more) or "none"' }).optional(),
  channel: slackChannel.optional(),
  alerts_channel: slackChannel.optional(),
  usergroup: z.string().regex(/^S[A-Z0-9]+$/, { error: (i) => `expected a user group id like "S0123ABCD", got ${JSON.stringify(i.input)}` }).optional(),
  handoff_template: z.string().optional(),
  escalation: z.string().optional(),
  /** People in their first rotation who shadow before taking primary. */
  shadows: z.array(slackUser).optional(),
});

const stepSchema = z.strictObject({
  after: wallDuration.optional(),
  page: z.string().min(1),
  business_hours: z.boolean().optional(),
});

const severityEscalationSchema = z.strictObject({
  loops: z.number().int().min(1).max(10).optional(),
  chat_only: z.boolean().optional(),
  quiet_at_night: z.boolean().optional(),
  steps: z.array(stepSchema).min(1, { error: 'an escalation needs at least one step' }),
});

const notifySchema = z.strictObject({
  when: z.enum(['declared', 'unresolved', 'unmitigated']),
  severity: z.string(),
  tags: z.array(z.string()).optional(),
  after: wallDuration.optional(),
  who: z.string().min(1),
});

const reminderSchema = z.union([
  z.strictObject({ until_monitoring: wallDuration, then: wallDuration }),
  z.strictObject({ every: wallDuration }),
], { error: 'expected { until_monitoring: 15m, then: 30m } or { every: 60m }' });

const handoffFieldSchema = z.strictObject({
  label: z.string().min(1).max(60),
  hint: z.string().max(150).optional(),
  required: z.boolean().optional(),
  multiline: z.boolean().optional(),
});

export const INTEGRATION_FORMATS = ['alertmanager', 'grafana', 'sentry', 'pagerduty-events-v2', 'uptime-kuma', 'generic'] as const;

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: (i) => `expected an environment variable name like "ALERT_TOKEN", got ${JSON.stringify(i.input)}` });

const integrationSchema = z.strictObject({
  format: z.enum(INTEGRATION_FORMATS, { error: (i) => `expected one of ${INTEGRATION_FORMATS.join(', ')}, got ${JSON.stringify(i.input)}` }),
  auth: z
    .strictObject({
      bearer_env: envName.optional(),
      basic_env: z.strictObject({ user: envName, password: envName }).optional(),
      sentry_secret_env: envName.optional(),
      routing_key_env: envName.optional(),
      hmac_sha256_env: envName.optional(),
      header: z.string().optional(),
    })
    .optional(),
  routes: z
    .array(z.strictObject({ match: z.record(z.string(), z.string()).optional(), rotation: z.string(), severity: z.string().optional() }))
    .min(1, { error: 'an integration needs at least one route' }),
  severity: z
    .strictObject({ from_label: z.string().optional(), map: z.record(z.string(), z.string()).optional(), default: z.string().optional() })
    .optional(),
});

export const policyFileSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES, { error: (i) => `expected one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(i.input)}` }).optional(),
  timezone: timeZone.optional(),
  business_hours: z.strictObject({ days: z.array(weekday).min(1), start: clockTime, end: clockTime }).optional(),
  people: z.record(z.string(), slackUser).optional(),
  channels: z.record(z.string(), slackChannel).optional(),
  environments: z.array(z.string().min(1)).optional(),
  services: z.array(z.string().min(1)).optional(),
  rotations: z.record(z.string(), rotationSchema).optional(),
  escalation: z.record(z.string(), z.record(z.string(), severityEscalationSchema)).optional(),
  ack_sla: z.record(z.string(), z.union([wallDuration, z.literal('none')])).optional(),
  notify: z.array(notifySchema).optional(),
  reminders: z.record(z.string(), reminderSchema).optional(),
  postmortem: z.strictObject({ required: z.array(z.string()).optional(), due: z.record(z.string(), policyDuration).optional() }).optional(),
  handoff_templates: z.record(z.string(), z.array(handoffFieldSchema).min(1)).optional(),
  integrations: z.record(z.string(), integrationSchema).optional(),
});

export type PolicyFile = z.output<typeof policyFileSchema>;
export { WEEKDAYS };
