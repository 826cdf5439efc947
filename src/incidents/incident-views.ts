/**
 * The incident modals (declare with triage, resolve with verification), the triage checkboxes that update
 * the suggested severity, and :pushpin: reactions that put a message in the timeline.
 */
import { incidentMessageRef } from './incident-refs.js';
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Policy } from '../config/policy.js';
import { PRIORITY } from '../engine/outbox.js';
import { metadataOf, selectedInGroups, selectedOf, textOf, viewValues, type ViewValues } from '../slack/interaction-input.js';
import type { Clock } from '../time/clock.js';
import { incidentChannelName } from './channel-name.js';
import { INCIDENT_ACTIONS, INCIDENT_VIEWS } from './incident-blocks.js';
import { declareView, type IncidentDeps } from './incident-commands.js';
import { answersFrom, suggestSeverity, tagsFrom } from './triage.js';

/** What the declare form carries in private_metadata: the typed title and where the command was typed. */
const declareMetadata = z.looseObject({ title: z.string().optional(), channel: z.string().optional() });

const severityBlock = (values: ViewValues) => Object.keys(values).find((k) => k === 'severity' || k.startsWith('severity:')) ?? 'severity';

/** The declare form's rules; each message is shown on its field. */
function declareSchema(policy: Policy) {
  const oneOf = (list: string[], what: string) =>
    z.string({ error: `Choose ${what}.` }).refine((v) => list.includes(v), { error: `Choose one of ${list.join(', ')}.` });
  return z.object({
    title: z
      .string({ error: 'Give the incident a title.' })
      .trim()
      .min(3, { error: 'A title of at least 3 characters, e.g. "Checkout returns 500s".' })
      .max(150, { error: 'At most 150 characters.' }),
    service: policy.services.length
      ? oneOf(policy.services, 'a service').optional()
      : z.string().trim().max(80, { error: 'At most 80 characters.' }).optional(),
    environment: oneOf(policy.environments, 'the environment'),
    impact: z
      .string({ error: 'Say who is affected and how.' })
      .trim()
      .min(3, { error: 'Say who is affected and how, e.g. "all EU users cannot pay".' }),
    severity: oneOf(
      policy.severities.map((s) => s.id),
      'a severity',
    ),
    rotation: Object.keys(policy.rotations).length
      ? oneOf(Object.keys(policy.rotations), 'the rotation to page').optional()
      : z.undefined(),
  });
}

function fieldErrors(issues: z.core.$ZodIssue[], blockFor: (field: string) => string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'title');
    errors[blockFor(field)] ??= issue.message;
  }
  return errors;
}

/** Channel names that are taken get -2, -3...; after that the thread fallback is better than guessing on. */
const NAME_ATTEMPTS = 5;

