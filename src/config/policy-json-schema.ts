/**
 * The policy file's JSON Schema, generated from the zod schema (policy-schema.ts) so an editor can check and
 * complete a policy file as it is typed: put
 *   # yaml-language-server: $schema=<path or URL>/policy.schema.json
 * on the file's first line. `policy.schema.json` at the repo root is this, written by `npm run policy -- schema`;
 * a test fails when it is out of date.
 *
 * The schema is what a person writes (zod's input side). Durations are read by a transform zod cannot describe,
 * so they are given here as text with a pattern. What only the bot can check (a real time zone, a real date,
 * names that point at each other, "either every or until_monitoring") stays the bot's: the schema is a guide,
 * the bot's start (or `npm run policy -- check`) the judge.
 */
import { z } from 'zod';
import { GROUPING_FIELDS, groupingField, policyDuration, policyFileSchema, shiftLength, wallDuration } from './policy-schema.js';

/** Where the schema lives in the repo, and the command that writes it. */
export const SCHEMA_FILE = 'policy.schema.json';
export const SCHEMA_COMMAND = 'npm run policy -- schema';

/** `[bB][uU]...`: JSON Schema patterns have no case-insensitive flag. */
const anyCase = (word: string) => [...word].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');

// parseDuration drops all spaces and case, then reads amount-unit pairs: "1h30m", "1h 30m", "15M".
const WALL = String.raw`\s*(\d(\s*\d)*\s*[smhdwSMHDW]\s*)+`;
const BUSINESS = String.raw`\s*\d+\s*${anyCase('business')}\s+(${anyCase('day')}|${anyCase('days')}|${anyCase('hour')}|${anyCase('hours')})\s*`;

const DURATIONS = new Map<z.core.$ZodType, Record<string, unknown>>([
  [
    wallDuration,
    {
      type: 'string',
      pattern: `^${WALL}$`,
      description: 'A duration longer than zero: 30s, 15m, 4h, 2d, 1w, or combined such as "1h30m".',
      examples: ['15m', '4h', '1h30m'],
    },
  ],
  [
    policyDuration,
    {
      type: 'string',
      pattern: `^(${WALL}|${BUSINESS})$`,
      description: 'A duration such as "24h", or working time only: "2 business days", "4 business hours".',
      examples: ['24h', '2 business days'],
    },
  ],
  [
    groupingField,
    {
      type: 'string',
      pattern: `^(${GROUPING_FIELDS.join('|')}|labels\\..+)$`,
      description:
        "What alerts must share to be one group: service, alertname, severity, summary, or labels.<name> (one of the alert's labels).",
      examples: ['service', 'alertname', 'labels.cluster'],
    },
  ],
  [
    shiftLength,
    { type: 'string', pattern: `^${WALL}$`, description: 'The length of a shift in whole days: "1d", "3d", "1w".', examples: ['1w', '1d'] },
  ],
]);

const ANY_NAME = 'additionalProperties';
const ANY_ITEM = 'items';

