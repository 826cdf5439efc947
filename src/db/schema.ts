import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Every instant is a UTC epoch-ms integer written by the app's Clock: no CURRENT_TIMESTAMP defaults,
 * so there is one clock and tests can drive it.
 */

/** Every future action (escalation step, reminder, shift boundary...) is one row here. */
export const timers = sqliteTable(
  'timers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    /** What the timer belongs to (e.g. "page:42"), so all of a subject's timers can be cancelled at once. */
    subject: text('subject').notNull(),
    /** Optional idempotency key: scheduling the same key twice keeps one row (restarts never double a timer). */
    key: text('key'),
    payload: text('payload', { mode: 'json' }).$type<unknown>().notNull(),
    dueAt: integer('due_at').notNull(),
    /** Among due timers, lower goes first: escalation steps (0) before bookkeeping such as SLA marks (1). */
    priority: integer('priority').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('timers_due_at').on(t.dueAt), index('timers_subject').on(t.subject), uniqueIndex('timers_key').on(t.key)],
);

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** Slack calls that must not be lost, written in the same transaction as the decision that wants them. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** 0 pages and escalations, 1 reminders and announcements, 2 cosmetic edits. Lower drains first. */
    priority: integer('priority').notNull(),
    method: text('method').notNull(),
    args: text('args', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Rows sharing a lane are delivered strictly in id order (one channel's messages keep their order). */
    lane: text('lane').notNull(),
    /** Name under which the delivered message's channel and ts are stored, for later edits. */
    ref: text('ref'),
    /** For edits: the ref of the message to edit; channel and ts are filled in at send time. */
    targetRef: text('target_ref'),
    /** For replies: the ref of the thread's parent message; its ts becomes thread_ts when this is sent. */
    threadRef: text('thread_ref'),
    status: text('status').$type<OutboxStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    /**
     * Set while the call is on its way to Slack. Still set when a process starts means the last one died
     * mid-call: Slack may or may not have the message, so the outbox asks before sending it again.
     */
    sendingAt: integer('sending_at'),
  },
  (t) => [
    index('outbox_pending').on(t.status, t.priority, t.id),
    index('outbox_status_lane').on(t.status, t.lane, t.id),
    // "Is the message this edit or reply waits for still on its way?", asked for every waiting head.
    index('outbox_ref').on(t.ref, t.status),
    // Retention finds what was delivered (or given up) before a date without reading the rest.
    index('outbox_done_at').on(t.status, t.sentAt),
  ],
);

/** Where a message we posted lives, so later updates edit it in place. */
export const slackMessages = sqliteTable(
  'slack_messages',
  {
    ref: text('ref').primaryKey(),
    channel: text('channel').notNull(),
    ts: text('ts').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // A reaction names its message by channel and ts: found without reading every message ever sent.
    index('slack_messages_channel_ts').on(t.channel, t.ts),
  ],
);

/** Someone else holds a role of a rotation for a while: an override, a leave cover, or an agreed swap. */
export const overrides = sqliteTable(
  'overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rotation: text('rotation').notNull(),
    role: text('role').$type<'primary' | 'secondary'>().notNull(),
    userId: text('user_id').notNull(),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    reason: text('reason').$type<'override' | 'leave' | 'swap'>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    cancelledAt: integer('cancelled_at'),
    cancelledBy: text('cancelled_by'),
  },
  // The live ones by end: "who is on call from now on" reads only overrides not yet over, never the years behind.
  (t) => [
    index('overrides_rotation_end').on(t.rotation, t.endsAt),
    index('overrides_live_end').on(t.endsAt).where(sql`${t.cancelledAt} is null`),
  ],
);

export type SwapStatus = 'pending' | 'accepted' | 'declined' | 'expired';

/** A proposed trade of shifts; the schedule changes only once the partner accepts. */
export const swapRequests = sqliteTable('swap_requests', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  rotation: text('rotation').notNull(),
  role: text('role').$type<'primary' | 'secondary'>().notNull(),
  requester: text('requester').notNull(),
  partner: text('partner').notNull(),
  /** The requester's shift, which the partner takes. */
  shiftStart: integer('shift_start').notNull(),
  shiftEnd: integer('shift_end').notNull(),
  /** The partner's shift the requester takes in return; null for a one-way cover. */
  returnStart: integer('return_start'),
  returnEnd: integer('return_end'),
  status: text('status').$type<SwapStatus>().notNull().default('pending'),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  decidedAt: integer('decided_at'),
});

