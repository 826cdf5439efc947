/**
 * Paging's decisions, pure: (state, command, policy, now) -> Effects. The state is what page-gather.ts read
 * (the page, its message rows, who is on call, the members of the user groups it may name); the effects are
 * what page-apply.ts writes (page rows, timers, outbox calls, domain events). Like GoAlert's calcUpdates: no
 * clock, no database, no Slack here, so every branch is a table test (test/paging/page-decide.test.ts).
 *
 * The order of the effects is the order the transaction script had: outbox rows keep their ids' order (a
 * page's DMs before its channel line) and so does the rest.
 */
import { pageTargetText, type NotifyRule, type Policy } from '../config/policy.js';
import { noEffects, type Effects } from '../engine/effects.js';
import type { TimerKind } from '../engine/timer-registry.js';
import { messageLane, PRIORITY, type OutgoingCall, type Priority } from '../engine/outbox.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { mention, slackDate } from '../slack/format.js';
import { MINUTE } from '../time/clock.js';
import { durationWords } from '../time/duration-words.js';
import { decideEscalation, nextStep, nextStepWithin, resolveWho, stepWait, type OnCallNow, type StepPosition } from './escalation.js';
import {
  acknowledgedOutcome,
  channelLine,
  channelLineBlocks,
  chatMessageBlocks,
  pageClosedBlocks,
  pageDmBlocks,
  pageTitle,
  resolvedOutcome,
  stepLabel,
  taskBlocks,
} from './page-blocks.js';
import { endCallRequest } from './page-call-end.js';
import { ackDeadline, alertsChannelOf, chainFor, chatChannelOf, notifyRuleApplies } from './page-policy.js';
import { pageRef, pageSubject } from './page-refs.js';
import type { AckVia, Page, PageMessage, PagePatch } from './page-store.js';
import type { CallInFlight } from './wake-call-store.js';
import { decideSlackFallback, fallbackNotice, SLACK_GRACE_MS, type FallbackPerson } from './page-fallback.js';
import { PAGE_TIMERS } from './page-timers.js';
import type { PersonalWakeRule } from '../contacts/contact-wake-rules.js';
import { planWake, WAKE_METHODS, type PlannedWake, type WakeMethod } from './page-wake.js';
import { parseDigestRef, parsePageRef } from './page-refs.js';
import {
  decideChannelDigest,
  decideDigestDraw,
  decidePersonDigest,
  DIGEST_DRAWER,
  digestMessage,
  digestPace,
  digestRefreshAt,
  digestUpdate,
  type ChannelDigestState,
  type DigestDecision,
  type DigestDrawState,
  type PersonDigestState,
} from './page-digest.js';

/** A row paging writes: a change to the page, or message rows. */
export type PageWrite = { kind: 'page'; id: number; patch: PagePatch } | { kind: 'messages'; rows: PageMessage[] };

/** What paging tells the rest of the bot (dispatched by the table in src/app.ts). `page` is as it was before. */
export type PageEvent =
  | { type: 'page.acknowledged'; page: Page; by: string; via?: AckVia }
  | { type: 'page.resolved'; page: Page; by: string; via?: AckVia };

/** Slack did not deliver a step's DMs within 60 s and the page reached its people another way (page-fallback.ts). */
export interface PageFellBackEvent {
  type: 'page.slack_fell_back';
  page: Page;
  via: WakeMethod[];
}

/** Everything paging tells the rest of the bot. */
export type PagingEvent = PageEvent | PageFellBackEvent;

export type PageEffects = Effects<PageWrite, PagingEvent>;

export type PageOutcome = { ok: true; message: string } | { ok: false; message: string };

/** What a decision about one page needs to know, read by page-gather.ts. */
export interface PageState {
  page: Page;
  /** The page's message rows, oldest first. */
  messages: PageMessage[];
  /** The page's rotation's on-call now. */
  onCall: OnCallNow;
  /** Other rotations' on-call now, for steps that name one ("frontend.primary"). */
  others: Record<string, OnCallNow>;
  /** Members of the user groups the chain, the notify rules and the page's messages name; null: not listed yet. */
  members: Record<string, string[] | null>;
  /** The tags of what the page is about (an incident's), for notify rules with tags. */
  tags: string[];
  /** For a page about something with a status of its own (an incident): whether it is mitigated; else null. */
  mitigated: boolean | null;
  /** The contact methods each person has verified (push, sms, voice, email), for the wake steps; absent: none. */
  verified: Record<string, readonly string[]>;
  /** Each person's own wake rules (contacts/contact-wake-rules.ts), which add to the policy's; absent: none. */
  personal?: Record<string, readonly PersonalWakeRule[]>;
  /** The page's wake calls placed and not ended yet (no status callback); absent: none. */
  callsInFlight?: readonly CallInFlight[];
  /**
   * For the digests (page-digest.ts): each person a decision may DM, and the page's alerts channel. Absent (or a
   * person left out): every DM and channel line goes on its own.
   */
  digest?: { people: Record<string, PersonDigestState>; channel: ChannelDigestState | null };
}

/** How a person acted on a page: the way (button, key 4 on a call...), and the call they acted from, which is not ended under them. */
export interface ActedVia {
  via?: AckVia;
  callSid?: string;
}

