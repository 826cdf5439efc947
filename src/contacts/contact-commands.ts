/**
 * `/oncall contact`: the person's own contact methods. With no words it opens the form; `verify <code>` takes a
 * code back; `resend` sends new codes for what is not verified yet; `show` lists them; `@someone` lists
 * another person's, for the on-call admins only. Saving the form turns it into the code modal and, after the
 * ack, sends each new value a code through itself (ContactSender, directly: a code is never stored in clear,
 * and the outbox keeps what it sends). Values never reach a log line unmasked.
 */
import type { App } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import type { Engine } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import type { Logger } from '../logger.js';
import { allowedPeople, isAdmin, listOf } from '../permissions/who-may.js';
import type { SlashCommand } from '../slack/commands.js';
import { mention, parseMention, slackDate } from '../slack/format.js';
import { viewValues } from '../slack/interaction-input.js';
import { formErrors, submitForm, type ViewSubmission } from '../slack/pre-ack.js';
import type { Clock } from '../time/clock.js';
import { CONTACT_VIEW, VERIFY_VIEW, contactForm, readContactForm, readVerifyForm, codeBlock, verifyForm } from './contact-form.js';
import { channelOf, maskValue, readCode, suggestTopic, type ContactChannel, type ContactKind, type Randomness } from './contact-rules.js';
import type { ContactSender } from './contact-sender.js';
import { homeContactNotes } from './contact-home.js';
import { contactsOf, issueCode, recordTest, saveContacts, verifyCode, type ContactMethod, type VerifyOutcome } from './contact-store.js';
import {
  PERSONAL_VIA_WORDS,
  readPersonalRule,
  readWayAndSeverity,
  RULE_USAGE,
  ruleWords,
  type PersonalWakeRule,
} from './contact-wake-rules.js';
import { dropPersonalRule, personalRulesOf, savePersonalRule } from './contact-wake-store.js';

export interface ContactDeps {
  db: Db;
  engine: Engine;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  sender: ContactSender;
  random: Randomness;
  openView(triggerId: string, view: Record<string, unknown>): Promise<void>;
}

const KIND_WORDS: Record<ContactKind, string> = { voice: 'Phone calls', sms: 'Text messages', push: 'Push (ntfy)', email: 'E-mail' };

/** The kind a code for `channel` goes out through, or why none can. */
function codeRoute(sender: ContactSender, channel: ContactChannel, methods: ContactMethod[]): { kind: ContactKind } | { why: string } {
  if (channel === 'phone') {
    const kinds = methods.filter((m) => channelOf(m.kind) === 'phone').map((m) => m.kind);
    // A text is the gentler way to deliver a code; a call reads it out when only calls are wanted.
    const kind = kinds.includes('sms') ? 'sms' : 'voice';
    return sender.canSend(kind) ? { kind } : { why: 'calls and text messages are not set up on this bot yet' };
  }
  if (channel === 'email') return sender.canSend('email') ? { kind: 'email' } : { why: 'e-mail is not set up on this bot (SMTP_URL)' };
  return sender.canSend('push') ? { kind: 'push' } : { why: 'push is not set up on this bot' };
}

interface Prepared {
  sent: Array<{ channel: ContactChannel; value: string; kind: ContactKind; code: string }>;
  notSent: Array<{ channel: ContactChannel; value: string; why: string }>;
}

/** New codes (stored hashed) for each channel, or why none can go; nothing is sent yet. */
function prepareCodes(deps: ContactDeps, userId: string, channels: ContactChannel[]): Prepared {
  const methods = contactsOf(deps.db, userId);
  const out: Prepared = { sent: [], notSent: [] };
  for (const channel of channels) {
    const value = methods.find((m) => channelOf(m.kind) === channel)?.value;
    if (value === undefined) continue;
    const route = codeRoute(deps.sender, channel, methods);
    if ('why' in route) {
      out.notSent.push({ channel, value, why: route.why });
      continue;
    }
    const issued = issueCode(deps.db, userId, channel, deps.clock.now(), deps.random);
    if (issued) out.sent.push({ channel, value: issued.value, kind: route.kind, code: issued.code });
  }
  return out;
}

/** Sends the prepared codes; each outcome is the method's last test, and a failure is DMed to the person. */
async function sendCodes(deps: ContactDeps, userId: string, prepared: Prepared): Promise<void> {
  for (const { channel, value, kind, code } of prepared.sent) {
    const text = `Your on-call bot code is ${code}. It works for 10 minutes. If you did not ask for it, ignore this.`;
    const spoken = `Your on-call bot code is ${code.split('').join(', ')}.`;
    const result = await deps.sender
      .send({ kind, to: value, title: 'On-call bot: your code', text, spoken })
      .catch((error: unknown) => ({ ok: false as const, reason: error instanceof Error ? error.name : 'error' }));
    const masked = maskValue(channel, value);
    recordTest(deps.db, userId, channel, value, deps.clock.now(), result.ok ? `code sent (${kind})` : `failed: ${result.reason}`);
    if (result.ok) {
      deps.logger.info({ userId, channel, to: masked, kind }, 'verification code sent');
      continue;
    }
    deps.logger.warn({ userId, channel, to: masked, kind, reason: result.reason }, 'could not send a verification code');
    deps.engine.transact((tx) =>
      tx.enqueue({
        method: 'chat.postMessage',
        args: {
          channel: userId,
          text: `:warning: The code for ${masked} could not be sent: ${result.reason}. Check it in \`/oncall contact\`, then \`/oncall contact resend\`.`,
        },
        priority: PRIORITY.notice,
      }),
    );
  }
}

