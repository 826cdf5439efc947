import type { Db } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { outcomeOf } from '../slack/web-api-caller.js';
import { MINUTE, SECOND, type Clock } from '../time/clock.js';
import { fetchedAt, forgetUsergroupsExcept, membersOf, replaceMembers } from './usergroup-store.js';
import { isUsergroupId } from './watched.js';

/** A Slack Web API read answered in full; throws when Slack says no or cannot be reached (SlackCaller.read). */
export type SlackRead = (method: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** How old a group's member list may grow before the next refresh asks Slack again. */
export const USERGROUP_REFRESH_MS = 5 * MINUTE;
/**
 * At most one call per group in this window, whatever asks (refresh, retry after a failure, a member missing
 * from the list): a stranger pressing Acknowledge over and over cannot make the bot hammer Slack (Tier 2).
 */
export const USERGROUP_ASK_WINDOW_MS = 30 * SECOND;
/** How often, in real time, the running bot looks for groups whose refresh is due (the decision uses the Clock). */
const CHECK_EVERY_MS = 15 * SECOND;

export interface UsergroupDirectoryDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The groups to keep fresh: watchedUsergroups(policy). */
  groups: readonly string[];
  /** Without a read (a caller that cannot read), nothing is ever fetched and every group stays unknown. */
  read: SlackRead | undefined;
}

/**
 * Who is in the Slack user groups the policy names, for decisions that cannot await Slack.
 *
 * The member lists live in SQLite (usergroup-store.ts), so a paging decision inside a transaction reads them
 * synchronously (`membersOf(tx.db, group)`) and they survive a restart: a page due at 03:00 right after a
 * restart reaches the members known before it. This class is the shell side that fills the table: every watched
 * group at start, then each one again once its list is USERGROUP_REFRESH_MS old, and a group at once when a
 * person it is asked about is missing from it (someone just added to the group presses Acknowledge).
 *
 * Slack failing (an error, a 429, the network) keeps the list it had and is logged without the members; the
 * group is asked again after USERGROUP_ASK_WINDOW_MS. Member lists are never logged, at any level.
 */