export type PageCommand =
  | { kind: 'first-step' }
  | { kind: 'step'; position: StepPosition; dueAt: number }
  | { kind: 'exhaust'; at: number }
  | { kind: 'ack-sla'; dueAt: number }
  | { kind: 'declared-rules'; tags: readonly string[] }
  | { kind: 'rule-timer'; rule: number }
  | { kind: 'rule-page'; rule: number; why: string }
  | ({ kind: 'acknowledge'; by: string } & ActedVia)
  | ({ kind: 'resolve'; by: string } & ActedVia)
  | { kind: 'resolve-for'; by: string; why: string }
  | { kind: 'source-close'; how: 'resolved' | 'acknowledged'; source: string }
  | { kind: 'change-severity'; severity: string }
  | { kind: 'escalate'; by: string }
  | { kind: 'wake'; userId: string; via: WakeMethod; stepIndex: number; loop: number }
  | { kind: 'call-ended'; userId: string; stepIndex: number; loop: number; status: string }
  /**
   * 60 s after a DM step (page.slack_check). Gathered by the shell: whose DM of that step Slack delivered, which
   * wake timers of the page are still pending (by key), and which ways this bot can send.
   */
  | {
      kind: 'slack-check';
      position: StepPosition;
      delivered: readonly string[];
      pendingWakes: ReadonlySet<string>;
      sendable: readonly WakeMethod[];
    };

export interface PageDecision {
  effects: PageEffects;
  /** The answer to the person who asked, for commands a person gives. */
  outcome: PageOutcome | null;
}

/** Whether a command may DM someone a page or post its channel line (and so needs the digests' state gathered). */
export function mayMessage(command: PageCommand): boolean {
  return ['first-step', 'step', 'escalate', 'rule-timer', 'rule-page', 'declared-rules'].includes(command.kind);
}

/** A user group id (as a step's or rule's target, or a message row's userId). */
export const isGroupId = (id: string): boolean => /^S[A-Z0-9]+$/.test(id);

/**
 * Accumulates one decision's effects. `page` follows the decision's own writes (a page told once is not told
 * again by the next rule in the same decision), and so do `messages`.
 */
class Decider {
  readonly effects: PageEffects = noEffects();
  page: Page;
  messages: PageMessage[];

  constructor(
    readonly state: PageState,
    readonly policy: Policy,
    readonly now: number,
  ) {
    this.page = state.page;
    this.messages = [...state.messages];
  }

  get subject(): string {
    return pageSubject(this.page.id);
  }

  patch(patch: PagePatch): void {
    this.effects.writes.push({ kind: 'page', id: this.page.id, patch });
    this.page = { ...this.page, ...patch };
  }

  record(rows: Array<Omit<PageMessage, 'pageId' | 'createdAt'>>): void {
    const full = rows.map((r) => ({ ...r, pageId: this.page.id, createdAt: this.now }));
    this.effects.writes.push({ kind: 'messages', rows: full });
    this.messages.push(...full);
  }

  call(call: OutgoingCall): void {
    this.effects.calls.push(call);
  }

  /** Each kind checks its own payload (engine/timer-registry.ts): a bad one throws here, at decision time. */
  set<K extends keyof typeof PAGE_TIMERS>(kind: K, timer: Parameters<(typeof PAGE_TIMERS)[K]['spec']>[0]): void {
    this.effects.timers.push({ op: 'set', timer: (PAGE_TIMERS[kind] as TimerKind<unknown>).spec(timer) });
  }

  cancel(...kinds: Array<keyof typeof PAGE_TIMERS>): void {
    if (kinds.length === 0) this.effects.timers.push({ op: 'cancel', subject: this.subject });
    for (const kind of kinds) this.effects.timers.push({ op: 'cancel', subject: this.subject, kind: PAGE_TIMERS[kind].kind });
  }

  /** Users and the members of groups, once each; a group whose members Slack has not listed yet adds nobody (its mention still reaches it). */
  withMembers(users: readonly string[], groups: readonly string[]): string[] {
    return [...new Set([...users, ...groups.flatMap((g) => this.state.members[g] ?? [])])];
  }
}

// ---------------------------------------------------------------------------------------------------------

export function decidePage(state: PageState, command: PageCommand, policy: Policy, now: number): PageDecision {
  const d = new Decider(state, policy, now);
  const outcome = run(d, command);
  return { effects: d.effects, outcome };
}