function listing(methods: ContactMethod[]): string {
  if (methods.length === 0) return 'none yet';
  return methods
    .map((m) => {
      const verified = m.verifiedAt !== null ? `verified ${slackDate(m.verifiedAt)}` : 'not verified';
      const test = m.lastTestAt !== null ? `; last test ${slackDate(m.lastTestAt)}: ${m.lastTestResult ?? ''}` : '';
      return `• ${KIND_WORDS[m.kind]}: ${m.value} (${verified}${test})`;
    })
    .join('\n');
}

function rulesListing(rules: PersonalWakeRule[]): string {
  if (rules.length === 0) return 'none: the policy alone decides when you are reached beyond Slack.';
  return rules.map((r) => `• ${ruleWords(r)}`).join('\n');
}

/** `/oncall contact also|rules|drop ...`: the person's own wake rules, on top of the policy's. */
function personalRuleCommand(deps: ContactDeps, userId: string, word: string, rest: string[]): string {
  const { db, policy, clock, logger } = deps;
  if (word === 'rules')
    return `Your own rules (on top of the policy's):\n${rulesListing(personalRulesOf(db, userId))}\n${RULE_USAGE}\nRemove one with \`/oncall contact drop <way> <severity>\`.`;
  if (word === 'drop') {
    const which = readWayAndSeverity(rest[0], rest[1], policy);
    if (!which.ok)
      return `${which.error} Usage: \`/oncall contact drop <push|sms|call|email> <severity>\`, e.g. \`/oncall contact drop sms P0\`.`;
    const { via, severity } = which;
    const dropped = dropPersonalRule(db, userId, severity, via);
    if (dropped) logger.info({ userId, severity, via }, 'personal wake rule removed');
    const now = `Your rules:\n${rulesListing(personalRulesOf(db, userId))}`;
    return dropped
      ? `Removed your rule for ${PERSONAL_VIA_WORDS[via]} on ${severity}. ${now}`
      : `You have no rule for ${PERSONAL_VIA_WORDS[via]} on ${severity}. ${now}`;
  }
  const read = readPersonalRule(rest, policy);
  if (!read.ok) return read.error;
  savePersonalRule(db, userId, read.rule, clock.now());
  logger.info({ userId, severity: read.rule.severity, via: read.rule.via, afterMs: read.rule.afterMs }, 'personal wake rule saved');
  const verified = contactsOf(db, userId).some((m) => m.kind === read.rule.via && m.verifiedAt !== null);
  return [
    `Saved: ${ruleWords(read.rule)}, on top of the policy's steps.`,
    verified ? '' : `It applies once you have a verified ${PERSONAL_VIA_WORDS[read.rule.via]} method: \`/oncall contact\` adds one.`,
    `Your rules:\n${rulesListing(personalRulesOf(db, userId))}`,
  ]
    .filter(Boolean)
    .join('\n');
}

function outcomeWords(outcome: VerifyOutcome): string {
  switch (outcome.outcome) {
    case 'verified':
      return `Verified: ${maskValue(outcome.channel, outcome.value)} will reach you. :white_check_mark:`;
    case 'wrong':
      return `That is not the code. ${outcome.triesLeft} ${outcome.triesLeft === 1 ? 'try' : 'tries'} left.`;
    case 'exhausted':
      return 'Too many wrong codes: that code no longer works. `/oncall contact resend` sends a new one.';
    case 'expired':
      return 'That code has expired (codes work for 10 minutes). `/oncall contact resend` sends a new one.';
    case 'none':
      return 'No code is waiting for you. `/oncall contact resend` sends new ones for what is not verified yet.';
  }
}

