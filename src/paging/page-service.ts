/**
 * The shell around paging's decisions. Every entry point takes an EngineTx and runs the same three beats in
 * it: gather (page-gather.ts reads the page, its messages, who is on call), decide (page-decide.ts, pure,
 * returns Effects), apply (page-apply.ts writes them: rows, timers, outbox calls, then the domain events).
 * So a page's state, its timers and its Slack messages always change together.
 */
import type { Policy, SeverityEscalation } from '../config/policy.js';
import type { EventSink } from '../engine/effects.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { messageRefAt } from '../slack/slack-message-store.js';
import { MINUTE } from '../time/clock.js';
import { applyPageEffects } from './page-apply.js';
import {
  type ActedVia,
  decidePage,
  mayMessage,
  groupsReached,
  mayAct,
  refusalFor,
  type PageCommand,
  type PagingEvent,
  type PageOutcome,
} from './page-decide.js';
import { gatherDigestDraw, gatherPageState, gatherSlackCheck, NO_CONTEXT, type PageContext } from './page-gather.js';
import type { Db } from '../db/connection.js';
import { ackDeadline, chainFor } from './page-policy.js';
import { findPage, insertPage, messagesOf, pageIdOfMessageRef, pagesAbout, pagesWithMessage, type Page } from './page-store.js';
import { channelBacklogged, decideDigestDraw, digestMessage, digestPace, digestUpdate } from './page-digest.js';
import { PRIORITY, pendingPostsInChannel } from '../engine/outbox.js';
import { parseDigestRef } from './page-refs.js';
import { FALLBACK_ORDER } from './page-fallback.js';
import { PAGE_TIMERS } from './page-timers.js';
import type { WakeMethod } from './page-wake.js';

export { PAGE_TIMERS } from './page-timers.js';
export type { PageContext } from './page-gather.js';
export type { PageEvent, PageFellBackEvent, PagingEvent, PageOutcome } from './page-decide.js';

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

export type PageRow = Page;

export class PageService {
  private context: PageContext = NO_CONTEXT;

  /**
   * `events`: where page.acknowledged, page.resolved and page.slack_fell_back go (the table in src/app.ts).
   * `canSend`: whether this bot can send a way (its provider is configured), for the Slack fallback.
   */
  constructor(
    private readonly policy: Policy,
    private readonly events: EventSink<PagingEvent> = () => undefined,
    private readonly canSend: (via: WakeMethod) => boolean = () => true,
  ) {}

  /** Told once, at composition (app.ts), by the feature whose pages have a status of their own. */
  setContext(context: PageContext): void {
    this.context = context;
  }

  chainFor(page: Pick<Page, 'rotation' | 'severity'>): SeverityEscalation {
    return chainFor(this.policy, page);
  }

  register(engine: Engine): void {
    engine.on(PAGE_TIMERS.step, ({ payload, dueAt }, tx) =>
      this.run(tx, payload.pageId, { kind: 'step', position: { stepIndex: payload.stepIndex, loop: payload.loop }, dueAt }),
    );
    engine.on(PAGE_TIMERS.exhaust, ({ payload, dueAt }, tx) => this.run(tx, payload.pageId, { kind: 'exhaust', at: dueAt }));
    engine.on(PAGE_TIMERS.ackSla, ({ payload, dueAt }, tx) => this.run(tx, payload.pageId, { kind: 'ack-sla', dueAt }));
    engine.on(PAGE_TIMERS.notify, ({ payload }, tx) => this.run(tx, payload.pageId, { kind: 'rule-timer', rule: payload.rule }));
    engine.on(PAGE_TIMERS.wake, ({ payload }, tx) =>
      this.run(tx, payload.pageId, {
        kind: 'wake',
        userId: payload.userId,
        via: payload.via,
        stepIndex: payload.stepIndex,
        loop: payload.loop,
      }),
    );
    // A digest to draw anew (page-digest.ts): an edit now if its pace allows and nothing waiting will carry the
    // change, else the timer again when the pace allows.
    engine.on(PAGE_TIMERS.digestRefresh, ({ payload }, tx) => {
      const priority = payload.priority ?? PRIORITY.cosmetic;
      const draw = gatherDigestDraw(tx, payload.ref);
      const decision = draw ? decideDigestDraw(draw, digestPace(payload.ref), priority, tx.now) : ({ kind: 'edit' } as const);
      if (decision.kind === 'later') {
        const { ref } = payload;
        tx.schedule(
          PAGE_TIMERS.digestRefresh.spec({ subject: ref, dueAt: decision.at, key: `${ref}:refresh:${decision.at}:${priority}`, payload }),
        );
      } else if (decision.kind === 'edit') {
        const call = digestUpdate(payload.ref, pagesWithMessage(tx.db, payload.ref), priority);
        if (call) tx.enqueue(call);
      }
    });
    engine.on(PAGE_TIMERS.slackCheck, ({ payload }, tx) => {
      const page = findPage(tx.db, payload.pageId);
      if (!page) return;
      const position = { stepIndex: payload.stepIndex, loop: payload.loop };
      const sendable = FALLBACK_ORDER.filter((via) => this.canSend(via));
      this.run(tx, page.id, { kind: 'slack-check', position, ...gatherSlackCheck(tx, page, position), sendable });
    });
  }