function run(d: Decider, command: PageCommand): PageOutcome | null {
  const { page } = d;
  switch (command.kind) {
    case 'first-step':
      if (chainFor(d.policy, page).task) logTask(d);
      else runStep(d, { stepIndex: 0, loop: 0 }, d.now);
      return null;
    case 'step':
      if (page.status === 'open') runStep(d, command.position, command.dueAt);
      return null;
    case 'exhaust':
      if (page.status === 'open') exhaust(d, command.at);
      return null;
    case 'ack-sla':
      if (page.status === 'open' && page.breachedAt === null) d.patch({ breachedAt: command.dueAt });
      return null;
    case 'declared-rules':
      d.policy.notify.forEach((rule, index) => {
        if (rule.since !== 'declared' || !notifyRuleApplies(rule, page.severity, command.tags)) return;
        if (rule.when === 'declared') reach(d, rule, index, 'was raised');
        else d.set('notify', { subject: d.subject, dueAt: page.createdAt + rule.afterMs, payload: { pageId: page.id, rule: index } });
      });
      return null;
    case 'rule-timer': {
      const rule = d.policy.notify[command.rule];
      if (!rule || !stillHolds(d.state, rule)) return null;
      const counted =
        rule.since === 'acknowledged' ? `${durationWords(rule.afterMs)} after it was acknowledged` : `after ${durationWords(rule.afterMs)}`;
      reach(d, rule, command.rule, `is still ${rule.when} ${counted}`);
      return null;
    }
    case 'rule-page': {
      const rule = d.policy.notify[command.rule];
      if (rule) reach(d, { ...rule, how: 'page' }, command.rule, command.why);
      return null;
    }
    case 'acknowledge':
      return acknowledge(d, command.by, command);
    case 'resolve':
      if (page.status === 'resolved')
        return {
          ok: false,
          message: `Page #${page.id} was already resolved by ${mention(page.resolvedBy!)} at ${slackDate(page.resolvedAt!)}.`,
        };
      if (!mayAct(d.state, d.policy, command.by)) return refuse(d, 'resolve');
      markResolved(d, command.by, resolvedOutcome({ by: command.by, via: command.via, at: d.now }), command);
      return { ok: true, message: `You resolved page #${page.id}.` };
    case 'resolve-for':
      if (page.status !== 'resolved') markResolved(d, command.by, `:large_green_circle: Resolved at ${slackDate(d.now)}: ${command.why}.`);
      return null;
    case 'source-close':
      return closeFromSource(d, command.how, command.source);
    case 'change-severity':
      changeSeverity(d, command.severity);
      return null;
    case 'escalate':
      return escalateNow(d, command.by);
    case 'wake':
      if (page.status === 'open') wake(d, command);
      return null;
    case 'call-ended':
      if (page.status === 'open' && CALL_UNANSWERED.has(command.status)) callUnanswered(d, command);
      return null;
    case 'slack-check':
      slackCheck(d, command);
      return null;
  }
}

/**
 * The wake timers for a person a DM step just reached (page-wake.ts): one per wake step beyond Slack through a
 * method they verified, counted from now, keyed so deciding the same step again never doubles them.
 */
function scheduleWake(d: Decider, userId: string, position: StepPosition): void {
  for (const step of wakePlan(d, userId)) setWake(d, userId, position, step, d.now + step.afterMs);
}

function wakePlan(d: Decider, userId: string): PlannedWake[] {
  return planWake({
    chain: chainFor(d.policy, d.page),
    steps: d.policy.wake[d.page.severity],
    verified: d.state.verified[userId] ?? [],
    personal: d.state.personal?.[userId] ?? [],
    severity: d.page.severity,
  });
}

const wakeKey = (d: Decider, userId: string, { stepIndex, loop }: StepPosition, index: number) =>
  `${d.subject}:wake:${userId}:${loop}:${stepIndex}:${index}`;

function setWake(d: Decider, userId: string, position: StepPosition, step: PlannedWake, dueAt: number): void {
  d.set('wake', {
    subject: d.subject,
    dueAt,
    key: wakeKey(d, userId, position, step.index),
    payload: { pageId: d.page.id, userId, via: step.via, stepIndex: position.stepIndex, loop: position.loop },
    priority: 0,
  });
}

/** How a call ends unanswered (Twilio's CallStatus). */
const CALL_UNANSWERED: ReadonlySet<string> = new Set(['busy', 'no-answer', 'failed']);

/**
 * A wake call ended unanswered (busy, no answer, failed): the person's wake steps after the call, for the same
 * DM step, are brought forward to now instead of waiting for their time. A step whose time has already come
 * (it fired, or is firing) is left alone, so nothing is sent twice.
 *
 *   wake P0 [push 1m, voice 3m, sms 10m]: the 3-minute call is busy at 3:40 -> the SMS at 3:40, not at 10:00
 */
function callUnanswered(d: Decider, { userId, stepIndex, loop }: Extract<PageCommand, { kind: 'call-ended' }>): void {
  const pagedAt = d.messages.find((m) => m.userId === userId && m.stepIndex === stepIndex && m.loop === loop)?.createdAt;
  if (pagedAt === undefined) return;
  // Slack failed this step and every other way was used at once: there is nothing later to bring forward.
  if (d.page.slackFallbackAt !== null && d.page.slackFallbackAt >= pagedAt) return;
  const plan = wakePlan(d, userId);
  const call = plan.findIndex((s) => s.via === 'voice');
  if (call < 0) return;
  for (const step of plan.slice(call + 1)) {
    if (pagedAt + step.afterMs <= d.now) continue;
    const position = { stepIndex, loop };
    d.effects.timers.push({ op: 'cancel', subject: d.subject, kind: PAGE_TIMERS.wake.kind, key: wakeKey(d, userId, position, step.index) });
    setWake(d, userId, position, step, d.now);
  }
}

/**
 * A wake timer fired while the page is still open: the provider call goes to the outbox. Its arguments name
 * the page, the person and the way, never the number or topic: those stay in the contacts table and are read
 * when the call is sent (contacts/contact-caller.ts).
 */
function wake(d: Decider, command: Extract<PageCommand, { kind: 'wake' }>): void {
  const { page } = d;
  const { userId, via, stepIndex, loop } = command;
  d.call({
    method: WAKE_METHODS[via],
    args: { pageId: page.id, userId, via, stepIndex, loop },
    priority: PRIORITY.page,
    // One lane per person and way: a slow provider holds up nobody else.
    lane: `wake:${userId}:${via}`,
  });
}

