/**
 * The shell around the escalation rule: gather a page and who is on call, decide (escalation.ts), apply in
 * the caller's transaction (rows, next timer, outbox messages). Every entry point takes an EngineTx so a
 * page's state, its timers and its Slack messages always change together.
 */
import { and, eq } from 'drizzle-orm';
import type { NotifyRule, Policy, SeverityEscalation } from '../config/policy.js';
import { HOUR, MINUTE } from '../time/clock.js';
import { pageMessages, pages, slackMessages } from '../db/schema.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { activeOverrides } from '../schedules/override-store.js';
import { whoIsOnCall } from '../schedules/rotation.js';
import { membersOf } from '../usergroups/usergroup-store.js';
import { mention, slackDate } from '../slack/format.js';
import { spanEnd } from '../time/business-hours.js';
import { decideEscalation, otherRotationTarget, resolveTarget, type EscalationDecision, type StepPosition } from './escalation.js';
import { pageRef, pageSubject } from './page-refs.js';
import { channelLine, channelLineBlocks, chatMessageBlocks, pageClosedBlocks, pageDmBlocks, pageTitle, stepLabel, taskBlocks } from './page-blocks.js';

export const PAGE_TIMERS = { step: 'page.step', exhaust: 'page.exhaust', ackSla: 'page.ack_sla', notify: 'page.notify' } as const;

export interface NewPage {
  rotation: string;
  severity: string;
  summary: string;
  source: 'person' | 'alert' | 'incident';
  sourceRef?: string;
  createdBy?: string;
  tags?: string[];
  /** false: the caller sends the policy's notifications itself (an incident does, with its channel). */
  notify?: boolean;
}

/** Told, inside the same transaction, when a person or the source acknowledges or resolves a page. */
export type PageListener = (tx: EngineTx, page: PageRow, event: 'acknowledged' | 'resolved', by: string) => void;

export type PageRow = typeof pages.$inferSelect;
export type PageOutcome = { ok: true; message: string } | { ok: false; message: string };

const subject = pageSubject;

/** A severity without a chain in the policy (P3 by default) still reaches the primary once, in business hours. */
const FALLBACK_CHAIN: SeverityEscalation = { loops: 1, chatOnly: true, quietAtNight: true, task: false, repeatAfterMs: null, steps: [{ afterMs: 0, page: 'primary', businessHours: false }] };

/**
 * What paging asks about the thing a page is for, without importing the feature that owns it: an incident's
 * page is mitigated when the incident is Monitoring or Resolved, and carries the incident's tags.
 */
export interface PageContext {
  /** true or false for a page about something with a status of its own; null: the page's own state decides. */
  isMitigated(tx: EngineTx, page: PageRow): boolean | null;
  tagsOf(tx: EngineTx, page: PageRow): string[];
}

const isGroupId = (id: string) => /^S[A-Z0-9]+$/.test(id);

const NO_CONTEXT: PageContext = { isMitigated: () => null, tagsOf: () => [] };

const formatMinutes = (ms: number) => (ms % HOUR === 0 ? `${ms / HOUR} h` : `${Math.round(ms / MINUTE)} min`);

export class PageService {
  private readonly listeners: PageListener[] = [];
  private context: PageContext = NO_CONTEXT;

  constructor(private readonly policy: Policy) {}

  /** Told once, at composition (app.ts), by the feature whose pages have a status of their own. */
  setContext(context: PageContext): void {
    this.context = context;
  }

  onChange(listener: PageListener): void {
    this.listeners.push(listener);
  }

  private tell(tx: EngineTx, page: PageRow, event: 'acknowledged' | 'resolved', by: string): void {
    for (const listener of this.listeners) listener(tx, page, event, by);
  }

  chainFor(page: Pick<PageRow, 'rotation' | 'severity'>): SeverityEscalation {
    const rotation = this.policy.rotations[page.rotation];
    return this.policy.escalation[rotation?.escalation ?? 'default']?.[page.severity] ?? FALLBACK_CHAIN;
  }

  private channelOf(rotationName: string): string | null {
    const r = this.policy.rotations[rotationName];
    return r?.alertsChannel ?? r?.channel ?? this.policy.channels.alerts ?? null;
  }