export class UsergroupDirectory {
  /** The groups kept fresh: the policy's, and any group asked about since start. */
  private readonly watched: Set<string>;
  /** When each group was last asked of Slack (answered or not), by the injected clock. */
  private readonly askedAt = new Map<string, number>();
  /** Groups whose last ask failed, with the error, so a streak of failures is logged as a warning once. */
  private readonly failing = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: UsergroupDirectoryDeps) {
    this.watched = new Set(deps.groups);
  }

  /** The groups this directory keeps fresh, sorted. */
  get groups(): string[] {
    return [...this.watched].sort();
  }

  /**
   * Asks Slack for every watched group now, and from then on refreshes what is due every few seconds of real
   * time. Does not wait: the returned promise (never rejected) settles when the first round has. The first round
   * also forgets groups the policy no longer names.
   */
  start(): Promise<void> {
    if (this.timer || this.stopped) return Promise.resolve();
    this.timer = setInterval(() => void this.refreshDue(), CHECK_EVERY_MS);
    this.timer.unref();
    if (this.watched.size === 0) return Promise.resolve();
    return Promise.all(this.groups.map((group) => this.refresh(group))).then(() => {
      if (this.stopped) return;
      try {
        const forgotten = forgetUsergroupsExcept(this.deps.db, this.groups);
        if (forgotten > 0) this.deps.logger.info({ forgotten }, 'forgot the members of user groups the policy no longer names');
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'could not forget the members of user groups the policy no longer names');
      }
    });
  }

  /** Stops the refreshes. A read still in flight writes nothing when it comes back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves when no read is in flight (tests; a caller that wants the first round done). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
  }

  /**
   * Refreshes every watched group whose list is USERGROUP_REFRESH_MS old or was never fetched, unless it was
   * asked within USERGROUP_ASK_WINDOW_MS (a failing group is retried at that pace). Returns the groups it asked.
   */
  async refreshDue(): Promise<string[]> {
    if (this.stopped) return [];
    const now = this.deps.clock.now();
    let due: string[];
    try {
      due = this.groups.filter((group) => {
        const fetched = fetchedAt(this.deps.db, group);
        return (fetched === null || now - fetched >= USERGROUP_REFRESH_MS) && this.mayAsk(group, now);
      });
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not read which user groups are due a refresh');
      return [];
    }
    await Promise.all(due.map((group) => this.refresh(group)));
    return due;
  }

  /**
   * Asks Slack for the group's members now and records the answer; a call already in flight for the group is
   * shared. True when Slack answered (the table has its list), false when it could not (the old list stays).
   */
  refresh(groupId: string): Promise<boolean> {
    const running = this.inFlight.get(groupId);
    if (running) return running;
    const fetching = this.fetch(groupId).finally(() => this.inFlight.delete(groupId));
    this.inFlight.set(groupId, fetching);
    return fetching;
  }

  /** The group's members from the table (see membersOf): null when Slack has never answered for it. */
  members(groupId: string): string[] | null {
    return membersOf(this.deps.db, groupId);
  }

  /**
   * Whether the person is in the group, from the table; when they are missing from it, Slack is asked once for
   * the group (at most once per USERGROUP_ASK_WINDOW_MS per group, whoever asks) and the table answers again.
   * A group Slack answers for here is kept fresh from then on, like the policy's.
   */
  async isMember(groupId: string, userId: string): Promise<boolean> {
    if (!isUsergroupId(groupId)) return false;
    if (this.members(groupId)?.includes(userId)) return true;
    const running = this.inFlight.get(groupId);
    if (!running && !this.mayAsk(groupId, this.deps.clock.now())) return false;
    if (await (running ?? this.refresh(groupId))) this.watched.add(groupId);
    return this.members(groupId)?.includes(userId) ?? false;
  }

  private mayAsk(groupId: string, now: number): boolean {
    const asked = this.askedAt.get(groupId);
    return asked === undefined || now - asked >= USERGROUP_ASK_WINDOW_MS;
  }

  private async fetch(groupId: string): Promise<boolean> {
    const { read, logger, clock } = this.deps;
    if (this.stopped) return false;
    this.askedAt.set(groupId, clock.now());
    if (!read) {
      this.failed(groupId, 'no_reader', 'cannot ask Slack for user group members (no Web API reader); the group stays unknown');
      return false;
    }
    let users: string[];
    try {
      const answer = await read('usergroups.users.list', { usergroup: groupId, include_disabled: false });
      if (!Array.isArray(answer.users)) throw new Error('usergroups.users.list answered without a users list');
      users = answer.users.filter((u): u is string => typeof u === 'string' && u !== '');
    } catch (error) {
      if (this.stopped) return false;
      // The outcome, not the error object: a WebClient error carries the request it failed, headers and all.
      const outcome = outcomeOf(error);
      const code = outcome.kind === 'platform_error' ? outcome.error : outcome.kind;
      this.failed(groupId, code, failureAdvice(code), { outcome });
      return false;
    }
    if (this.stopped) return false;
    try {
      const change = replaceMembers(this.deps.db, groupId, users, clock.now());
      if (this.failing.delete(groupId)) logger.info({ usergroup: groupId }, 'Slack lists the user group members again');
      logger.debug({ usergroup: groupId, members: users.length, ...change }, 'user group members refreshed');
      return true;
    } catch (error) {
      this.failed(groupId, 'store_error', 'could not record user group members; the old list stays', { err: error });
      return false;
    }
  }

  /** A failure is a warning the first time (or when its reason changes), then debug until the group answers again. */
  private failed(groupId: string, code: string, message: string, extra: Record<string, unknown> = {}): void {
    const repeated = this.failing.get(groupId) === code;
    this.failing.set(groupId, code);
    const line = { usergroup: groupId, error: code, ...extra };
    if (repeated) this.deps.logger.debug(line, message);
    else this.deps.logger.warn(line, message);
  }
}

/** What an operator reading the log should do about Slack's answer. */
function failureAdvice(code: string): string {
  switch (code) {
    case 'missing_scope':
      return 'Slack refused to list user group members: the app lacks the usergroups:read scope (reinstall it from manifest.yml); the old list stays';
    case 'no_such_subteam':
      return 'Slack knows no user group with this id: check the id in the policy; the old list stays';
    case 'plan_upgrade_required':
      return 'this workspace has no user groups (a paid Slack plan feature); the old list stays';
    default:
      return 'could not list user group members; the old list stays';
  }
}