/**
 * 60 s after a DM step: the people whose DM Slack has not delivered are reached at once through every other way
 * they verified (page-fallback.ts decides); the calls are the wake calls above, the wake timers they replace are
 * cancelled, and the page records that it fell back (its row, a notice where the page is followed, an event).
 */
function slackCheck(d: Decider, command: Extract<PageCommand, { kind: 'slack-check' }>): void {
  const { page } = d;
  const { position } = command;
  const people: FallbackPerson[] = [];
  for (const m of d.messages) {
    // The step's DM to a person: their own, or their digest (which Slack delivers or not the same way).
    const userId = stepDmRecipient(m, position);
    if (userId === null || people.some((p) => p.userId === userId)) continue;
    people.push({
      userId,
      delivered: command.delivered.includes(userId),
      verified: d.state.verified[userId] ?? [],
      planned: wakePlan(d, userId).map((step) => ({
        index: step.index,
        via: step.via,
        pending: command.pendingWakes.has(wakeKey(d, userId, position, step.index)),
      })),
    });
  }
  const decision = decideSlackFallback({ page, chain: chainFor(d.policy, page), position, people, sendable: command.sendable });
  if (decision.kind === 'skip') return;
  for (const { userId, index } of decision.cancel)
    d.effects.timers.push({ op: 'cancel', subject: d.subject, kind: PAGE_TIMERS.wake.kind, key: wakeKey(d, userId, position, index) });
  for (const { userId, via } of decision.wakes) wake(d, { kind: 'wake', userId, via, ...position });
  d.patch({ slackFallbackAt: d.now, slackFallbackVia: decision.via.join(',') });
  const channel = alertsChannelOf(d.policy, page.rotation);
  // Said where the page is followed; it arrives when Slack does, after the DMs it is about.
  if (channel)
    d.call({
      method: 'chat.postMessage',
      args: { channel, text: fallbackNotice(`${pageTitle(page)} (#${page.id})`, decision.reached) },
      priority: PRIORITY.notice,
    });
  d.effects.events.push({ type: 'page.slack_fell_back', page, via: decision.via });
}

/** Whom a message row is the step's DM for: a DM of that step, or a digest that took the page for that step; else null. */
export function stepDmRecipient(m: PageMessage, position: StepPosition): string | null {
  const ref = parsePageRef(m.ref);
  if (ref?.kind === 'dm') return ref.stepIndex === position.stepIndex && ref.loop === position.loop ? ref.userId : null;
  const digest = parseDigestRef(m.ref);
  if (digest && m.userId === digest.target && m.stepIndex === position.stepIndex && m.loop === position.loop) return m.userId;
  return null;
}

/**
 * Whether a timed rule still has a reason to fire. Unmitigated means what it says: for a page about an
 * incident, the incident is not yet Monitoring or Resolved; for any other page, it is not resolved.
 * Unresolved: not resolved.
 */
function stillHolds(state: PageState, rule: NotifyRule): boolean {
  if (state.page.status === 'resolved') return false;
  if (rule.when !== 'unmitigated') return true;
  return !(state.mitigated ?? false);
}

/** Who may act on a page: the rotation's members and the policy's admins (who-may.ts), and anyone it reached. */
export function mayAct(state: PageState, policy: Policy, userId: string): boolean {
  if (mayActFor(policy, [state.page.rotation], userId)) return true;
  if (state.messages.some((m) => m.userId === userId)) return true;
  // Everyone a step reached, members of a named group included (today's members: someone who joined since may act too).
  return groupsReached(state.messages).some((group) => state.members[group]?.includes(userId) ?? false);
}

/** The user groups a page named (a step or a rule), whose members may act on it. */
export function groupsReached(messages: readonly PageMessage[]): string[] {
  return [...new Set(messages.map((m) => m.userId).filter((u): u is string => u !== null && isGroupId(u)))];
}

/** The refusal for someone `mayAct` says no to; `what` is e.g. "acknowledge page #3". */
export function refusalFor(policy: Policy, page: Page, what: string): string {
  return refusal(policy, { rotations: [page.rotation], also: [`someone page #${page.id} reached`] }, what);
}

function refuse(d: Decider, verb: string): PageOutcome {
  return { ok: false, message: refusalFor(d.policy, d.page, `${verb} page #${d.page.id}`) };
}

/**
 * A notify rule reaches its people: a page with Acknowledge (`how: page`) or an FYI. Whoever this page
 * already reached in the last minute gets nothing more: one message for one thing.
 */