  register(engine: Engine): void {
    engine.register(PAGE_TIMERS.step, (timer, tx) => {
      const { pageId, stepIndex, loop } = timer.payload as { pageId: number } & StepPosition;
      const page = this.find(tx, pageId);
      if (page && page.status === 'open') this.runStep(tx, page, { stepIndex, loop }, timer.dueAt);
    });
    engine.register(PAGE_TIMERS.exhaust, (timer, tx) => {
      const page = this.find(tx, (timer.payload as { pageId: number }).pageId);
      if (page && page.status === 'open') this.exhaust(tx, page, timer.dueAt);
    });
    engine.register(PAGE_TIMERS.ackSla, (timer, tx) => {
      const page = this.find(tx, (timer.payload as { pageId: number }).pageId);
      if (page && page.status === 'open' && page.breachedAt === null) {
        tx.db.update(pages).set({ breachedAt: timer.dueAt }).where(eq(pages.id, page.id)).run();
      }
    });
    engine.register(PAGE_TIMERS.notify, (timer, tx) => {
      const { pageId, rule: index } = timer.payload as { pageId: number; rule: number };
      const page = this.find(tx, pageId);
      const rule = this.policy.notify[index];
      if (!page || !rule || !this.stillHolds(tx, page, rule)) return;
      const counted = rule.since === 'acknowledged' ? `${formatMinutes(rule.afterMs)} after it was acknowledged` : `after ${formatMinutes(rule.afterMs)}`;
      this.reach(tx, page, rule, index, `is still ${rule.when} ${counted}`);
    });
  }

  find(tx: EngineTx, id: number): PageRow | null {
    return tx.db.select().from(pages).where(eq(pages.id, id)).get() ?? null;
  }

  /** Creates the page and runs its first step now, in the caller's transaction. */
  create(tx: EngineTx, input: NewPage): PageRow {
    const row = tx.db
      .insert(pages)
      .values({ rotation: input.rotation, severity: input.severity, summary: input.summary, source: input.source, sourceRef: input.sourceRef ?? null, createdBy: input.createdBy ?? null, createdAt: tx.now })
      .returning()
      .get();
    if (this.chainFor(row).task) this.logTask(tx, row);
    else this.runStep(tx, row, { stepIndex: 0, loop: 0 }, tx.now);
    // After the first step, so that someone it already paged this minute is not also sent an FYI.
    const page = this.find(tx, row.id)!;
    this.policy.notify.forEach((rule, index) => {
      if (input.notify === false || rule.since !== 'declared' || !this.ruleApplies(rule, page, input.tags ?? [])) return;
      if (rule.when === 'declared') this.reach(tx, page, rule, index, 'was raised');
      else tx.schedule({ kind: PAGE_TIMERS.notify, subject: subject(row.id), dueAt: row.createdAt + rule.afterMs, payload: { pageId: row.id, rule: index } });
    });
    return this.find(tx, row.id)!;
  }

  private ruleApplies(rule: NotifyRule, page: PageRow, tags: readonly string[]): boolean {
    return rule.severity === page.severity && (rule.tags.length === 0 || rule.tags.some((t) => tags.includes(t)));
  }

  /**
   * Whether a timed rule still has a reason to fire. Unmitigated means what it says: for a page about an
   * incident, the incident is not yet Monitoring or Resolved (asked through `context`); for any other page, it
   * is not resolved. Unresolved: not resolved.
   */
  private stillHolds(tx: EngineTx, page: PageRow, rule: NotifyRule): boolean {
    if (page.status === 'resolved') return false;
    if (rule.when !== 'unmitigated') return true;
    return !(this.context.isMitigated(tx, page) ?? false);
  }

  /** The pages raised for something (an incident's `incident:12`), newest first. */
  pagesAbout(tx: EngineTx, sourceRef: string): PageRow[] {
    return tx.db.select().from(pages).where(eq(pages.sourceRef, sourceRef)).all().reverse();
  }

  /** Whether this page reached the person (a DM or a mention) within the last minute. */
  reachedRecently(tx: EngineTx, pageId: number, userId: string): boolean {
    return tx.db
      .select({ at: pageMessages.createdAt })
      .from(pageMessages)
      .where(and(eq(pageMessages.pageId, pageId), eq(pageMessages.userId, userId)))
      .all()
      .some((m) => m.at > tx.now - MINUTE);
  }

