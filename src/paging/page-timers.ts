/** Paging's timer kinds, each with its payload's schema (checked when set and when read: engine/timer-registry.ts). */
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';

const pageId = z.number().int().positive();
const index = z.number().int().nonnegative();

export const PAGE_TIMERS = {
  /** The chain's next step (or the held first step of a page quiet at night). */
  step: timerKind('page.step', z.object({ pageId, stepIndex: index, loop: index })),
  /** The chain ran out: nobody acknowledged. */
  exhaust: timerKind('page.exhaust', z.object({ pageId })),
  /** The acknowledgement deadline passed. */
  ackSla: timerKind('page.ack_sla', z.object({ pageId })),
  /** A timed notify rule (policy.notify[rule]). */
  notify: timerKind('page.notify', z.object({ pageId, rule: index })),
  /** A person paged by a DM step is reached another way too while nobody acknowledges (policy.wake, page-wake.ts). */
  wake: timerKind(
    'page.wake',
    z.object({ pageId, userId: z.string().min(1), via: z.enum(['push', 'sms', 'voice', 'email']), stepIndex: index, loop: index }),
  ),
  /** 60 s after a DM step: whether Slack delivered its DMs, else everyone it named is reached their other ways (page-fallback.ts). */
  slackCheck: timerKind('page.slack_check', z.object({ pageId, stepIndex: index, loop: index })),
  /**
   * A digest (page-digest.ts) is drawn anew with the pages it lists when its pace allows (`priority`: the edit's,
   * PRIORITY.page when a page joined it; absent, cosmetic: a page in it changed state).
   */
  digestRefresh: timerKind(
    'page.digest_refresh',
    z.object({ ref: z.string().min(1), priority: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional() }),
  ),
} as const;