function reach(d: Decider, rule: NotifyRule, index: number, why: string): void {
  const { page, now } = d;
  const target = resolveWho(rule.who, d.state.onCall, d.policy.people);
  const recent = new Set(d.messages.filter((m) => m.userId !== null && m.createdAt > now - MINUTE).map((m) => m.userId!));
  // Whoever acknowledged the page is already on it: a rule pulls in others, it does not page them again.
  const users = d.withMembers(target.users, target.groups).filter((u) => !recent.has(u) && u !== page.ackedBy);
  const channel = alertsChannelOf(d.policy, page.rotation);
  if (rule.how === 'notify') {
    for (const userId of users) {
      d.call({
        method: 'chat.postMessage',
        args: {
          channel: userId,
          text: `:information_source: FYI ${pageTitle(page)} (#${page.id}, ${page.rotation}) ${why}. No action needed unless you are asked.`,
        },
        priority: PRIORITY.notice,
        ref: pageRef({ kind: 'fyi', pageId: page.id, rule: index, to: userId }),
      });
    }
    // A group is also mentioned where the page is followed (seed 003: "auto-notify CTO + all engineers").
    if (channel && target.groups.length > 0) {
      d.call({
        method: 'chat.postMessage',
        args: {
          channel,
          text: `:information_source: ${target.groups.map((g) => `<!subteam^${g}>`).join(', ')} FYI ${pageTitle(page)} (#${page.id}) ${why}.`,
        },
        priority: PRIORITY.notice,
        ref: pageRef({ kind: 'fyi', pageId: page.id, rule: index, to: 'channel' }),
      });
    }
    return;
  }
  const label = `notify rule: ${page.severity} ${why}`;
  markTold(d, now);
  const { stepIndex, loop } = d.page;
  for (const userId of users) {
    const ref = pageRef({ kind: 'rule', pageId: page.id, rule: index, to: userId });
    dmOrDigest(d, userId, ref, pageDmBlocks(page, [], label), { stepIndex, loop });
  }
  if (channel && (users.length > 0 || target.groups.length > 0)) {
    const ref = pageRef({ kind: 'rule', pageId: page.id, rule: index, to: 'channel' });
    const text = channelLine(page, target.users, target.groups, label);
    d.call({
      method: 'chat.postMessage',
      args: target.groups.length > 0 ? { channel, text, blocks: channelLineBlocks(page, text) } : { channel, text },
      priority: PRIORITY.notice,
      ref,
    });
    d.record([null, ...target.groups].map((userId) => ({ userId, ref, stepIndex, loop })));
  }
}

/** A task severity: one message in the rotation's channel with its target, no DM, no chain, no timer but the SLA's. */
function logTask(d: Decider): void {
  const { page } = d;
  const channel = chatChannelOf(d.policy, page.rotation) ?? page.createdBy;
  markTold(d, d.now);
  if (!channel) return;
  const ref = pageRef({ kind: 'task', pageId: page.id });
  const target = ackDeadline(d.policy, { severity: page.severity, toldAt: d.now });
  d.call({ method: 'chat.postMessage', args: { channel, ...taskBlocks(page, target) }, priority: PRIORITY.notice, ref });
  d.record([{ userId: null, ref, stepIndex: 0, loop: 0 }]);
}

function runStep(d: Decider, position: StepPosition, dueAt: number): void {
  const { page, policy } = d;
  const chain = chainFor(policy, page);
  const decision = decideEscalation({
    chain,
    ...position,
    dueAt,
    now: d.now,
    onCall: d.state.onCall,
    others: d.state.others,
    people: policy.people,
    businessHours: policy.businessHours,
  });
  const channel = alertsChannelOf(policy, page.rotation);
  if (decision.kind === 'defer') {
    d.set('step', { subject: d.subject, dueAt: decision.until, payload: { pageId: page.id, ...position }, priority: 0 });
    if (channel && position.stepIndex === 0 && position.loop === 0) {
      d.call({
        method: 'chat.postMessage',
        args: {
          channel,
          text: `:zzz: ${pageTitle(page)} (#${page.id}) will notify the on-call at ${slackDate(decision.until)}: ${page.severity} does not page outside business hours.`,
        },
        priority: PRIORITY.notice,
        ref: pageRef({ kind: 'held', pageId: page.id }),
      });
    }
    return;
  }
  for (const skip of decision.skipped) {
    if (channel)
      d.call({
        method: 'chat.postMessage',
        args: {
          channel,
          text: `:fast_forward: ${pageTitle(page)} (#${page.id}): step ${skip.stepIndex + 1} (${pageTargetText(skip.target)}) is nobody right now, skipped.`,
        },
        priority: PRIORITY.page,
        ref: pageRef({ kind: 'skip', pageId: page.id, loop: skip.loop, stepIndex: skip.stepIndex }),
      });
  }
  if (decision.kind === 'exhausted') {
    exhaust(d, d.now);
    return;
  }
  markTold(d, dueAt);
  const label = stepLabel(decision.position.stepIndex, chain.steps.length, decision.position.loop, chain.loops);
  const { stepIndex, loop } = decision.position;
  if (chain.chatOnly) {
    askInChat(d, decision.users, decision.groups, label, decision.position);
  } else {
    const alreadyPaged = [...new Set(d.messages.map((m) => m.userId).filter((u): u is string => u !== null && !isGroupId(u)))];
    // A user group is reached through its members, each with a page of their own (seed 004: "any available
    // engineering owner"); the channel line mentions the group, so whoever is in it sees it there too.
    const people = d.withMembers(decision.users, decision.groups);
    for (const userId of people) {
      const others = [...new Set([...alreadyPaged, ...people])].filter((u) => u !== userId);
      const ref = pageRef({ kind: 'dm', pageId: page.id, userId, loop, stepIndex });
      dmOrDigest(d, userId, ref, pageDmBlocks(page, others, label), { stepIndex, loop });
      scheduleWake(d, userId, { stepIndex, loop });
    }
    // Paging does not depend on Slack: if these DMs are still undelivered in 60 s, the other ways are used at once.
    if (people.length > 0)
      d.set('slackCheck', {
        subject: d.subject,
        dueAt: d.now + SLACK_GRACE_MS,
        key: `${d.subject}:slack_check:${loop}:${stepIndex}`,
        payload: { pageId: page.id, stepIndex, loop },
        priority: 0,
      });
    if (channel) {
      const ref = pageRef({ kind: 'channel', pageId: page.id, loop, stepIndex });
      // The DMs are the page; the channel line informs, so it queues behind them.
      const text = channelLine(page, decision.users, decision.groups, label);
      // Naming a group, the line is where its members answer: it carries Acknowledge (or a ✅ on it).
      const args = decision.groups.length > 0 ? { channel, text, blocks: channelLineBlocks(page, text) } : { channel, text };
      // A busy channel (Slack posts one message a second) gets the line in its digest line; a line naming a group
      // is where the group's members answer, so it is always posted.
      const { digest, draw } =
        decision.groups.length === 0 ? channelDigestFor(d, channel) : { digest: { kind: 'single' as const }, draw: undefined };
      if (digest.kind === 'single') {
        d.call({ method: 'chat.postMessage', args, priority: PRIORITY.notice, ref });
        d.record([null, ...decision.groups].map((userId) => ({ userId, ref, stepIndex, loop })));
      } else joinDigest(d, digest, channel, null, { stepIndex, loop }, draw);
    }
    const via = chain.steps[stepIndex]!.via;
    if (via) reachVia(d, people, via, { stepIndex, loop }, channel);
  }
  // Where the page stands now, and what comes next.
  d.patch({ stepIndex, loop });
  const next = decision.next;
  if (next.kind === 'step')
    d.set('step', { subject: d.subject, dueAt: next.dueAt, payload: { pageId: page.id, ...next.position }, priority: 0 });
  else d.set('exhaust', { subject: d.subject, dueAt: next.dueAt, payload: { pageId: page.id }, priority: 0 });
}