  /** An incident's `how: page` rule: its page reaches the rule's people with Acknowledge. */
  pageByRule(tx: EngineTx, page: PageRow, index: number, why: string): void {
    const rule = this.policy.notify[index];
    if (rule) this.reach(tx, page, { ...rule, how: 'page' }, index, why);
  }

  /**
   * A notify rule reaches its people: a page with Acknowledge (`how: page`) or an FYI. Whoever this page
   * already reached in the last minute gets nothing more: one message for one thing.
   */
  private reach(tx: EngineTx, page: PageRow, rule: NotifyRule, index: number, why: string): void {
    const rotation = this.policy.rotations[page.rotation];
    const onCall = rotation && (rule.who === 'primary' || rule.who === 'secondary') ? whoIsOnCall(rotation, activeOverrides(tx.db, tx.now), tx.now) : null;
    const target = resolveTarget(rule.who, { primary: onCall?.primary?.userId ?? null, secondary: onCall?.secondary?.userId ?? null }, this.policy.people);
    const recent = new Set(
      tx.db
        .select({ userId: pageMessages.userId, at: pageMessages.createdAt })
        .from(pageMessages)
        .where(eq(pageMessages.pageId, page.id))
        .all()
        .filter((m) => m.userId !== null && m.at > tx.now - MINUTE)
        .map((m) => m.userId!),
    );
    // Whoever acknowledged the page is already on it: a rule pulls in others, it does not page them again.
    const users = this.withMembers(tx, target.users, target.groups).filter((u) => !recent.has(u) && u !== page.ackedBy);
    if (rule.how === 'notify') {
      for (const userId of users) {
        tx.enqueue({ method: 'chat.postMessage', args: { channel: userId, text: `:information_source: FYI ${pageTitle(page)} (#${page.id}, ${page.rotation}) ${why}. No action needed unless you are asked.` }, priority: PRIORITY.notice, ref: pageRef({ kind: 'fyi', pageId: page.id, rule: index, to: userId }) });
      }
      // A group is also mentioned where the page is followed (seed 003: "auto-notify CTO + all engineers").
      const channel = this.channelOf(page.rotation);
      if (channel && target.groups.length > 0) {
        tx.enqueue({ method: 'chat.postMessage', args: { channel, text: `:information_source: ${target.groups.map((g) => `<!subteam^${g}>`).join(', ')} FYI ${pageTitle(page)} (#${page.id}) ${why}.` }, priority: PRIORITY.notice, ref: pageRef({ kind: 'fyi', pageId: page.id, rule: index, to: 'channel' }) });
      }
      return;
    }
    const label = `notify rule: ${page.severity} ${why}`;
    this.markTold(tx, page, tx.now);
    for (const userId of users) {
      const ref = pageRef({ kind: 'rule', pageId: page.id, rule: index, to: userId });
      tx.enqueue({ method: 'chat.postMessage', args: { channel: userId, ...pageDmBlocks(page, [], label) }, priority: PRIORITY.page, ref });
      tx.db.insert(pageMessages).values({ pageId: page.id, userId, ref, stepIndex: page.stepIndex, loop: page.loop, createdAt: tx.now }).run();
    }
    const channel = this.channelOf(page.rotation);
    if (channel && (users.length > 0 || target.groups.length > 0)) {
      const ref = pageRef({ kind: 'rule', pageId: page.id, rule: index, to: 'channel' });
      const text = channelLine(page, target.users, target.groups, label);
      tx.enqueue({ method: 'chat.postMessage', args: target.groups.length > 0 ? { channel, text, blocks: channelLineBlocks(page, text) } : { channel, text }, priority: PRIORITY.notice, ref });
      tx.db.insert(pageMessages).values({ pageId: page.id, userId: null, ref, stepIndex: page.stepIndex, loop: page.loop, createdAt: tx.now }).run();
      for (const group of target.groups) tx.db.insert(pageMessages).values({ pageId: page.id, userId: group, ref, stepIndex: page.stepIndex, loop: page.loop, createdAt: tx.now }).run();
    }
  }

