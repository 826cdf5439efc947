/**
 * /incident checklist, trigger and close; the checklist's checkboxes and the trigger buttons; and the
 * secret-paste guard on messages in incident and alert channels. The guard never logs or stores the text.
 */
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import type { Engine } from '../engine/engine.js';
import { inIncidentCommand, triggerChoices } from '../incidents/incident-commands.js';
import type { Classification, IncidentService } from '../incidents/incident-service.js';
import type { Logger } from '../logger.js';
import type { CommandReply, SlashCommand } from '../slack/commands.js';
import { answerPrivately } from '../slack/ephemeral.js';
import { pressButton, type ButtonArgs } from '../slack/pre-ack.js';
import { buttonValue, idFrom, optionValues, staleButton } from '../slack/interaction-input.js';
import { guardReply, openItemsText, parseChecklistBlockId, PLAYBOOK_ACTIONS, triggerPicker } from './playbook-blocks.js';
import type { PlaybookOutcome, PlaybookService } from './playbook-service.js';
import { findSecrets } from './secret-scan.js';

export interface PlaybookDeps {
  engine: Engine;
  incidents: IncidentService;
  playbooks: PlaybookService;
  policy: Policy;
  logger: Logger;
}

const CLASS_WORDS: Record<string, Classification> = {
  bug: 'bug',
  configuration: 'configuration',
  config: 'configuration',
  support: 'support',
  'user-support': 'support',
};

export function registerPlaybookCommands(command: SlashCommand, deps: PlaybookDeps): void {
  const { playbooks, incidents, policy } = deps;
  const triggers = triggerChoices(policy);

  command.add(
    'checklist',
    inIncidentCommand(deps, 'checklist', 'the triage checklist items still open', (tx, incident) => ({
      text: openItemsText(incident.id, playbooks.items(tx, incident.id)),
    })),
  );

  command.add(
    'trigger',
    inIncidentCommand(
      deps,
      'trigger [name]',
      'mark an escalation trigger: it pulls in whom the policy names and may raise the severity',
      (tx, incident, args, inv): CommandReply => {
        if (!args[0])
          return triggers.length
            ? triggerPicker(incident.id, triggers)
            : { text: 'The policy names no escalation triggers (playbooks.triggers).' };
        const outcome = playbooks.markTrigger(tx, incident.id, inv.userId, args[0].toLowerCase());
        return {
          text: outcome.ok ? outcome.message : `${outcome.message}\nUsage: \`/incident trigger [name]\`; with no name, pick from a list.`,
        };
      },
    ),
  );

  command.add(
    'close',
    inIncidentCommand(
      deps,
      'close <bug|configuration|support> [note]',
      'triage says it is not an incident: stop reminders and paging, record the class, skip the postmortem',
      (tx, incident, args, inv) => {
        const word = (args[0] ?? '').toLowerCase();
        const kind = Object.hasOwn(CLASS_WORDS, word) ? CLASS_WORDS[word] : undefined; // "constructor" is no class
        if (!kind) {
          return {
            text: `${args[0] ? `"${args[0]}" is not a class.` : 'Close it as what?'} Use bug, configuration or support: \`/incident close bug fixed in the next release\`. A real incident is resolved with \`/incident resolve\`.`,
          };
        }
        return { text: incidents.classify(tx, incident.id, inv.userId, kind, args.slice(1).join(' ').trim()).message };
      },
    ),
  );
}

/** Channels whose messages the guard reads: every alerts and rotation channel of the policy (incident channels are checked per message). */
function watchedChannels(policy: Policy): Set<string> {
  const ids = new Set<string>();
  for (const [name, id] of Object.entries(policy.channels)) if (name === 'alerts' || name === 'incidents') ids.add(id);
  for (const r of Object.values(policy.rotations)) {
    if (r.alertsChannel) ids.add(r.alertsChannel);
    if (r.channel) ids.add(r.channel);
  }
  return ids;
}

export function registerPlaybookActions(bolt: App, deps: PlaybookDeps): void {
  const { engine, incidents, playbooks, policy, logger } = deps;
  const watched = watchedChannels(policy);

  /** A playbook control decided before the ack: the presser hears only a refusal. */
  const decided = (press: ButtonArgs, incidentId: number | null, decide: (incidentId: number) => PlaybookOutcome) => {
    const failure = {
      log: 'playbook action failed',
      fields: { incident: incidentId },
      message: `Something went wrong with incident #${incidentId}'s playbook; nothing changed. Try again.`,
    };
    return pressButton(press, { logger, what: 'a playbook action', failure }, () =>
      incidentId === null ? { ok: false, message: staleButton('incident') } : decide(incidentId),
    );
  };

  /** A checkbox group of the checklist: it says which of its own items are ticked; items in the other groups stay as they are. */
  async function checklistTicked(press: ButtonArgs): Promise<void> {
    const { action, body } = press;
    const block = parseChecklistBlockId((action as { block_id?: string }).block_id ?? '');
    const ticked = new Set(optionValues((action as { selected_options?: unknown }).selected_options).map(Number));
    await decided(press, block ? idFrom(String(block.incidentId)) : null, (incidentId) =>
      engine.transact((tx) => playbooks.tick(tx, incidentId, body.user.id, ticked, block!.positions)),
    );
  }

  /** A trigger's button ("mark it as happened"), its value "<incident>|<trigger>". */
  async function triggerPressed(press: ButtonArgs): Promise<void> {
    const [id, name] = buttonValue(press.action).split('|');
    await decided(press, idFrom(id), (incidentId) =>
      engine.transact((tx) => playbooks.markTrigger(tx, incidentId, press.body.user.id, name ?? '')),
    );
  }

  /** The secret-paste guard: a person's message in an incident or watched channel that looks like it holds a secret. */
  async function messagePosted({ event, client }: SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs): Promise<void> {
    const message = event as {
      channel: string;
      user?: string;
      text?: string;
      ts: string;
      thread_ts?: string;
      subtype?: string;
      bot_id?: string;
    };
    // People's messages only: edits, joins and the bot's own posts are not pastes.
    if (message.bot_id || !message.user || (message.subtype && message.subtype !== 'thread_broadcast' && message.subtype !== 'file_share'))
      return;
    // The scan is pure and cheap; only a message that matched costs a look at the store.
    const kinds = findSecrets(message.text ?? '', { emails: policy.playbooks.guardEmails });
    if (kinds.length === 0) return;
    const incident = engine.transact((tx) => incidents.inChannel(tx, message.channel));
    if (!incident && !watched.has(message.channel)) return;
    logger.warn(
      { channel: message.channel, user: message.user, kinds },
      'a message looked like it held a secret; the poster was asked to delete it',
    );
    if (incident) engine.transact((tx) => playbooks.recordGuard(tx, incident, message.user!, kinds));
    await answerPrivately(
      client,
      logger,
      { channel: message.channel, user: message.user, thread_ts: message.thread_ts ?? message.ts, text: guardReply(kinds) },
      'a pasted secret',
    );
  }

  bolt.action(PLAYBOOK_ACTIONS.checklist, checklistTicked);
  bolt.action(PLAYBOOK_ACTIONS.trigger, triggerPressed);
  bolt.event('message', messagePosted);
}