  /** A digest's text and blocks as they stand now (the outbox draws its post and edits with this when they leave). */
  drawDigest(db: Db, ref: string): { text: string; blocks: unknown[] } | null {
    return digestMessage(ref, pagesWithMessage(db, ref));
  }

  /** Gather, decide, apply one command about one page; null when there is no such page. */
  private run(tx: EngineTx, id: number, command: PageCommand): PageOutcome | null | undefined {
    const page = findPage(tx.db, id);
    if (!page) return undefined;
    const state = gatherPageState(tx, this.policy, this.context, page, mayMessage(command));
    const { effects, outcome } = decidePage(state, command, this.policy, tx.now);
    applyPageEffects(tx, effects, this.events);
    return outcome;
  }

  private answer(tx: EngineTx, id: number, command: PageCommand): PageOutcome {
    return this.run(tx, id, command) ?? { ok: false, message: `There is no page #${id}.` };
  }

  find(tx: EngineTx, id: number): Page | null {
    return findPage(tx.db, id);
  }

  /** Creates the page and runs its first step now, in the caller's transaction. */
  create(tx: EngineTx, input: NewPage): Page {
    const row = insertPage(tx.db, {
      rotation: input.rotation,
      severity: input.severity,
      summary: input.summary,
      source: input.source,
      sourceRef: input.sourceRef ?? null,
      createdBy: input.createdBy ?? null,
      createdAt: tx.now,
    });
    this.run(tx, row.id, { kind: 'first-step' });
    // After the first step, so that someone it already paged this minute is not also sent an FYI.
    if (input.notify !== false) this.run(tx, row.id, { kind: 'declared-rules', tags: input.tags ?? [] });
    return findPage(tx.db, row.id)!;
  }

  /** The pages raised for something (an incident's `incident:12`), newest first. */
  pagesAbout(tx: EngineTx, sourceRef: string): Page[] {
    return pagesAbout(tx.db, sourceRef);
  }

  /** Whether this page reached the person (a DM or a mention) within the last minute. */
  reachedRecently(tx: EngineTx, pageId: number, userId: string): boolean {
    return messagesOf(tx.db, pageId).some((m) => m.userId === userId && m.createdAt > tx.now - MINUTE);
  }

  /** An incident's `how: page` rule: its page reaches the rule's people with Acknowledge. */
  pageByRule(tx: EngineTx, page: Page, index: number, why: string): void {
    this.run(tx, page.id, { kind: 'rule-page', rule: index, why });
  }

  /** When the page must be acknowledged by, or null: no deadline for its severity, or nobody told yet. */
  ackDeadline(page: Pick<Page, 'severity' | 'toldAt'>): number | null {
    return ackDeadline(this.policy, page);
  }

  /**
   * Whether a channel has more posts waiting than Slack sends in ~10 s (page-digest.ts): a new line for it then
   * joins the channel's digest line; another feature asks before posting a message of its own there.
   */
  channelBacklogged(tx: EngineTx, channel: string): boolean {
    return channelBacklogged(pendingPostsInChannel(tx.db, channel));
  }

  /** Who may act on a page: the rotation's members and the policy's admins (who-may.ts), and anyone it reached. */
  mayAct(tx: EngineTx, page: Page, userId: string): boolean {
    return mayAct(gatherPageState(tx, this.policy, this.context, page), this.policy, userId);
  }