/**
 * A step that names a way beyond Slack (`{ page: cto, via: voice }`, seed 003) reaches its people that way at
 * once, besides the DM, through the same outbox call a wake timer makes. Whoever has not verified the method
 * gets the DM alone, and the page's channel says so (the method's name only, never an address).
 */
function reachVia(d: Decider, people: readonly string[], via: WakeMethod, { stepIndex, loop }: StepPosition, channel: string | null): void {
  const unverified: string[] = [];
  for (const userId of people) {
    if (d.state.verified[userId]?.includes(via)) wake(d, { kind: 'wake', userId, via, stepIndex, loop });
    else unverified.push(userId);
  }
  if (!channel || unverified.length === 0) return;
  const { page } = d;
  d.call({
    method: 'chat.postMessage',
    args: {
      channel,
      text: `:information_source: ${pageTitle(page)} (#${page.id}): step ${stepIndex + 1} also reaches by ${via}, which ${unverified.map(mention).join(', ')} ${unverified.length === 1 ? 'has' : 'have'} not verified: Slack only.`,
    },
    priority: PRIORITY.notice,
    ref: pageRef({ kind: 'via', pageId: page.id, loop, stepIndex }),
  });
}

/**
 * A chat-only step: one plain message in the rotation's channel that mentions whom the step names, with
 * Acknowledge; each of them is recorded as reached (so they may act on it), all on that one message.
 * Without a channel, the same message goes to each of them directly.
 */
function askInChat(d: Decider, users: string[], groups: string[], label: string, { stepIndex, loop }: StepPosition): void {
  const { page } = d;
  const message = chatMessageBlocks(page, users, groups, label);
  const channel = chatChannelOf(d.policy, page.rotation);
  const targets = channel ? [channel] : d.withMembers(users, groups);
  for (const target of targets) {
    const ref = pageRef({ kind: 'chat', pageId: page.id, target, loop, stepIndex });
    d.call({ method: 'chat.postMessage', args: { channel: target, ...message }, priority: PRIORITY.page, ref });
    const reached = channel ? (users.length + groups.length > 0 ? [...users, ...groups] : [null]) : [target];
    d.record(reached.map((userId) => ({ userId, ref, stepIndex, loop })));
  }
}

/**
 * The first time anyone is told of the page, its acknowledgement deadline starts: a page held until business
 * hours breaches nothing while nobody knows of it (seed 002's P2 raised Saturday 03:00 is told Monday 09:00).
 */
function markTold(d: Decider, at: number): void {
  if (d.page.toldAt !== null) return;
  // The step's due instant, like the chain's waits: a ticker that ran late does not lengthen the deadline.
  d.patch({ toldAt: at });
  const deadline = ackDeadline(d.policy, d.page);
  if (deadline !== null) d.set('ackSla', { subject: d.subject, dueAt: deadline, payload: { pageId: d.page.id } });
}

function exhaust(d: Decider, at: number): void {
  const { page, policy } = d;
  d.patch({ exhaustedAt: at });
  const channel = alertsChannelOf(policy, page.rotation);
  const chain = chainFor(policy, page);
  const text = `:warning: Nobody acknowledged ${pageTitle(page)} (#${page.id}) after ${chain.loops} round${chain.loops === 1 ? '' : 's'} of the ${page.severity} chain. It stays open: anyone can still acknowledge it.`;
  d.call({
    method: 'chat.postMessage',
    args: { channel: channel ?? page.createdBy ?? policy.people.engineering_lead ?? '', text },
    priority: PRIORITY.page,
    ref: pageRef({ kind: 'exhausted', pageId: page.id }),
  });
}