  /** A task severity: one message in the rotation's channel with its target, no DM, no chain, no timer but the SLA's. */
  private logTask(tx: EngineTx, page: PageRow): void {
    const channel = this.chatChannelOf(page.rotation) ?? page.createdBy;
    this.markTold(tx, page, tx.now);
    if (!channel) return;
    const ref = pageRef({ kind: 'task', pageId: page.id });
    const target = this.ackDeadline({ severity: page.severity, toldAt: tx.now });
    tx.enqueue({ method: 'chat.postMessage', args: { channel, ...taskBlocks(page, target) }, priority: PRIORITY.notice, ref });
    tx.db.insert(pageMessages).values({ pageId: page.id, userId: null, ref, stepIndex: 0, loop: 0, createdAt: tx.now }).run();
  }

  /** Where a chat-only message or a task goes: the rotation's own channel first (its team reads it), then its alerts channel. */
  private chatChannelOf(rotationName: string): string | null {
    return this.policy.rotations[rotationName]?.channel ?? this.channelOf(rotationName);
  }

  private runStep(tx: EngineTx, page: PageRow, position: StepPosition, dueAt: number): void {
    const rotation = this.policy.rotations[page.rotation];
    const onCallNow = rotation ? whoIsOnCall(rotation, activeOverrides(tx.db, tx.now), tx.now) : null;
    const chain = this.chainFor(page);
    const decision = decideEscalation({
      chain,
      ...position,
      dueAt,
      now: tx.now,
      onCall: { primary: onCallNow?.primary?.userId ?? null, secondary: onCallNow?.secondary?.userId ?? null },
      others: this.othersOnCall(tx, chain),
      people: this.policy.people,
      businessHours: this.policy.businessHours,
    });
    const channel = this.channelOf(page.rotation);
    if (decision.kind === 'defer') {
      tx.schedule({ kind: PAGE_TIMERS.step, subject: subject(page.id), dueAt: decision.until, payload: { pageId: page.id, ...position }, priority: 0 });
      if (channel && position.stepIndex === 0 && position.loop === 0) {
        tx.enqueue({ method: 'chat.postMessage', args: { channel, text: `:zzz: ${pageTitle(page)} (#${page.id}) will notify the on-call at ${slackDate(decision.until)}: ${page.severity} does not page outside business hours.` }, priority: PRIORITY.notice, ref: pageRef({ kind: 'held', pageId: page.id }) });
      }
      return;
    }
    for (const skip of decision.skipped) {
      if (channel) tx.enqueue({ method: 'chat.postMessage', args: { channel, text: `:fast_forward: ${pageTitle(page)} (#${page.id}): step ${skip.stepIndex + 1} (${skip.target}) is nobody right now, skipped.` }, priority: PRIORITY.page, ref: pageRef({ kind: 'skip', pageId: page.id, loop: skip.loop, stepIndex: skip.stepIndex }) });
    }
    if (decision.kind === 'exhausted') {
      this.exhaust(tx, page, tx.now);
      return;
    }
    this.markTold(tx, page, dueAt);
    const label = stepLabel(decision.position.stepIndex, chain.steps.length, decision.position.loop, chain.loops);
    const { stepIndex, loop } = decision.position;
    if (chain.chatOnly) {
      this.askInChat(tx, page, decision.users, decision.groups, label, decision.position);
      this.scheduleNext(tx, page, decision);
      return;
    }
    const alreadyPaged = tx.db.selectDistinct({ userId: pageMessages.userId }).from(pageMessages).where(eq(pageMessages.pageId, page.id)).all().map((r) => r.userId).filter((u): u is string => u !== null && !isGroupId(u));
    // A user group is reached through its members, each with a page of their own (seed 004: "any available
    // engineering owner"); the channel line mentions the group, so whoever is in it sees it there too.
    const people = this.withMembers(tx, decision.users, decision.groups);
    for (const userId of people) {
      const others = [...new Set([...alreadyPaged, ...people])].filter((u) => u !== userId);
      const ref = pageRef({ kind: 'dm', pageId: page.id, userId, loop, stepIndex });
      tx.enqueue({ method: 'chat.postMessage', args: { channel: userId, ...pageDmBlocks(page, others, label) }, priority: PRIORITY.page, ref });
      tx.db.insert(pageMessages).values({ pageId: page.id, userId, ref, stepIndex, loop, createdAt: tx.now }).run();
    }
    if (channel) {
      const ref = pageRef({ kind: 'channel', pageId: page.id, loop, stepIndex });
      // The DMs are the page; the channel line informs, so it queues behind them.
      const text = channelLine(page, decision.users, decision.groups, label);
      // Naming a group, the line is where its members answer: it carries Acknowledge (or a ✅ on it).
      const args = decision.groups.length > 0 ? { channel, text, blocks: channelLineBlocks(page, text) } : { channel, text };
      tx.enqueue({ method: 'chat.postMessage', args, priority: PRIORITY.notice, ref });
      tx.db.insert(pageMessages).values({ pageId: page.id, userId: null, ref, stepIndex, loop, createdAt: tx.now }).run();
      for (const group of decision.groups) tx.db.insert(pageMessages).values({ pageId: page.id, userId: group, ref, stepIndex, loop, createdAt: tx.now }).run();
    }
    this.scheduleNext(tx, page, decision);
  }

