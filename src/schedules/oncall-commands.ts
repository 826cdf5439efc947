/**
 * /oncall who | next | schedule | override | cancel | policy. Thin handlers: parse, gather, call the pure rules, render.
 */
import type { Policy, RotationPolicy } from '../config/policy.js';
import { explainPolicy, type PolicyExplanation } from '../config/policy-explain.js';
import { policyReply } from '../config/policy-explain-blocks.js';
import type { Db } from '../db/connection.js';
import type { Engine } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import type { CommandReply, SlashCommand } from '../slack/commands.js';
import { mention, parseMention, slackDate } from '../slack/format.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import type { Clock } from '../time/clock.js';
import { DAY } from '../time/clock.js';
import { DATE_EXAMPLES, parseWhen } from './date-input.js';
import { leaveOverrides, planLeave } from './leave.js';
import { lintRotation } from './lint.js';
import { activeOverrides, cancelOverride, findOverride, insertOverride } from './override-store.js';
import type { ShiftChangedEvent } from './schedule-events.js';
import type { EventSink } from '../engine/effects.js';
import { requestOverride } from './override-request.js';
import { shiftsBetween, whoIsOnCall, type Assignment, type OnCall, type Role } from './rotation.js';

export interface OncallCommandDeps {
  db: Db;
  engine: Engine;
  policy: Policy;
  clock: Clock;
  /** The caller's Slack time zone (users.info), the team's zone when Slack cannot say. */
  userZone(userId: string): Promise<string>;
  /** Whether the id is an active member of the workspace (users.info). */
  userExists(userId: string): Promise<boolean>;
  /** `shift.changed` when leave or a cancelled override changes who is on call, told through the table in src/app.ts. */
  events: EventSink<ShiftChangedEvent>;
}

const OVERRIDE_USAGE = '/oncall override @who <from> <to> [rotation] [primary|secondary]';

function why(a: Assignment): string {
  return a.why.kind === 'rotation' ? '' : ` (${a.why.kind} #${a.why.overrideId})`;
}

function line(role: string, a: Assignment | null): string {
  return a ? `${role}: ${mention(a.userId)} until ${slackDate(a.until)}${why(a)}` : `${role}: nobody`;
}

export function renderOnCall(answer: OnCall): string {
  return [`*${answer.rotation}*`, line('Primary', answer.primary), line('Secondary', answer.secondary)].join('\n');
}

function noRotations(): CommandReply {
  return { text: 'No rotations are defined yet. Add one under `rotations:` in the policy file (see policy.example.yml).' };
}

/** The rotation a command names, or the only one; otherwise an error naming the choices. */
function pickRotation(policy: Policy, name: string | undefined): RotationPolicy | string {
  const names = Object.keys(policy.rotations);
  if (name) return policy.rotations[name] ?? `There is no rotation \`${name}\`. Rotations: ${names.map((n) => `\`${n}\``).join(', ')}.`;
  if (names.length === 1) return policy.rotations[names[0]!]!;
  return `Name a rotation: ${names.map((n) => `\`${n}\``).join(', ')}.`;
}

/** `[rotation] [n]` in either order, n defaulting to 4; or the reply that explains what was wrong. */
function rotationAndCount(
  policy: Policy,
  args: string[],
  limits: { max: number; what: string; usage: string },
): { rotation: RotationPolicy; count: number } | CommandReply {
  if (Object.keys(policy.rotations).length === 0) return noRotations();
  const countWord = args.find((a) => /^\d+$/.test(a));
  const count = countWord ? Number(countWord) : 4;
  if (count < 1 || count > limits.max) return { text: `Ask for 1 to ${limits.max} ${limits.what}.\nUsage: \`${limits.usage}\`` };
  const rotation = pickRotation(
    policy,
    args.find((a) => !/^\d+$/.test(a)),
  );
  if (typeof rotation === 'string') return { text: `${rotation}\nUsage: \`${limits.usage}\`` };
  return { rotation, count };
}

