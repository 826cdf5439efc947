/**
 * The incident modals (declare with triage, resolve with verification), the triage checkboxes that update
 * the suggested severity, and :pushpin: reactions that put a message in the timeline.
 */
import { incidentMessageRef } from './incident-refs.js';
import type { App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Policy } from '../config/policy.js';
import { PRIORITY } from '../engine/outbox.js';
import { metadataOf, selectedInGroups, selectedOf, textOf, viewValues, type ViewValues } from '../slack/interaction-input.js';
import { formErrors, submitForm, type ButtonArgs, type FormOutcome, type ViewSubmission } from '../slack/pre-ack.js';
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

type DeclareForm = z.infer<ReturnType<typeof declareSchema>>;

const DECLARE_FORM_FAILED = {
  log: 'reading the declare form failed',
  message: 'Something went wrong reading the form, and nothing was declared. Please try again.',
};
const RESOLVE_FORM_OUT_OF_DATE =
  "This form does not say which incident it resolves (it is out of date). Close it and run `/incident resolve` in the incident's channel.";
const RESOLVE_FORM_FAILED = {
  log: 'resolving an incident from the form failed',
  message: 'Something went wrong resolving the incident, and nothing was changed. Please try again.',
};

export function registerIncidentViews(bolt: App, deps: IncidentDeps & { clock: Clock }): void {
  const { engine, incidents, policy, logger, slack, clock } = deps;
  const schema = declareSchema(policy);

  /** A triage answer ticked in the open declare form: the suggested severity follows (after the ack; nothing is written). */
  async function triageTicked({ ack, body }: ButtonArgs): Promise<void> {
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
  }

  /** The form's fields, checked: each problem on its field (the severity block's id varies with the suggestion). */
  function readDeclareForm(values: ViewValues): FormOutcome<DeclareForm> {
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
    if (!parsed.success) return { errors: fieldErrors(parsed.error.issues, (f) => (f === 'severity' ? sevBlock : f)) };
    return { done: parsed.data };
  }

  /** The incident's channel, made before the incident is written (every later message needs its id); a taken name gets -2, -3... */
  async function openIncidentChannel(title: string): Promise<{ channelId: string | null; refusal: string | null }> {
    let channelId: string | null = null;
    let refusal: string | null = null;
    for (let attempt = 1; attempt <= NAME_ATTEMPTS && channelId === null && refusal === null; attempt += 1) {
      const created = await slack.createChannel(incidentChannelName(title, clock.now(), policy.timezone, attempt));
      if (created.ok) channelId = created.id;
      else if (created.error !== 'name_taken') refusal = created.error;
    }
    return { channelId, refusal: refusal ?? (channelId === null ? 'every name was taken' : null) };
  }

  /** Checked before the ack (the form stays open on a problem); the channel and the incident come after it. */
  async function declareSubmitted({ ack, body, view }: ViewSubmission): Promise<void> {
    const values = viewValues(view);
    const form = await submitForm(ack, { logger, failureBlock: 'title', failure: DECLARE_FORM_FAILED }, () => readDeclareForm(values));
    if (!form) return;
    const userId = body.user.id;
    const meta = metadataOf(view.private_metadata, declareMetadata) ?? {};
    const answers = answersFrom(selectedOf(values, 'triage'), form.environment);
    const { channelId, refusal } = await openIncidentChannel(form.title);
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
  }

  /** The checks and the summary, checked before the ack; the resolve is written then too, so a refusal shows on the form. */
  async function resolveSubmitted({ ack, body, view }: ViewSubmission): Promise<void> {
    await submitForm(ack, { logger, failureBlock: 'summary', failure: RESOLVE_FORM_FAILED }, () => {
      const values = viewValues(view);
      const id = Number(view.private_metadata);
      if (!Number.isSafeInteger(id) || id <= 0) return { errors: { summary: RESOLVE_FORM_OUT_OF_DATE } };
      const ticked = new Set(selectedInGroups(values, 'verification').map(Number));
      const missing = policy.incidents.verification.filter((_, n) => !ticked.has(n));
      const summary = (textOf(values, 'summary') ?? '').trim();
      const errors: Record<string, string> = {};
      if (missing.length) errors.verification = `Every check must be true before resolving. Still open: ${missing.join('; ')}.`;
      if (summary.length < 3) errors.summary = 'Say what fixed it (at least 3 characters).';
      const refused = formErrors(errors);
      if (refused) return refused;
      const outcome = engine.transact((tx) => incidents.resolve(tx, id, body.user.id, summary));
      return outcome.ok ? { done: outcome } : { errors: { summary: outcome.message } };
    });
  }

  /** A :pushpin: on a message in an incident's channel puts the message in its timeline. */
  async function pinned({ event }: SlackEventMiddlewareArgs<'reaction_added'>): Promise<void> {
    if (event.reaction !== 'pushpin' || event.item.type !== 'message') return;
    const { channel, ts } = event.item;
    const incident = engine.transact((tx) => incidents.inChannel(tx, channel));
    if (!incident) return;
    const message = await slack.messageAt(channel, ts).catch(() => null);
    engine.transact((tx) =>
      incidents.pin(tx, incident, event.user, message?.user ?? null, message?.text ?? `(a message at ${ts} that could not be read)`),
    );
  }

  bolt.action(INCIDENT_ACTIONS.triage, triageTicked);
  bolt.view(INCIDENT_VIEWS.declare, declareSubmitted);
  bolt.view(INCIDENT_VIEWS.resolve, resolveSubmitted);
  bolt.event('reaction_added', pinned);
}