export type PageStatus = 'open' | 'acknowledged' | 'resolved';

/** How a person acknowledged or resolved a page: a Slack button, a ✅ reaction, a key on a call, an SMS reply, a push's action, an e-mail link or another acknowledge link. */
export type AckVia = 'button' | 'reaction' | 'voice' | 'sms' | 'push' | 'email' | 'link';

/** A page climbing an escalation chain until someone acknowledges it. */
export const pages = sqliteTable(
  'pages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rotation: text('rotation').notNull(),
    severity: text('severity').notNull(),
    summary: text('summary').notNull(),
    /** person | alert | incident */
    source: text('source').notNull(),
    sourceRef: text('source_ref'),
    createdBy: text('created_by'),
    status: text('status').$type<PageStatus>().notNull().default('open'),
    /** The step and loop most recently notified. */
    stepIndex: integer('step_index').notNull().default(0),
    loop: integer('loop').notNull().default(0),
    /** Set when the whole chain ran out with nobody acknowledging. */
    exhaustedAt: integer('exhausted_at'),
    createdAt: integer('created_at').notNull(),
    ackedBy: text('acked_by'),
    ackedAt: integer('acked_at'),
    /** How it was acknowledged (AckVia); null: before this was kept, or at its source. */
    ackedVia: text('acked_via').$type<AckVia>(),
    resolvedBy: text('resolved_by'),
    resolvedAt: integer('resolved_at'),
    /** How it was resolved, as ackedVia. */
    resolvedVia: text('resolved_via').$type<AckVia>(),
    /** When the first person was told (a DM or chat message sent their way); the ack SLA counts from here. */
    toldAt: integer('told_at'),
    /** When the ack SLA passed without an acknowledgement. */
    breachedAt: integer('breached_at'),
    /**
     * When Slack last failed to deliver a step's DMs within 60 s and the people were reached their other ways at
     * once (paging/page-fallback.ts); null: it never had to.
     */
    slackFallbackAt: integer('slack_fallback_at'),
    /** The ways they were reached then, in order, comma-separated ("push,voice"); never a number or a topic. */
    slackFallbackVia: text('slack_fallback_via'),
  },
  // source_ref: an alert or incident finds its pages on every change (resolve, severity, acknowledgement).
  (t) => [index('pages_status').on(t.status), index('pages_created').on(t.createdAt), index('pages_source_ref').on(t.sourceRef)],
);

/** Every message a page produced (DMs and channel lines), so acknowledging can edit each in place. */
export const pageMessages = sqliteTable(
  'page_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pageId: integer('page_id')
      .notNull()
      .references(() => pages.id),
    /** null for a channel line */
    userId: text('user_id'),
    ref: text('ref').notNull(),
    stepIndex: integer('step_index').notNull(),
    loop: integer('loop').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('page_messages_page').on(t.pageId),
    // A person's messages of the last minute (their digest facts, counted for every new page): a range of the
    // index holding all that is read, not every message the person ever got. Serves lookups by person alone too.
    index('page_messages_user_recent').on(t.userId, t.createdAt, t.pageId, t.ref),
    index('page_messages_ref').on(t.ref),
    index('page_messages_created').on(t.createdAt),
  ],
);

export type AlertRowStatus = 'firing' | 'acknowledged' | 'resolved';

/** One alert per source identity while it is open; repeats count up instead of adding rows. */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    integration: text('integration').notNull(),
    source: text('source').notNull(),
    dedupKey: text('dedup_key').notNull(),
    status: text('status').$type<AlertRowStatus>().notNull(),
    service: text('service'),
    severity: text('severity').notNull(),
    /** The severity routing gave before correlation raised it ("Not P0" lowers it back to this). */
    routedSeverity: text('routed_severity'),
    /** The silence that kept it from paging, if any. */
    silenceId: integer('silence_id'),
    rotation: text('rotation').notNull(),
    summary: text('summary').notNull(),
    details: text('details').notNull(),
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    links: text('links', { mode: 'json' }).$type<Array<{ href: string; text: string }>>().notNull(),
    count: integer('count').notNull().default(1),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    resolvedAt: integer('resolved_at'),
    pageId: integer('page_id'),
    /** When its channel message was last edited with the count (storms edit at most every 10 s). */
    lastEditedAt: integer('last_edited_at'),
    /** The alert group it belongs to (alert_groups); null for alerts stored before grouping. */
    groupId: integer('group_id'),
    /** The source's own group it came in (Alertmanager's groupKey): the source's group resolve closes it. */
    sourceGroupKey: text('source_group_key'),
  },
  (t) => [
    index('alerts_identity').on(t.integration, t.dedupKey, t.status),
    // A group's members, newest first (its message shows the latest few).
    index('alerts_group').on(t.groupId),
    index('alerts_source_group').on(t.integration, t.sourceGroupKey, t.status),
    index('alerts_service_source_seen').on(t.service, t.source, t.lastSeenAt),
    // A handoff's "alerts this shift" and reports read a time range, not a year of alerts.
    index('alerts_rotation_seen').on(t.rotation, t.lastSeenAt),
    index('alerts_seen').on(t.lastSeenAt),
  ],
);