export function registerOncallCommands(oncall: SlashCommand, deps: OncallCommandDeps): void {
  const { db, policy, clock } = deps;

  oncall.add('who', {
    usage: 'who [rotation]',
    summary: 'who is primary and secondary now, and until when',
    run: ({ args }) => {
      const names = Object.keys(policy.rotations);
      if (names.length === 0) return noRotations();
      const now = clock.now();
      const overrides = activeOverrides(db, now);
      if (args[0]) {
        const rotation = policy.rotations[args[0]];
        if (!rotation)
          return {
            text: `There is no rotation \`${args[0]}\`. Rotations: ${names.map((n) => `\`${n}\``).join(', ')}.\nUsage: \`/oncall who [rotation]\``,
          };
        return { text: renderOnCall(whoIsOnCall(rotation, overrides, now)) };
      }
      return { text: names.map((n) => renderOnCall(whoIsOnCall(policy.rotations[n]!, overrides, now))).join('\n\n') };
    },
  });

  oncall.add('next', {
    usage: 'next [rotation] [n]',
    summary: 'the next n shifts (default 4)',
    run: ({ args }) => {
      const parsed = rotationAndCount(policy, args, { max: 52, what: 'shifts', usage: '/oncall next [rotation] [n]' });
      if ('text' in parsed) return parsed;
      const { rotation, count: n } = parsed;
      const now = clock.now();
      const shifts = shiftsBetween(rotation, activeOverrides(db, now), now, now + (n + 1) * rotation.shift.everyMs).slice(1, n + 1);
      return {
        text: [
          `*${rotation.name}*: the next ${n} shifts`,
          ...shifts.map(
            (s) =>
              `${slackDate(s.start)}: ${s.primary ? mention(s.primary.userId) : 'nobody'} primary, ${s.secondary ? mention(s.secondary.userId) : 'nobody'} secondary`,
          ),
        ].join('\n'),
      };
    },
  });

  oncall.add('schedule', {
    usage: 'schedule [rotation] [weeks]',
    summary: 'the schedule for the coming weeks (default 4), overrides included',
    run: ({ args }) => {
      const parsed = rotationAndCount(policy, args, { max: 26, what: 'weeks', usage: '/oncall schedule [rotation] [weeks]' });
      if ('text' in parsed) return parsed;
      const { rotation, count: weeks } = parsed;
      const now = clock.now();
      const overrides = activeOverrides(db, now);
      const shifts = shiftsBetween(rotation, overrides, now, now + weeks * 7 * DAY);
      const pending = overrides.filter((o) => o.rotation === rotation.name && o.startsAt < now + weeks * 7 * DAY);
      const lines = shifts.map(
        (s) =>
          `${slackDate(s.start)} → ${slackDate(s.end)}: ${s.primary ? mention(s.primary.userId) : 'nobody'} / ${s.secondary ? mention(s.secondary.userId) : 'nobody'}`,
      );
      const overrideLines = pending.map(
        (o) => `#${o.id} ${o.reason}: ${mention(o.userId)} ${o.role} ${slackDate(o.startsAt)} → ${slackDate(o.endsAt)}`,
      );
      return {
        text: [
          `*${rotation.name}* (primary / secondary)`,
          ...lines,
          ...(overrideLines.length ? ['', '*Overrides*', ...overrideLines] : []),
        ].join('\n'),
      };
    },
  });

  oncall.add('override', {
    usage: 'override @who <from> <to> [rotation] [primary|secondary]',
    summary: `someone else takes a role for a while; dates like ${DATE_EXAMPLES}`,
    run: async ({ args, userId }) => {
      const fail = (problem: string): CommandReply => ({
        text: `${problem}\nUsage: \`${OVERRIDE_USAGE}\`\nExample: \`/oncall override @alice 2026-12-01 09:00 2026-12-03 09:00 backend primary\``,
      });
      if (Object.keys(policy.rotations).length === 0) return noRotations();
      const who = parseMention(args[0]);
      if (!who) return fail(args[0] ? `"${args[0]}" is not a person; mention them with @.` : 'Say who takes over, with an @mention.');
      const zone = await deps.userZone(userId);
      const now = clock.now();
      const from = parseWhen(args.slice(1), zone, now);
      if (!from.ok) return fail(`Start: ${from.error}.`);
      const to = parseWhen(args.slice(1 + from.consumed), zone, now);
      if (!to.ok) return fail(`End: ${to.error}.`);
      const rest = args.slice(1 + from.consumed + to.consumed);
      const role: Role = rest.includes('secondary') ? 'secondary' : 'primary';
      const unknown = rest.filter((w) => w !== 'primary' && w !== 'secondary');
      if (unknown.length > 1) return fail(`I did not understand "${unknown.slice(1).join(' ')}".`);
      const rotation = pickRotation(policy, unknown[0]);
      if (typeof rotation === 'string') return fail(rotation);
      const outcome = await requestOverride(deps, {
        rotation: rotation.name,
        role,
        userId: who,
        startsAt: from.instant,
        endsAt: to.instant,
        requestedBy: userId,
      });
      if (outcome.ok || outcome.refused) return { text: outcome.message };
      return fail(outcome.message);
    },
  });

  oncall.add('leave', {
    usage: 'leave @who <from> <to>',
    summary: 'time off: the secondary is promoted and the next free person covers secondary',
    run: async ({ args, userId }) => {
      const usage = '\nUsage: `/oncall leave @who <from> <to>`\nExample: `/oncall leave @alice 2026-12-21 2027-01-04`';
      const who = parseMention(args[0]);
      if (!who)
        return { text: `${args[0] ? `"${args[0]}" is not a person; mention them with @.` : 'Say who is away, with an @mention.'}${usage}` };
      const zone = await deps.userZone(userId);
      const now = clock.now();
      const from = parseWhen(args.slice(1), zone, now);
      if (!from.ok) return { text: `Start: ${from.error}.${usage}` };
      const to = parseWhen(args.slice(1 + from.consumed), zone, now);
      if (!to.ok) return { text: `End: ${to.error}.${usage}` };
      if (to.instant <= from.instant)
        return { text: `The end (${slackDate(to.instant)}) must be after the start (${slackDate(from.instant)}).${usage}` };
      const rotations = Object.values(policy.rotations).filter((r) => r.members.includes(who));
      if (rotations.length === 0) return { text: `${mention(who)} is not in any rotation, so their leave changes nobody's schedule.` };
      // Leave changes every rotation of theirs: someone else needs the right to change each one.
      const barred = userId === who ? undefined : rotations.find((r) => !mayActFor(policy, [r.name], userId));
      if (barred)
        return {
          text: refusal(policy, { first: [mention(who)], rotations: [barred.name] }, `record ${mention(who)}'s leave in *${barred.name}*`),
        };
      const lead = policy.people.engineering_lead ?? null;
      const summary = deps.engine.transact((tx) => {
        const overrides = activeOverrides(tx.db, tx.now);
        const lines: string[] = [];
        for (const rotation of rotations) {
          const covers = planLeave(rotation, overrides, who, from.instant, to.instant, lead);
          const rows = leaveOverrides(rotation.name, covers, userId);
          for (const row of rows) insertOverride(tx.db, tx.now, row);
          if (rows.length) deps.events(tx, { type: 'shift.changed', rotation: rotation.name });
          const described = covers.map(
            (c) =>
              `${c.role}: ${c.userId ? mention(c.userId) : 'nobody (no one free and no engineering_lead in the policy)'} from ${slackDate(c.startsAt)} to ${slackDate(c.endsAt)}`,
          );
          const line = covers.length
            ? `*${rotation.name}*: ${mention(who)} is on leave ${slackDate(from.instant)} → ${slackDate(to.instant)}. Cover:\n${described.map((d) => `• ${d}`).join('\n')}`
            : `*${rotation.name}*: ${mention(who)} is on leave ${slackDate(from.instant)} → ${slackDate(to.instant)}; they are not on call then, so nothing changes.`;
          lines.push(line);
          if (covers.length && rotation.channel) {
            tx.enqueue({
              method: 'chat.postMessage',
              args: { channel: rotation.channel, text: `:palm_tree: ${line}` },
              priority: PRIORITY.notice,
            });
          }
        }
        return lines.join('\n\n');
      });
      return { text: summary };
    },
  });

  oncall.add('lint', {
    usage: 'lint [rotation]',
    summary: 'fairness check of the next 12 weeks: long primary streaks, newcomers without a shadow week, empty shifts',
    run: async ({ args }) => {
      if (Object.keys(policy.rotations).length === 0) return noRotations();
      const rotation = args[0] ? pickRotation(policy, args[0]) : null;
      if (typeof rotation === 'string') return { text: `${rotation}\nUsage: \`/oncall lint [rotation]\`` };
      const now = clock.now();
      const overrides = activeOverrides(db, now);
      const rotations = rotation ? [rotation] : Object.values(policy.rotations);
      const findings = rotations.flatMap((r) =>
        lintRotation(r, overrides, now, now + 12 * 7 * DAY).map((f) => `• *${f.rotation}* ${slackDate(f.at)}: ${f.message}`),
      );
      const checks = rotations.flatMap((r) =>
        r.members.map(async (member) =>
          (await deps.userExists(member))
            ? null
            : `• *${r.name}*: ${mention(member)} is not a member of this workspace (or was deactivated)`,
        ),
      );
      const missing = (await Promise.all(checks)).filter((m): m is string => m !== null);
      const all = [...findings, ...missing];
      return { text: all.length ? `Schedule check, next 12 weeks:\n${all.join('\n')}` : 'Schedule check, next 12 weeks: nothing to fix.' };
    },
  });

  // Where each value came from is read from the text the policy was loaded from, once, when first asked.
  let explanation: PolicyExplanation | null = null;
  oncall.add('policy', {
    usage: 'policy [part]',
    summary:
      'the policy this bot runs, each value with where it came from (your file and line, the preset, or a built-in default); e.g. `/oncall policy escalation`',
    run: ({ args }) => policyReply((explanation ??= explainPolicy(policy)), args),
  });

  oncall.add('cancel', {
    usage: 'cancel <override id>',
    summary: 'remove an override',
    run: ({ args, userId }) => {
      const id = Number(args[0]?.replace(/^#/, ''));
      if (!args[0] || !Number.isInteger(id) || id <= 0)
        return { text: 'Say which override, by its number: `/oncall cancel 12` (`/oncall schedule` lists them).' };
      return deps.engine.transact((tx): CommandReply => {
        const row = findOverride(tx.db, id);
        if (!row || row.cancelledAt !== null) return { text: `There is no active override #${id}; \`/oncall schedule\` lists them.` };
        // A rotation since removed from the policy has no members: its overrides are its author's and the admins'.
        if (row.createdBy !== userId && !mayActFor(policy, [row.rotation], userId)) {
          return {
            text: refusal(
              policy,
              { rotations: [row.rotation], also: [`whoever made it (${mention(row.createdBy)})`] },
              `cancel override #${id}`,
            ),
          };
        }
        cancelOverride(tx.db, id, userId, tx.now);
        deps.events(tx, { type: 'shift.changed', rotation: row.rotation });
        return {
          text: `Override #${id} is cancelled: ${mention(row.userId)} is no longer ${row.role} of *${row.rotation}* for that time.`,
        };
      });
    },
  });
}