  /** The user groups this page named (a step or a rule), whose members may act on it. */
  groupsReached(tx: EngineTx, pageId: number): string[] {
    return groupsReached(messagesOf(tx.db, pageId));
  }

  /** The page whose message sits at channel/ts (a DM, a channel line, a chat message), for a ✅ on it. */
  pageOfMessage(tx: EngineTx, channel: string, ts: string): number | null {
    const ref = messageRefAt(tx.db, channel, ts);
    // A digest lists many pages: a reaction on it is not an acknowledgement of one of them (Acknowledge all is).
    return ref === null || parseDigestRef(ref) ? null : pageIdOfMessageRef(tx.db, ref);
  }

  /** The refusal for someone `mayAct` says no to; `what` is e.g. "acknowledge page #3". */
  refusalFor(page: Page, what: string): string {
    return refusalFor(this.policy, page, what);
  }

  /** `acting`: how (a Slack button, key 4 on a call...), kept on the page and said in its messages; the call acted from is not ended. */
  acknowledge(tx: EngineTx, id: number, userId: string, acting: ActedVia = {}): PageOutcome {
    return this.answer(tx, id, { kind: 'acknowledge', by: userId, ...acting });
  }

  /**
   * "Acknowledge all" on a digest: each page it lists that is still open is acknowledged as this person, one by
   * one (each answers for itself: a page they may not act on is refused, and said so); the rest are left as they are.
   */
  acknowledgeAll(tx: EngineTx, ref: string, userId: string): PageOutcome {
    if (!parseDigestRef(ref)) return { ok: false, message: 'This button is not a digest of pages any more; use `/oncall pages open`.' };
    const open = pagesWithMessage(tx.db, ref).filter((p) => p.status === 'open');
    if (open.length === 0) return { ok: true, message: 'Every page in this digest was already acknowledged or resolved.' };
    const acked: number[] = [];
    const refused: string[] = [];
    for (const page of open) {
      const outcome = this.acknowledge(tx, page.id, userId, { via: 'button' });
      if (outcome.ok) acked.push(page.id);
      else refused.push(outcome.message);
    }
    const list = (ids: number[]) => ids.map((id) => `#${id}`).join(', ');
    const done = acked.length > 0 ? `You acknowledged ${acked.length} page${acked.length === 1 ? '' : 's'}: ${list(acked)}.` : '';
    const notDone = refused.length > 0 ? `Not acknowledged (${refused.length}):\n${refused.join('\n')}` : '';
    return { ok: refused.length === 0, message: [done, notDone].filter(Boolean).join('\n') };
  }

  resolve(tx: EngineTx, id: number, userId: string, acting: ActedVia = {}): PageOutcome {
    return this.answer(tx, id, { kind: 'resolve', by: userId, ...acting });
  }

  /** Resolves a page whatever its state, for whoever closed what it was about (an incident resolved). */
  resolveFor(tx: EngineTx, id: number, userId: string, why: string): void {
    this.run(tx, id, { kind: 'resolve-for', by: userId, why });
  }

  /** The alert behind a page resolved (or was acknowledged at its source): close the page unless a person already has it. */
  closeFromSource(tx: EngineTx, id: number, how: 'resolved' | 'acknowledged', source: string): boolean {
    return this.run(tx, id, { kind: 'source-close', how, source })?.ok ?? false;
  }

  /** A page's severity changed (correlation raised it, "Not P0" lowered it): the rest of its chain follows the new one. */
  changeSeverity(tx: EngineTx, id: number, severity: string): void {
    this.run(tx, id, { kind: 'change-severity', severity });
  }

  /** Twilio says how a wake call ended (its status callback); an unanswered one moves to the person's next way at once. */
  callEnded(tx: EngineTx, id: number, call: { userId: string; stepIndex: number; loop: number; status: string; sid?: string }): void {
    // The call is marked ended in wake_calls by the status route (wake-call-store.ts), so closing the page does not end it again.
    const { sid: _sid, ...ended } = call;
    this.run(tx, id, { kind: 'call-ended', ...ended });
  }

  escalateNow(tx: EngineTx, id: number, userId: string): PageOutcome {
    return this.answer(tx, id, { kind: 'escalate', by: userId });
  }
}