export function registerContactCommands(oncall: SlashCommand, bolt: App, deps: ContactDeps): void {
  const { db, policy, clock, logger } = deps;
  const formFor = (userId: string) => contactForm({ current: contactsOf(db, userId), suggestedTopic: suggestTopic(deps.random) });

  oncall.add('contact', {
    usage: 'contact [verify <code> | resend | show | also <way> <severity> [now|after 2m] | rules | drop <way> <severity> | @someone]',
    summary:
      'how the bot reaches you when paged (phone, SMS, push, e-mail): opens the form; verify takes a code back; also adds your own earlier rule',
    run: async ({ args, userId, triggerId }) => {
      const word = args[0]?.toLowerCase();
      if (word === undefined) {
        await deps.openView(triggerId, formFor(userId));
        return { text: '', silent: true };
      }
      if (word === 'verify') {
        const code = readCode(args.slice(1).join(''));
        if (!code)
          return { text: 'Usage: `/oncall contact verify <code>`, with the 6 digits we sent, e.g. `/oncall contact verify 123456`.' };
        const outcome = verifyCode(db, userId, code, clock.now());
        logger.info({ userId, outcome: outcome.outcome }, 'verification code typed');
        return { text: outcomeWords(outcome) };
      }
      if (word === 'resend') {
        const unverified = [
          ...new Set(
            contactsOf(db, userId)
              .filter((m) => m.verifiedAt === null)
              .map((m) => channelOf(m.kind)),
          ),
        ];
        if (unverified.length === 0)
          return { text: 'Everything you have set is verified; nothing to resend. `/oncall contact` changes them.' };
        const prepared = prepareCodes(deps, userId, unverified);
        // Sent before the reply when the providers answer quickly; never holding the ack past Slack's 3 s.
        const sending = sendCodes(deps, userId, prepared).catch((error: unknown) =>
          logger.error({ err: error, userId }, 'sending verification codes failed'),
        );
        await Promise.race([sending, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
        const lines = [
          ...prepared.sent.map((s) => `A new code is on its way to ${maskValue(s.channel, s.value)}.`),
          ...prepared.notSent.map((n) => `${maskValue(n.channel, n.value)}: ${n.why}.`),
        ];
        return { text: `${lines.join('\n')}\nType it back with \`/oncall contact verify <code>\`.` };
      }
      if (word === 'show')
        return {
          text: [
            `How the bot reaches you:`,
            listing(contactsOf(db, userId)),
            ...homeContactNotes(db, userId),
            '`/oncall contact` changes them.',
          ].join('\n'),
        };
      if (word === 'also' || word === 'rules' || word === 'drop') return { text: personalRuleCommand(deps, userId, word, args.slice(1)) };
      const other = parseMention(args[0]);
      if (other && args.length === 1) {
        if (other !== userId && !isAdmin(policy, userId)) {
          const admins = allowedPeople(policy, { rotations: [] });
          return {
            text: admins.length
              ? `Only ${mention(other)} and the on-call admins (${listOf(admins)}) can see how ${mention(other)} is reached.`
              : `Only ${mention(other)} can see how they are reached.`,
          };
        }
        if (other !== userId) logger.info({ userId, of: other }, 'an admin looked at contact methods');
        return {
          text: [
            `How the bot reaches ${mention(other)}:`,
            listing(contactsOf(db, other)),
            ...homeContactNotes(db, other, other === userId),
          ].join('\n'),
        };
      }
      return {
        text: `"${args.join(' ')}" is not something \`/oncall contact\` takes. Usage: \`/oncall contact\` opens the form; \`/oncall contact verify 123456\`; \`/oncall contact resend\`; \`/oncall contact show\`; \`/oncall contact also sms P0 now\`; \`/oncall contact rules\`; admins: \`/oncall contact @someone\`.`,
      };
    },
  });

  /** Saved before the ack (a problem is shown on its field); the codes go out after it, the form showing where. */
  async function contactsSubmitted({ ack, body, view }: ViewSubmission): Promise<void> {
    const userId = body.user.id;
    const failure = {
      log: 'saving contact methods failed',
      fields: { userId },
      message: 'Something went wrong saving, and nothing was changed. Please try again.',
    };
    const prepared = await submitForm(ack, { logger, failureBlock: 'phone', failure }, () => {
      const read = readContactForm(viewValues(view));
      if (!read.ok) return { errors: read.errors };
      const saved = saveContacts(db, userId, read.desired, clock.now());
      const codes = prepareCodes(
        deps,
        userId,
        saved.changed.map((c) => c.channel),
      );
      logger.info(
        { userId, changed: saved.changed.map((c) => maskValue(c.channel, c.value)), removed: saved.removed },
        'contact methods saved',
      );
      return { done: codes, update: verifyForm({ sent: codes.sent, notSent: codes.notSent }) };
    });
    if (!prepared) return;
    await sendCodes(deps, userId, prepared).catch((error: unknown) =>
      logger.error({ err: error, userId }, 'sending verification codes failed'),
    );
  }

  /** The codes typed into the form, checked before the ack: a wrong one is shown on its field. */
  async function codesSubmitted({ ack, body, view }: ViewSubmission): Promise<void> {
    const userId = body.user.id;
    const values = viewValues(view);
    const failure = {
      log: 'checking verification codes failed',
      fields: { userId },
      message: 'Something went wrong checking the code, and nothing was changed. Please try again.',
    };
    await submitForm(ack, { logger, failureBlock: Object.keys(values)[0] ?? codeBlock('phone'), failure }, () => {
      const { codes, errors } = readVerifyForm(values);
      for (const { channel, code } of codes) {
        const outcome = verifyCode(db, userId, code, clock.now(), channel);
        logger.info({ userId, channel, outcome: outcome.outcome }, 'verification code typed');
        if (outcome.outcome !== 'verified') errors[codeBlock(channel)] = outcomeWords(outcome).replace(/`/g, '');
      }
      return formErrors(errors) ?? { done: codes };
    });
  }

  bolt.view(CONTACT_VIEW, contactsSubmitted);
  bolt.view(VERIFY_VIEW, codesSubmitted);
}