/** firing until someone (or the page) acknowledges it; resolved when every member resolved or its page was resolved. */
export type AlertGroupStatus = 'firing' | 'acknowledged' | 'resolved';

/**
 * Alerts that belong together (same integration, rotation and grouping key within the window): one page, one
 * message in the alerts channel with the count and the latest members.
 */
export const alertGroups = sqliteTable(
  'alert_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    integration: text('integration').notNull(),
    source: text('source').notNull(),
    rotation: text('rotation').notNull(),
    /** The grouping key: the values of `grouping.by` for its alerts, as JSON (with whether it was silenced). */
    groupKey: text('group_key').notNull(),
    status: text('status').$type<AlertGroupStatus>().notNull(),
    service: text('service'),
    severity: text('severity').notNull(),
    /** The severity routing gave before correlation raised it ("Not P0" lowers it back to this). */
    routedSeverity: text('routed_severity').notNull(),
    summary: text('summary').notNull(),
    silenceId: integer('silence_id'),
    pageId: integer('page_id'),
    /** The alert that started it (a group of one is shown as that alert, as before grouping). */
    firstAlertId: integer('first_alert_id'),
    /** Its member alerts (rows of alerts), and how many of them are not resolved. */
    count: integer('count').notNull(),
    openCount: integer('open_count').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    resolvedAt: integer('resolved_at'),
    /** When its message was last edited (edits at most every 10 s). */
    lastEditedAt: integer('last_edited_at'),
    /** The incident it declared (policy `declare_incident`): a group declares at most one. */
    incidentId: integer('incident_id'),
    /** The page DMs (their refs) under which a reply says what the group holds, kept up to date with its message. */
    dmReplies: text('dm_replies', { mode: 'json' }).$type<string[]>().notNull(),
  },
  (t) => [
    index('alert_groups_open').on(t.integration, t.rotation, t.groupKey, t.status),
    index('alert_groups_service_source_seen').on(t.service, t.source, t.lastSeenAt),
    index('alert_groups_page').on(t.pageId),
    index('alert_groups_status_seen').on(t.status, t.lastSeenAt),
  ],
);

/** While a silence lasts, alerts for its service are recorded and shown as silenced but page nobody. */
export const silences = sqliteTable('silences', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  service: text('service').notNull(),
  reason: text('reason').notNull(),
  createdBy: text('created_by').notNull(),
  startsAt: integer('starts_at').notNull(),
  endsAt: integer('ends_at').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** An incident: its state, who runs it, where it lives in Slack, and its reminder and postmortem clock. */
export const incidents = sqliteTable(
  'incidents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    severity: text('severity').notNull(),
    // The statuses of incidents/cadence.ts (the store does not import features).
    status: text('status').$type<'investigating' | 'mitigating' | 'monitoring' | 'resolved'>().notNull().default('investigating'),
    service: text('service'),
    environment: text('environment'),
    impact: text('impact').notNull(),
    /** data, security: widen who is told. */
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    rotation: text('rotation'),
    declaredBy: text('declared_by').notNull(),
    commander: text('commander').notNull(),
    /** role name -> user id, besides the commander. */
    roles: text('roles', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    /** The incident's own channel; null when it lives in a thread of the incidents channel. */
    channelId: text('channel_id'),
    /** The incidents channel, where the announcement (or, in thread mode, the whole incident) goes. */
    announceChannel: text('announce_channel'),
    declaredAt: integer('declared_at').notNull(),
    /** The last status update (an update, a status change); null before the first. */
    lastUpdateAt: integer('last_update_at'),
    nextUpdateDueAt: integer('next_update_due_at'),
    firstUpdateDueAt: integer('first_update_due_at'),
    resolvedAt: integer('resolved_at'),
    resolvedBy: text('resolved_by'),
    resolution: text('resolution'),
    postmortemDueAt: integer('postmortem_due_at'),
    postmortemLink: text('postmortem_link'),
    postmortemDoneAt: integer('postmortem_done_at'),
    /** Closed as something other than an incident: bug, configuration issue, user support. */
    classification: text('classification'),
  },
  (t) => [
    index('incidents_status').on(t.status),
    index('incidents_channel').on(t.channelId),
    index('incidents_declared').on(t.declaredAt),
    index('incidents_resolved').on(t.resolvedAt),
  ],
);

/** The timeline: everything that happened to an incident, in order, the postmortem's raw material. */
export const incidentEvents = sqliteTable(
  'incident_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    at: integer('at').notNull(),
    /** declared, update, status, severity, commander, role, page, ack, pinned, resolved, postmortem, reminder */
    kind: text('kind').notNull(),
    actor: text('actor'),
    text: text('text').notNull(),
  },
  (t) => [index('incident_events_incident').on(t.incidentId, t.at)],
);