  /**
   * A chat-only step: one plain message in the rotation's channel that mentions whom the step names, with
   * Acknowledge; each of them is recorded as reached (so they may act on it), all on that one message.
   * Without a channel, the same message goes to each of them directly.
   */
  private askInChat(tx: EngineTx, page: PageRow, users: string[], groups: string[], label: string, { stepIndex, loop }: StepPosition): void {
    const message = chatMessageBlocks(page, users, groups, label);
    const channel = this.chatChannelOf(page.rotation);
    const targets = channel ? [channel] : this.withMembers(tx, users, groups);
    for (const target of targets) {
      const ref = pageRef({ kind: 'chat', pageId: page.id, target, loop, stepIndex });
      tx.enqueue({ method: 'chat.postMessage', args: { channel: target, ...message }, priority: PRIORITY.page, ref });
      const reached = channel ? (users.length + groups.length > 0 ? [...users, ...groups] : [null]) : [target];
      for (const userId of reached) tx.db.insert(pageMessages).values({ pageId: page.id, userId, ref, stepIndex, loop, createdAt: tx.now }).run();
    }
  }

  private scheduleNext(tx: EngineTx, page: PageRow, decision: Extract<EscalationDecision, { kind: 'notify' }>): void {
    const { stepIndex, loop } = decision.position;
    tx.db.update(pages).set({ stepIndex, loop }).where(eq(pages.id, page.id)).run();
    const next = decision.next;
    if (next.kind === 'step') tx.schedule({ kind: PAGE_TIMERS.step, subject: subject(page.id), dueAt: next.dueAt, payload: { pageId: page.id, ...next.position }, priority: 0 });
    else tx.schedule({ kind: PAGE_TIMERS.exhaust, subject: subject(page.id), dueAt: next.dueAt, payload: { pageId: page.id }, priority: 0 });
  }

  /**
   * The first time anyone is told of the page, its acknowledgement deadline starts: a page held until business
   * hours breaches nothing while nobody knows of it (seed 002's P2 raised Saturday 03:00 is told Monday 09:00).
   */
  private markTold(tx: EngineTx, page: PageRow, at: number): void {
    if (page.toldAt !== null) return;
    // The step's due instant, like the chain's waits: a ticker that ran late does not lengthen the deadline.
    tx.db.update(pages).set({ toldAt: at }).where(eq(pages.id, page.id)).run();
    const deadline = this.ackDeadline({ ...page, toldAt: at });
    if (deadline !== null) tx.schedule({ kind: PAGE_TIMERS.ackSla, subject: subject(page.id), dueAt: deadline, payload: { pageId: page.id } });
  }

  /** When the page must be acknowledged by, or null: no deadline for its severity, or nobody told yet. */
  ackDeadline(page: Pick<PageRow, 'severity' | 'toldAt'>): number | null {
    const sla = this.policy.ackSla[page.severity];
    return sla && page.toldAt !== null ? spanEnd(this.policy.businessHours, page.toldAt, sla) : null;
  }