/** Every message of the page is edited to its final state: one edit per message (a chat message is recorded once per person it mentions). */
function closeMessages(d: Decider, page: Page, outcome: string): void {
  const closed = pageClosedBlocks(page, outcome);
  for (const ref of new Set(d.messages.map((m) => m.ref))) {
    // A digest lists other pages too: it is drawn anew (this one struck through), not replaced by this page's end.
    if (parseDigestRef(ref)) refreshDigest(d, ref);
    else d.call({ method: 'chat.update', args: closed, priority: PRIORITY.notice, targetRef: ref });
  }
}

// --- digests (page-digest.ts) ------------------------------------------------------------------------------

/** The page's DM for a person: on its own, or in their digest when they already have `digest.after` open pages this minute. */
function dmOrDigest(d: Decider, userId: string, ref: string, message: { text: string; blocks: unknown[] }, position: StepPosition): void {
  const state = d.state.digest?.people[userId];
  const digest = state ? decidePersonDigest(state, d.policy.digest.after, userId, d.page.id) : ({ kind: 'single' } as const);
  if (digest.kind === 'single') {
    d.call({ method: 'chat.postMessage', args: { channel: userId, ...message }, priority: PRIORITY.page, ref });
    d.record([{ userId, ...position, ref }]);
  } else joinDigest(d, digest, userId, userId, position, state?.draw);
}

function channelDigestFor(d: Decider, channel: string): { digest: DigestDecision; draw: DigestDrawState | undefined } {
  const state: ChannelDigestState | null | undefined = d.state.digest?.channel;
  return { digest: state ? decideChannelDigest(state, channel, d.page.id) : { kind: 'single' }, draw: state?.draw };
}

/**
 * The page joins a digest: its message row names the digest (so the page is findable there, and the person may
 * act on it); a new digest is posted with this page, one already there is drawn anew as its pace allows
 * (page-digest.ts decideDigestDraw). Both are drawn when they leave: they carry every page that joined by then.
 */
function joinDigest(
  d: Decider,
  digest: Exclude<DigestDecision, { kind: 'single' }>,
  target: string,
  userId: string | null,
  position: StepPosition,
  draw: DigestDrawState | undefined,
): void {
  const { page } = d;
  d.record([{ userId, ...position, ref: digest.ref }]);
  // A person's digest is their page; a channel's digest line informs, like the lines it stands for.
  const priority = userId ? PRIORITY.page : PRIORITY.notice;
  if (digest.kind === 'join') {
    drawDigest(d, digest.ref, priority, draw);
    return;
  }
  const message = digestMessage(digest.ref, [page])!;
  d.call({
    method: 'chat.postMessage',
    args: { channel: target, ...message },
    priority,
    ref: digest.ref,
    draw: { with: DIGEST_DRAWER, key: digest.ref },
    // A person's digest has a lane of its own, its edits after it: it does not wait behind the DMs queued for them
    // before it (it is as urgent as they are). A channel's digest line keeps its place in the channel's lane.
    ...(userId ? { lane: messageLane(digest.ref) } : {}),
  });
}

/**
 * A page joined the digest: an edit now, nothing (a post or edit still waiting will carry it), or an edit when the
 * pace allows (a timer). Without the outbox's state gathered, the timer decides at the end of the interval.
 */
function drawDigest(d: Decider, ref: string, priority: Priority, draw: DigestDrawState | undefined): void {
  if (!draw) {
    refreshDigest(d, ref, priority);
    return;
  }
  const decision = decideDigestDraw(draw, digestPace(ref), priority, d.now);
  if (decision.kind === 'edit') {
    const call = digestUpdate(ref, [d.page], priority);
    if (call) d.call(call);
  } else if (decision.kind === 'later') refreshDigest(d, ref, priority, decision.at);
}

/** The digest is drawn anew by a timer (page-service.ts): at `at`, or at the end of the current interval (one timer per interval). */
function refreshDigest(d: Decider, ref: string, priority: Priority = PRIORITY.cosmetic, at = digestRefreshAt(d.now)): void {
  d.set('digestRefresh', { subject: ref, dueAt: at, key: `${ref}:refresh:${at}:${priority}`, payload: { ref, priority }, priority: 1 });
}

/** When the page breached its ack SLA, if answering it now is late. */
function breachedBy(policy: Policy, page: Page, now: number): number | null {
  // The SLA timer may not have fired yet (a busy or restarted ticker): the deadline itself decides the breach.
  const deadline = ackDeadline(policy, page);
  return page.breachedAt ?? (deadline !== null && now > deadline ? deadline : null);
}

/**
 * The page is closed (acknowledged or resolved): each of its wake calls still ringing or in progress is ended,
 * except the one the person acted from (they hear its confirmation).
 */
function endCalls(d: Decider, acting: ActedVia = {}): void {
  for (const call of d.state.callsInFlight ?? []) if (call.sid !== acting.callSid) d.call(endCallRequest(d.page.id, call));
}