/** A posted handoff: what the outgoing primary wrote for one boundary, and the incoming one's confirmation. */
export const handoffs = sqliteTable(
  'handoffs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rotation: text('rotation').notNull(),
    /** The boundary this handoff is for: the incoming shift's start. */
    boundary: integer('boundary').notNull(),
    outgoing: text('outgoing'),
    incoming: text('incoming'),
    postedBy: text('posted_by').notNull(),
    /** The template's fields as written: [{ label, value }]. */
    fields: text('fields', { mode: 'json' }).$type<Array<{ label: string; value: string }>>().notNull(),
    channel: text('channel').notNull(),
    postedAt: integer('posted_at').notNull(),
    confirmedBy: text('confirmed_by'),
    confirmedAt: integer('confirmed_at'),
    /** An emergency handoff mid-shift: the reason given. */
    emergencyReason: text('emergency_reason'),
    /** Emergency: who volunteered to cover secondary. */
    coveredBy: text('covered_by'),
  },
  (t) => [index('handoffs_rotation_boundary').on(t.rotation, t.boundary)],
);

/** The triage checklist of an incident: who ticked which item, when. */
export const checklistItems = sqliteTable(
  'checklist_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    checkedBy: text('checked_by'),
    checkedAt: integer('checked_at'),
  },
  (t) => [uniqueIndex('checklist_items_incident_position').on(t.incidentId, t.position)],
);

/** Escalation triggers marked on an incident (each at most once). */
export const incidentTriggers = sqliteTable(
  'incident_triggers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => incidents.id),
    name: text('name').notNull(),
    markedBy: text('marked_by').notNull(),
    markedAt: integer('marked_at').notNull(),
  },
  (t) => [uniqueIndex('incident_triggers_incident_name').on(t.incidentId, t.name)],
);

/**
 * One calendar-feed token per person. Only its SHA-256 is kept: the link is shown once, and a stolen database
 * opens no feed. Resetting replaces the row, so the old link stops working at once.
 */