/** Descriptions an editor shows on hover, by where they sit in the generated schema. */
const DESCRIPTIONS: Array<[string[], string]> = [
  [['preset'], 'The severity scale and its defaults; what the file leaves out comes from it.'],
  [['timezone'], 'The team\'s IANA time zone, e.g. "Europe/London": business hours are counted in it.'],
  [['business_hours'], "When business hours are, in the team's time zone (default mon-fri 09:00-18:00)."],
  [['people'], 'Named roles (engineering_lead, cto, ...) and their Slack user ids; chains, notifications and permissions name them.'],
  [['channels'], 'Slack channel ids by purpose (incidents, alerts, ...).'],
  [['environments'], 'Environments offered in triage.'],
  [['services'], 'Services offered in triage; alert routes match on them.'],
  [['rotations'], 'Rotations by name: who is on call, in which order, and when shifts change.'],
  [['rotations', ANY_NAME, 'shift', 'timezone'], 'The IANA time zone the handoff time is read in (default UTC).'],
  [['rotations', ANY_NAME, 'shift', 'start'], 'The first shift, member 1 primary ("YYYY-MM-DD").'],
  [['rotations', ANY_NAME, 'escalation'], 'Which escalation policy pages for this rotation (default: default).'],
  [
    ['escalation'],
    "Escalation policies by name, each a chain per severity. A chain that writes steps is taken whole; one that writes only loops or a flag keeps the rest from default's same severity (for default, the preset's). `npm run policy -- explain` shows what runs.",
  ],
  [
    ['escalation', ANY_NAME, ANY_NAME, 'loops'],
    'How many times the chain runs before the channel is told nobody acknowledged (default 2, 1 when chat-only).',
  ],
  [['escalation', ANY_NAME, ANY_NAME, 'chat_only'], 'A chat message, not a page.'],
  [['escalation', ANY_NAME, ANY_NAME, 'quiet_at_night'], 'Never page outside business hours: wait for the next business start.'],
  [['escalation', ANY_NAME, ANY_NAME, 'steps'], 'Who is paged, in order; a step without after waits 15m (the first: at once).'],
  [
    ['escalation', ANY_NAME, ANY_NAME, 'steps', ANY_ITEM, 'page'],
    'Whom the step pages: primary, secondary, another rotation\'s "<rotation>.primary" or ".secondary", a role under people, a user id (U...) or a user group id (S...).',
  ],
  [
    ['escalation', ANY_NAME, ANY_NAME, 'steps', ANY_ITEM, 'via'],
    "Also reach the step's people this way at once, besides the Slack DM, if they verified it (e.g. the CTO by voice); unverified: Slack only, and the channel is told.",
  ],
  [['ack_sla'], 'Time to acknowledge per severity, or "none".'],
  [['notify'], "Who is told about an incident, and when; replaces the preset's list (`[]` for none)."],
  [['reminders'], 'Status-update cadence per severity.'],
  [['postmortem'], 'Which severities need a postmortem, and when it is due after resolve.'],
  [['handoff_templates'], 'Handoff forms by name, besides the presets support, sovren and weekly.'],
  [['integrations'], 'Alert sources by name: their format, authentication and routes.'],
  [
    ['grouping'],
    'How alerts become one alert group with one page: alike in `by` (service, alertname, severity, summary, labels.<name>) within `window` of the latest (default [service, alertname], 5m). An integration may set its own.',
  ],
  [
    ['digest'],
    "Digests: once a person has `after` unacknowledged pages DM'd within a minute (default 3), further pages join one digest DM with Acknowledge all, edited in place; each page still escalates on its own.",
  ],
  [['playbooks'], 'Triage checklist, immediate actions per severity, escalation triggers.'],
  [['incidents'], 'Incident roles, the resolve checklist and first-update deadlines.'],
  [['permissions'], 'Who may act on every rotation, page and incident (default: every role under people).'],
];

function nodeAt(schema: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let node = schema;
  for (const key of path) {
    // A key of the file is a property; ANY_NAME a record's values, ANY_ITEM a list's.
    const next = key === ANY_NAME || key === ANY_ITEM ? node[key] : (node.properties as Record<string, unknown> | undefined)?.[key];
    if (!next || typeof next !== 'object')
      throw new Error(`policy JSON Schema: no ${path.join('.')} to describe (policy-json-schema.ts is out of step with policy-schema.ts)`);
    node = next as Record<string, unknown>;
  }
  return node;
}

/** The JSON Schema (draft-07, the draft YAML editors support) of a policy file. */
export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(policyFileSchema, {
    target: 'draft-7',
    io: 'input',
    override: (ctx) => {
      const duration = DURATIONS.get(ctx.zodSchema);
      if (duration) Object.assign(ctx.jsonSchema, duration);
    },
  }) as Record<string, unknown>;
  for (const [path, description] of DESCRIPTIONS) {
    // First among the node's keys, where a reader of the file looks.
    const node = nodeAt(generated, path);
    const entries = Object.entries(node);
    for (const [key] of entries) delete node[key];
    Object.assign(node, { description }, Object.fromEntries(entries));
  }
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $comment: `Generated from src/config/policy-schema.ts by \`${SCHEMA_COMMAND}\`; do not edit by hand.`,
    title: 'On-call bot policy file',
    description:
      "The team's on-call policy. Every key is optional: what is left out comes from the preset. `npm run policy -- explain` shows every value and where it came from.",
    ...rest,
  };
}

/** policy.schema.json's text: two-space JSON and a final newline. */
export function policyJsonSchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}