export function registerIncidentViews(bolt: App, deps: IncidentDeps & { clock: Clock }): void {
  const { engine, incidents, policy, logger, slack, clock } = deps;
  const schema = declareSchema(policy);

  bolt.action(INCIDENT_ACTIONS.triage, async ({ ack, body }) => {
    await ack();
    const view = (body as { view?: { id: string; hash?: string; private_metadata?: string; state?: { values?: unknown } } }).view;
    if (!view) return;
    const values = viewValues(view);
    const answers = answersFrom(selectedOf(values, 'triage'), textOf(values, 'environment') ?? null);
    const suggestion = suggestSeverity(answers);
    const meta = metadataOf(view.private_metadata, declareMetadata) ?? {};
    // What the form carries is rebuilt from what it should hold (the title, the channel it was typed in), never
    // echoed: Slack refuses private_metadata over 3,000 characters, and the whole updated view with it.
    const carried = JSON.stringify({
      ...(meta.channel && /^[CDG][A-Z0-9]{2,30}$/.test(meta.channel) ? { channel: meta.channel } : {}),
      title: (meta.title ?? '').slice(0, 150),
    });
    const updated = declareView(policy, meta.title?.slice(0, 150) ?? '', carried, {
      ...suggestion,
      severity: policy.severities[suggestion.rank]!.id,
    });
    await slack
      .updateView(view.id, view.hash, updated)
      .catch((error: unknown) => logger.warn({ err: error }, 'could not update the triage suggestion'));
  });

  bolt.view(INCIDENT_VIEWS.declare, async ({ ack, body, view }) => {
    const values = viewValues(view);
    const sevBlock = severityBlock(values);
    const rotations = Object.keys(policy.rotations);
    const parsed = schema.safeParse({
      title: textOf(values, 'title'),
      service: textOf(values, 'service') || undefined,
      environment: textOf(values, 'environment'),
      impact: textOf(values, 'impact'),
      severity: textOf(values, sevBlock),
      // The form asks only when there is a choice; with one rotation it is that one.
      rotation: rotations.length > 1 ? textOf(values, 'rotation') : rotations[0],
    });
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(parsed.error.issues, (f) => (f === 'severity' ? sevBlock : f)) });
      return;
    }
    await ack();
    const form = parsed.data;
    const userId = body.user.id;
    const meta = metadataOf(view.private_metadata, declareMetadata) ?? {};
    const answers = answersFrom(selectedOf(values, 'triage'), form.environment);
    // The channel is made before the incident is written: every later message needs its id.
    let channelId: string | null = null;
    let refusal: string | null = null;
    for (let attempt = 1; attempt <= NAME_ATTEMPTS && channelId === null && refusal === null; attempt += 1) {
      const created = await slack.createChannel(incidentChannelName(form.title, clock.now(), policy.timezone, attempt));
      if (created.ok) channelId = created.id;
      else if (created.error !== 'name_taken') refusal = created.error;
    }
    refusal ??= channelId === null ? 'every name was taken' : null;
    const announceChannel = policy.channels.incidents ?? meta.channel ?? null;
    try {
      engine.transact((tx) => {
        const incident = incidents.declare(tx, {
          title: form.title,
          severity: form.severity,
          service: form.service ?? null,
          environment: form.environment,
          impact: form.impact,
          tags: tagsFrom(answers),
          declaredBy: userId,
          rotation: form.rotation ?? null,
          channelId,
          announceChannel,
          triggers: selectedInGroups(values, 'triggers').filter((name) => policy.playbooks.triggers[name]),
        });
        if (refusal !== null && announceChannel) {
          const text = `:information_source: I could not create a channel for this incident (Slack said \`${refusal}\`), so it runs in this thread. To get a channel per incident, let the app create channels (scope channels:manage) or ask a workspace admin.`;
          tx.enqueue({
            method: 'chat.postMessage',
            args: { channel: announceChannel, text },
            priority: PRIORITY.notice,
            threadRef: incidentMessageRef(incident.id, 'card'),
          });
        }
      });
    } catch (error) {
      logger.error({ err: error }, 'declaring an incident failed');
      await bolt.client.chat
        .postMessage({
          channel: userId,
          text: `Declaring "${form.title}" failed and nothing was recorded${channelId ? ` (the channel <#${channelId}> was created)` : ''}. Please run \`/incident declare\` again.`,
        })
        .catch(() => undefined);
    }
  });

  bolt.view(INCIDENT_VIEWS.resolve, async ({ ack, body, view }) => {
    const values = viewValues(view);
    const id = Number(view.private_metadata);
    if (!Number.isSafeInteger(id) || id <= 0) {
      await ack({
        response_action: 'errors',
        errors: {
          summary:
            "This form does not say which incident it resolves (it is out of date). Close it and run `/incident resolve` in the incident's channel.",
        },
      });
      return;
    }
    const ticked = new Set(selectedInGroups(values, 'verification').map(Number));
    const missing = policy.incidents.verification.filter((_, n) => !ticked.has(n));
    const summary = (textOf(values, 'summary') ?? '').trim();
    const errors: Record<string, string> = {};
    if (missing.length) errors.verification = `Every check must be true before resolving. Still open: ${missing.join('; ')}.`;
    if (summary.length < 3) errors.summary = 'Say what fixed it (at least 3 characters).';
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    const outcome = engine.transact((tx) => incidents.resolve(tx, id, body.user.id, summary));
    if (!outcome.ok) {
      await ack({ response_action: 'errors', errors: { summary: outcome.message } });
      return;
    }
    await ack();
  });

  bolt.event('reaction_added', async ({ event }) => {
    if (event.reaction !== 'pushpin' || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const incident = engine.transact((tx) => incidents.inChannel(tx, channel));
    if (!incident) return;
    const message = await slack.messageAt(channel, ts).catch(() => null);
    engine.transact((tx) =>
      incidents.pin(tx, incident, event.user, message?.user ?? null, message?.text ?? `(a message at ${ts} that could not be read)`),
    );
  });
}