export const calendarTokens = sqliteTable('calendar_tokens', {
  userId: text('user_id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: integer('created_at').notNull(),
});

/** Who has looked at the App Home tab lately: their Home is republished when pages, incidents or shifts change. */
export const homeViewers = sqliteTable('home_viewers', {
  userId: text('user_id').primaryKey(),
  openedAt: integer('opened_at').notNull(),
});

/**
 * A Slack user group the policy names (a chain step's `page`, a notify rule's or trigger's `who`) whose members
 * Slack has told us, and when. Its presence is what tells "fetched, and empty" from "never fetched".
 */
export const usergroupFetches = sqliteTable('usergroup_fetches', {
  groupId: text('group_id').primaryKey(),
  fetchedAt: integer('fetched_at').notNull(),
});

/** The members of each fetched user group as Slack last listed them (replaced whole on every fetch). */
export const usergroupMembers = sqliteTable(
  'usergroup_members',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => usergroupFetches.groupId, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
);

/**
 * Who the bot is on Slack (auth.test's answer), kept so a restart while Slack is down still serves commands:
 * Bolt asks auth.test before its first request and fails every request while that call fails. Keyed by a hash
 * of the bot token (never the token itself), so a new token asks again.
 */
export const slackIdentity = sqliteTable('slack_identity', {
  tokenHash: text('token_hash').primaryKey(),
  botUserId: text('bot_user_id').notNull(),
  botId: text('bot_id').notNull(),
  checkedAt: integer('checked_at').notNull(),
});

/**
 * How each person can be reached besides Slack (issue #21), owned by that person: one row per kind. The phone
 * number sits in a `voice` and an `sms` row when both are ticked. Personal data: read only through
 * src/contacts/contact-store.ts, never logged unmasked.
 */
export const contactMethods = sqliteTable(
  'contact_methods',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').notNull(),
    /** voice | sms | push | email */
    kind: text('kind').notNull(),
    /** E.164 phone number, ntfy topic or e-mail address. */
    value: text('value').notNull(),
    /** When the person typed back a code sent through it; null: unverified (a changed value starts unverified). */
    verifiedAt: integer('verified_at'),
    /** The last message sent through it on purpose (a code or a test), and how that went ("sent", "failed: ..."). */
    lastTestAt: integer('last_test_at'),
    lastTestResult: text('last_test_result'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('contact_methods_user_kind').on(t.userId, t.kind)],
);

/**
 * A verification code waiting to be typed back, one per person and channel (phone, push, email). Only a keyed
 * hash of the code is kept, bound to the value it verifies; it expires, allows a few tries, and is deleted when used.
 */
export const contactCodes = sqliteTable(
  'contact_codes',
  {
    userId: text('user_id').notNull(),
    /** phone | push | email */
    channel: text('channel').notNull(),
    value: text('value').notNull(),
    codeHash: text('code_hash').notNull(),
    salt: text('salt').notNull(),
    expiresAt: integer('expires_at').notNull(),
    tries: integer('tries').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.channel] })],
);

/**
 * The wake calls placed to people (paging/wake-call-store.ts): at most one is in flight per person (placed, no
 * status callback yet, younger than a bound); a restart finds the one a crash interrupted by its missing sid.
 * No phone number here: the call is to the person's verified number, read from contact_methods when placed.
 */
export const wakeCalls = sqliteTable(
  'wake_calls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').notNull(),
    /** The page whose wake step placed the call (the call names all of the person's open pages). */
    pageId: integer('page_id').notNull(),
    /** Twilio's call sid; null while the request is out (or if the process died before the answer). */
    sid: text('sid'),
    placedAt: integer('placed_at').notNull(),
    /** When the person picked up (Twilio fetched the TwiML), and the pages the call read out then (key 4 acknowledges those). */
    answeredAt: integer('answered_at'),
    named: text('named', { mode: 'json' }).$type<number[]>(),
    /** When Twilio's status callback said how it ended, and how (completed, busy, no-answer, failed, canceled). */
    endedAt: integer('ended_at'),
    endStatus: text('end_status'),
  },
  (t) => [index('wake_calls_user').on(t.userId, t.placedAt), index('wake_calls_sid').on(t.sid), index('wake_calls_page').on(t.pageId)],
);

/**
 * A person's own wake rules, beyond the policy's (`/oncall contact also sms P0 at once`): per severity, a method
 * and how long after the page it is used. They only add or bring earlier, never remove (paging/page-wake.ts).
 */
export const contactRules = sqliteTable(
  'contact_rules',
  {
    userId: text('user_id').notNull(),
    severity: text('severity').notNull(),
    /** push | sms | voice | email */
    via: text('via').notNull(),
    afterMs: integer('after_ms').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.severity, t.via] })],
);

/**
 * A test page (`/oncall test-page`): each verified method of one person in turn until they acknowledge. Its own
 * table, never a page: it is not counted in reports and climbs no chain.
 */
export const contactTests = sqliteTable(
  'contact_tests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').notNull(),
    requestedBy: text('requested_by').notNull(),
    /** The ways to try, in order, as a JSON array ("slack", "push", "sms", "voice", "email"). */
    methods: text('methods', { mode: 'json' }).$type<string[]>().notNull(),
    /** How many of them have been sent. */
    sent: integer('sent').notNull(),
    /** running | acknowledged | unanswered */
    status: text('status').notNull(),
    startedAt: integer('started_at').notNull(),
    /** The way the person acknowledged it and when. */
    ackedVia: text('acked_via'),
    endedAt: integer('ended_at'),
  },
  (t) => [index('contact_tests_user').on(t.userId, t.startedAt)],
);