  private exhaust(tx: EngineTx, page: PageRow, at: number): void {
    tx.db.update(pages).set({ exhaustedAt: at }).where(eq(pages.id, page.id)).run();
    const channel = this.channelOf(page.rotation);
    const chain = this.chainFor(page);
    const text = `:warning: Nobody acknowledged ${pageTitle(page)} (#${page.id}) after ${chain.loops} round${chain.loops === 1 ? '' : 's'} of the ${page.severity} chain. It stays open: anyone can still acknowledge it.`;
    tx.enqueue({ method: 'chat.postMessage', args: { channel: channel ?? page.createdBy ?? this.policy.people.engineering_lead ?? '', text }, priority: PRIORITY.page, ref: pageRef({ kind: 'exhausted', pageId: page.id }) });
  }

  /** Who may act on a page: the rotation's members and the policy's admins (who-may.ts), and anyone it reached. */
  mayAct(tx: EngineTx, page: PageRow, userId: string): boolean {
    if (mayActFor(this.policy, [page.rotation], userId)) return true;
    if (tx.db.select({ id: pageMessages.id }).from(pageMessages).where(and(eq(pageMessages.pageId, page.id), eq(pageMessages.userId, userId))).get() !== undefined) return true;
    // Everyone a step reached, members of a named group included (today's members: someone who joined since may act too).
    return this.groupsReached(tx, page.id).some((group) => membersOf(tx.db, group)?.includes(userId) ?? false);
  }

  /** The user groups this page named (a step or a rule), whose members may act on it. */
  groupsReached(tx: EngineTx, pageId: number): string[] {
    return tx.db
      .selectDistinct({ userId: pageMessages.userId })
      .from(pageMessages)
      .where(eq(pageMessages.pageId, pageId))
      .all()
      .map((r) => r.userId)
      .filter((u): u is string => u !== null && isGroupId(u));
  }

  /** The page whose message sits at channel/ts (a DM, a channel line, a chat message), for a ✅ on it. */
  pageOfMessage(tx: EngineTx, channel: string, ts: string): number | null {
    const message = tx.db.select({ ref: slackMessages.ref }).from(slackMessages).where(and(eq(slackMessages.channel, channel), eq(slackMessages.ts, ts))).get();
    if (!message) return null;
    return tx.db.select({ pageId: pageMessages.pageId }).from(pageMessages).where(eq(pageMessages.ref, message.ref)).get()?.pageId ?? null;
  }

  /** The on-call now of the other rotations the chain's steps name ("frontend.primary"). */
  private othersOnCall(tx: EngineTx, chain: SeverityEscalation): Record<string, { primary: string | null; secondary: string | null }> {
    const others: Record<string, { primary: string | null; secondary: string | null }> = {};
    for (const step of chain.steps) {
      const name = otherRotationTarget(step.page)?.rotation;
      const rotation = name ? this.policy.rotations[name] : undefined;
      if (!rotation || others[rotation.name]) continue;
      const now = whoIsOnCall(rotation, activeOverrides(tx.db, tx.now), tx.now);
      others[rotation.name] = { primary: now.primary?.userId ?? null, secondary: now.secondary?.userId ?? null };
    }
    return others;
  }

  /** Users and the members of groups, once each; a group whose members Slack has not listed yet adds nobody (its mention still reaches it). */
  private withMembers(tx: EngineTx, users: readonly string[], groups: readonly string[]): string[] {
    return [...new Set([...users, ...groups.flatMap((g) => membersOf(tx.db, g) ?? [])])];
  }

  /** The refusal for someone `mayAct` says no to; `what` is e.g. "acknowledge page #3". */
  refusalFor(page: PageRow, what: string): string {
    return refusal(this.policy, { rotations: [page.rotation], also: [`someone page #${page.id} reached`] }, what);
  }

  private refuse(page: PageRow, verb: string): PageOutcome {
    return { ok: false, message: this.refusalFor(page, `${verb} page #${page.id}`) };
  }

  private closeMessages(tx: EngineTx, page: PageRow, outcome: string): void {
    // One edit per message: a chat-only message is recorded once for each person it mentions.
    const refs = tx.db.selectDistinct({ ref: pageMessages.ref }).from(pageMessages).where(eq(pageMessages.pageId, page.id)).all();
    const closed = pageClosedBlocks(page, outcome);
    for (const { ref } of refs) tx.enqueue({ method: 'chat.update', args: closed, priority: PRIORITY.notice, targetRef: ref });
  }