function acknowledge(d: Decider, by: string, acting: ActedVia): PageOutcome {
  const { page, now, policy } = d;
  const id = page.id;
  if (page.status === 'acknowledged')
    return { ok: false, message: `Page #${id} was already acknowledged by ${mention(page.ackedBy!)} at ${slackDate(page.ackedAt!)}.` };
  if (page.status === 'resolved')
    return { ok: false, message: `Page #${id} was already resolved by ${mention(page.resolvedBy!)} at ${slackDate(page.resolvedAt!)}.` };
  if (!mayAct(d.state, policy, by)) return refuse(d, 'acknowledge');
  const breachedAt = breachedBy(policy, page, now);
  d.patch({ status: 'acknowledged', ackedBy: by, ackedAt: now, ...(acting.via ? { ackedVia: acting.via } : {}), breachedAt });
  d.cancel('step', 'exhaust', 'ackSla', 'wake', 'slackCheck');
  endCalls(d, acting);
  // Rules counted from the acknowledgement (seed 001: "not stabilized within 15 minutes: pull in the secondary").
  policy.notify.forEach((rule, index) => {
    if (rule.since !== 'acknowledged' || !notifyRuleApplies(rule, page.severity, d.state.tags)) return;
    d.set('notify', { subject: d.subject, dueAt: now + rule.afterMs, payload: { pageId: id, rule: index } });
  });
  closeMessages(
    d,
    page,
    acknowledgedOutcome({
      by,
      via: acting.via,
      at: now,
      late: breachedAt !== null,
      minutes: Math.round((now - page.createdAt) / 60_000),
    }),
  );
  d.effects.events.push({ type: 'page.acknowledged', page, by, ...(acting.via ? { via: acting.via } : {}) });
  return { ok: true, message: `You acknowledged page #${id}.` };
}

function markResolved(d: Decider, by: string, outcome: string, acting: ActedVia = {}): void {
  const { page, now } = d;
  // Resolving also acknowledges: the page was clearly seen (late, if the SLA was past and nobody had acknowledged).
  const breachedAt = page.ackedAt === null ? breachedBy(d.policy, page, now) : page.breachedAt;
  const { via } = acting;
  d.patch({
    status: 'resolved',
    resolvedBy: by,
    resolvedAt: now,
    ...(via ? { resolvedVia: via } : {}),
    ackedBy: page.ackedBy ?? by,
    ackedAt: page.ackedAt ?? now,
    ...(via && page.ackedAt === null ? { ackedVia: via } : {}),
    breachedAt,
  });
  d.cancel();
  endCalls(d, acting);
  closeMessages(d, page, outcome);
  d.effects.events.push({ type: 'page.resolved', page, by, ...(acting.via ? { via: acting.via } : {}) });
}

/** The alert behind a page resolved (or was acknowledged at its source): close the page unless a person already has it. */
function closeFromSource(d: Decider, how: 'resolved' | 'acknowledged', source: string): PageOutcome {
  const { page, now } = d;
  if (page.status !== 'open') return { ok: false, message: `Page #${page.id} is already ${page.status}.` };
  if (how === 'acknowledged') {
    d.patch({ status: 'acknowledged', ackedBy: source, ackedAt: now });
    d.cancel('step', 'exhaust', 'ackSla', 'wake', 'slackCheck');
    endCalls(d);
    closeMessages(d, page, `:white_check_mark: Acknowledged at the source (${source}) at ${slackDate(now)}.`);
    d.effects.events.push({ type: 'page.acknowledged', page, by: source });
  } else {
    d.patch({ status: 'resolved', resolvedBy: source, resolvedAt: now });
    d.cancel();
    endCalls(d);
    closeMessages(d, page, `:large_green_circle: Resolved at the source (${source}) at ${slackDate(now)} before anyone acknowledged.`);
    d.effects.events.push({ type: 'page.resolved', page, by: source });
  }
  return { ok: true, message: `Page #${page.id} is ${how} at the source.` };
}

/** A page's severity changed (correlation raised it, "Not P0" lowered it): the rest of its chain follows the new one. */
function changeSeverity(d: Decider, severity: string): void {
  const { page } = d;
  if (page.severity === severity) return;
  d.patch({ severity });
  if (page.status !== 'open') return;
  const chain = chainFor(d.policy, { rotation: page.rotation, severity });
  d.cancel('step', 'exhaust');
  const position = nextStepWithin(chain, page);
  d.set('step', { subject: d.subject, dueAt: d.now + stepWait(chain, position), payload: { pageId: page.id, ...position }, priority: 0 });
}

function escalateNow(d: Decider, by: string): PageOutcome {
  const { page } = d;
  const id = page.id;
  if (page.status !== 'open') return { ok: false, message: `Page #${id} is already ${page.status}; there is nothing to escalate.` };
  if (!mayAct(d.state, d.policy, by)) return refuse(d, 'escalate');
  const chain = chainFor(d.policy, page);
  const next = nextStep(chain, page);
  d.cancel('step', 'exhaust');
  if (!next) {
    exhaust(d, d.now);
    return { ok: true, message: `Page #${id} was at the end of its chain; the channel is told nobody acknowledged.` };
  }
  runStep(d, next, d.now);
  return {
    ok: true,
    message: `Page #${id} escalated to step ${next.stepIndex + 1} now (${pageTargetText(chain.steps[next.stepIndex]!.target)}).`,
  };
}