  acknowledge(tx: EngineTx, id: number, userId: string): PageOutcome {
    const page = this.find(tx, id);
    if (!page) return { ok: false, message: `There is no page #${id}.` };
    if (page.status === 'acknowledged') return { ok: false, message: `Page #${id} was already acknowledged by ${mention(page.ackedBy!)} at ${slackDate(page.ackedAt!)}.` };
    if (page.status === 'resolved') return { ok: false, message: `Page #${id} was already resolved by ${mention(page.resolvedBy!)} at ${slackDate(page.resolvedAt!)}.` };
    if (!this.mayAct(tx, page, userId)) return this.refuse(page, 'acknowledge');
    const breachedAt = this.breachedBy(page, tx.now);
    tx.db.update(pages).set({ status: 'acknowledged', ackedBy: userId, ackedAt: tx.now, breachedAt }).where(eq(pages.id, id)).run();
    tx.cancel(subject(id), PAGE_TIMERS.step);
    tx.cancel(subject(id), PAGE_TIMERS.exhaust);
    tx.cancel(subject(id), PAGE_TIMERS.ackSla);
    this.scheduleAfterAcknowledgement(tx, page);
    const late = breachedAt !== null ? ' (after the ack SLA)' : '';
    this.closeMessages(tx, page, `:white_check_mark: Acknowledged by ${mention(userId)} at ${slackDate(tx.now)}${late}, ${Math.round((tx.now - page.createdAt) / 60_000)} min after it started.`);
    this.tell(tx, page, 'acknowledged', userId);
    return { ok: true, message: `You acknowledged page #${id}.` };
  }

  resolve(tx: EngineTx, id: number, userId: string): PageOutcome {
    const page = this.find(tx, id);
    if (!page) return { ok: false, message: `There is no page #${id}.` };
    if (page.status === 'resolved') return { ok: false, message: `Page #${id} was already resolved by ${mention(page.resolvedBy!)} at ${slackDate(page.resolvedAt!)}.` };
    if (!this.mayAct(tx, page, userId)) return this.refuse(page, 'resolve');
    this.markResolved(tx, page, userId, `:large_green_circle: Resolved by ${mention(userId)} at ${slackDate(tx.now)}.`);
    return { ok: true, message: `You resolved page #${id}.` };
  }

  /** Resolves a page whatever its state, for whoever closed what it was about (an incident resolved). */
  resolveFor(tx: EngineTx, id: number, userId: string, why: string): void {
    const page = this.find(tx, id);
    if (!page || page.status === 'resolved') return;
    this.markResolved(tx, page, userId, `:large_green_circle: Resolved at ${slackDate(tx.now)}: ${why}.`);
  }

  /** When the page breached its ack SLA, if answering it now is late. */
  private breachedBy(page: PageRow, now: number): number | null {
    // The SLA timer may not have fired yet (a busy or restarted ticker): the deadline itself decides the breach.
    const deadline = this.ackDeadline(page);
    return page.breachedAt ?? (deadline !== null && now > deadline ? deadline : null);
  }

  /** Rules counted from the acknowledgement (seed 001: "not stabilized within 15 minutes: pull in the secondary"). */
  private scheduleAfterAcknowledgement(tx: EngineTx, page: PageRow): void {
    const tags = this.context.tagsOf(tx, page);
    this.policy.notify.forEach((rule, index) => {
      if (rule.since !== 'acknowledged' || !this.ruleApplies(rule, page, tags)) return;
      tx.schedule({ kind: PAGE_TIMERS.notify, subject: subject(page.id), dueAt: tx.now + rule.afterMs, payload: { pageId: page.id, rule: index } });
    });
  }

  private markResolved(tx: EngineTx, page: PageRow, userId: string, outcome: string): void {
    const id = page.id;
    // Resolving also acknowledges: the page was clearly seen (late, if the SLA was past and nobody had acknowledged).
    const breachedAt = page.ackedAt === null ? this.breachedBy(page, tx.now) : page.breachedAt;
    tx.db
      .update(pages)
      .set({ status: 'resolved', resolvedBy: userId, resolvedAt: tx.now, ackedBy: page.ackedBy ?? userId, ackedAt: page.ackedAt ?? tx.now, breachedAt })
      .where(eq(pages.id, id))
      .run();
    tx.cancel(subject(id));
    this.closeMessages(tx, page, outcome);
    this.tell(tx, page, 'resolved', userId);
  }

  /** The alert behind a page resolved (or was acknowledged at its source): close the page unless a person already has it. */
  closeFromSource(tx: EngineTx, id: number, how: 'resolved' | 'acknowledged', source: string): boolean {
    const page = this.find(tx, id);
    if (!page || page.status !== 'open') return false;
    if (how === 'acknowledged') {
      tx.db.update(pages).set({ status: 'acknowledged', ackedBy: source, ackedAt: tx.now }).where(eq(pages.id, id)).run();
      tx.cancel(subject(id), PAGE_TIMERS.step);
      tx.cancel(subject(id), PAGE_TIMERS.exhaust);
      tx.cancel(subject(id), PAGE_TIMERS.ackSla);
      this.closeMessages(tx, page, `:white_check_mark: Acknowledged at the source (${source}) at ${slackDate(tx.now)}.`);
      this.tell(tx, page, 'acknowledged', source);
    } else {
      tx.db.update(pages).set({ status: 'resolved', resolvedBy: source, resolvedAt: tx.now }).where(eq(pages.id, id)).run();
      tx.cancel(subject(id));
      this.closeMessages(tx, page, `:large_green_circle: Resolved at the source (${source}) at ${slackDate(tx.now)} before anyone acknowledged.`);
      this.tell(tx, page, 'resolved', source);
    }
    return true;
  }

  /** A page's severity changed (correlation raised it, "Not P0" lowered it): the rest of its chain follows the new one. */
  changeSeverity(tx: EngineTx, id: number, severity: string): void {
    const page = this.find(tx, id);
    if (!page || page.severity === severity) return;
    tx.db.update(pages).set({ severity }).where(eq(pages.id, id)).run();
    if (page.status !== 'open') return;
    const chain = this.chainFor({ rotation: page.rotation, severity });
    tx.cancel(subject(id), PAGE_TIMERS.step);
    tx.cancel(subject(id), PAGE_TIMERS.exhaust);
    const next = Math.min(page.stepIndex + 1, chain.steps.length - 1);
    const position = page.stepIndex + 1 < chain.steps.length ? { stepIndex: next, loop: Math.min(page.loop, chain.loops - 1) } : { stepIndex: 0, loop: Math.min(page.loop + 1, chain.loops - 1) };
    tx.schedule({ kind: PAGE_TIMERS.step, subject: subject(id), dueAt: tx.now + (chain.steps[position.stepIndex]!.afterMs || 15 * 60_000), payload: { pageId: id, ...position }, priority: 0 });
  }

  escalateNow(tx: EngineTx, id: number, userId: string): PageOutcome {
    const page = this.find(tx, id);
    if (!page) return { ok: false, message: `There is no page #${id}.` };
    if (page.status !== 'open') return { ok: false, message: `Page #${id} is already ${page.status}; there is nothing to escalate.` };
    if (!this.mayAct(tx, page, userId)) return this.refuse(page, 'escalate');
    const chain = this.chainFor(page);
    const next = page.stepIndex + 1 < chain.steps.length ? { stepIndex: page.stepIndex + 1, loop: page.loop } : page.loop + 1 < chain.loops ? { stepIndex: 0, loop: page.loop + 1 } : null;
    tx.cancel(subject(id), PAGE_TIMERS.step);
    tx.cancel(subject(id), PAGE_TIMERS.exhaust);
    if (!next) {
      this.exhaust(tx, page, tx.now);
      return { ok: true, message: `Page #${id} was at the end of its chain; the channel is told nobody acknowledged.` };
    }
    this.runStep(tx, page, next, tx.now);
    return { ok: true, message: `Page #${id} escalated to step ${next.stepIndex + 1} now (${chain.steps[next.stepIndex]!.page}).` };
  }
}
