/** /incident: declare (a modal), then the commands used inside an incident's channel. Thin: find, transact, answer. */
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { CommandInvocation, CommandReply, SlashCommand } from '../slack/commands.js';
import { parseMention } from '../slack/format.js';
import { INCIDENT_STATUSES, parseStatus, STATUS_LABELS } from './cadence.js';
import { declareModal, listLine, resolveModal, type DeclareModalInput } from './incident-blocks.js';
import type { IncidentOutcome, IncidentRow, IncidentService } from './incident-service.js';

/** The Slack calls incidents make directly (interactive, or needed before the decision can be written). */
export interface IncidentSlack {
  openView(triggerId: string, view: Record<string, unknown>): Promise<void>;
  updateView(viewId: string, hash: string | undefined, view: Record<string, unknown>): Promise<void>;
  createChannel(name: string): Promise<{ ok: true; id: string } | { ok: false; error: string }>;
  /** A message's text and author, for the :pushpin: timeline entry. */
  messageAt(channel: string, ts: string): Promise<{ text: string; user: string | null } | null>;
}

export interface IncidentDeps {
  engine: Engine;
  incidents: IncidentService;
  policy: Policy;
  logger: Logger;
  slack: IncidentSlack;
}

const reply = (outcome: IncidentOutcome): CommandReply => ({ text: outcome.message });

/** "Support-Ops_lead" and "support ops lead" are the same role. */
export const normalizeRole = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();

export const triggerChoices = (policy: Policy) => Object.entries(policy.playbooks.triggers).map(([name, t]) => ({ name, label: t.label }));

/** The declare modal from the policy; `metadata` carries the title and where the command was typed. */
export function declareView(
  policy: Policy,
  title: string,
  metadata: string,
  suggestion: DeclareModalInput['suggestion'] = null,
): Record<string, unknown> {
  return declareModal({
    title,
    services: policy.services,
    environments: policy.environments,
    severities: policy.severities,
    rotations: Object.keys(policy.rotations),
    triggers: triggerChoices(policy),
    suggestion,
    metadata,
  });
}

export type IncidentAct = (tx: EngineTx, incident: IncidentRow, args: string[], inv: CommandInvocation) => CommandReply;

/**
 * The incident a command is about: an explicit `#12` first word, else the incident whose channel this is.
 * Thread-mode incidents live in the incidents channel, where only `#12` can say which one is meant.
 */
export function locateIncident(
  deps: Pick<IncidentDeps, 'engine' | 'incidents'>,
  inv: CommandInvocation,
  usage: string,
): { incident: IncidentRow; args: string[] } | CommandReply {
  const { engine, incidents } = deps;
  return engine.transact((tx: EngineTx) => {
    const explicit = /^#(\d+)$/.exec(inv.args[0] ?? '');
    if (explicit) {
      const incident = incidents.find(tx, Number(explicit[1]));
      return incident
        ? { incident, args: inv.args.slice(1) }
        : { text: `There is no incident #${explicit[1]}. \`/incident list\` shows the open ones.` };
    }
    const incident = incidents.inChannel(tx, inv.channelId);
    if (incident) return { incident, args: inv.args };
    const open = incidents.unresolved(tx);
    const hint = open.length ? `\nOpen incidents:\n${open.map(listLine).join('\n')}` : '\nThere is no open incident.';
    return {
      text: `This channel is not an incident's channel. Run it in the incident's channel, or name the incident: \`/incident ${usage.replace(/^(\w+)/, '$1 #12')}\`.${hint}`,
    };
  });
}

/** A subcommand that acts on the incident of the channel (or the one named with #12), in one transaction. */
export function inIncidentCommand(deps: Pick<IncidentDeps, 'engine' | 'incidents'>, usage: string, summary: string, act: IncidentAct) {
  return {
    usage,
    summary,
    run: (inv: CommandInvocation): CommandReply => {
      const found = locateIncident(deps, inv, usage);
      if (!('incident' in found)) return found;
      return deps.engine.transact((tx) => act(tx, found.incident, found.args, inv));
    },
  };
}

export function registerIncidentCommands(command: SlashCommand, deps: IncidentDeps): void {
  const { engine, incidents, policy, slack } = deps;
  const severities = policy.severities.map((s) => s.id).join(', ');

  const locate = (inv: CommandInvocation, usage: string) => locateIncident(deps, inv, usage);
  const inIncident = (usage: string, summary: string, act: IncidentAct) => inIncidentCommand(deps, usage, summary, act);

  command.add('declare', {
    usage: 'declare [title]',
    summary: 'open the triage form: title, service, environment, impact and the questions that suggest a severity',
    run: async ({ args, triggerId, channelId }): Promise<CommandReply> => {
      const title = args.join(' ').slice(0, 150);
      await slack.openView(triggerId, declareView(policy, title, JSON.stringify({ channel: channelId, title })));
      return { text: '', silent: true };
    },
  });

  command.add(
    'update',
    inIncident('update <text>', 'post a status update (resets the reminder)', (tx, incident, args, inv) => {
      const text = args.join(' ').trim();
      if (!text)
        return { text: 'Say what changed: `/incident update <text>`, e.g. `/incident update rolled back 1.42, error rate falling`.' };
      return reply(incidents.update(tx, incident.id, inv.userId, text));
    }),
  );

  command.add(
    'status',
    inIncident(
      `status <${INCIDENT_STATUSES.filter((s) => s !== 'resolved').join('|')}> [note]`,
      'change the status (Monitoring slows the reminders)',
      (tx, incident, args, inv) => {
        const status = parseStatus(args[0]);
        if (!status) {
          return {
            text: `${args[0] ? `"${args[0]}" is not a status.` : 'Which status?'} Use one of ${INCIDENT_STATUSES.map((s) => STATUS_LABELS[s]).join(', ')}: \`/incident status mitigating rolled back the deploy\`.`,
          };
        }
        return reply(incidents.setStatus(tx, incident.id, inv.userId, status, args.slice(1).join(' ').trim()));
      },
    ),
  );

  command.add(
    'severity',
    inIncident(
      'severity <severity>',
      `change the severity (${severities}); raising it pages per the new one`,
      (tx, incident, args, inv) => {
        const wanted = policy.severities.find((s) => s.id.toLowerCase() === (args[0] ?? '').toLowerCase());
        if (!wanted)
          return {
            text: `${args[0] ? `"${args[0]}" is not a severity.` : 'Which severity?'} Use one of ${severities}: \`/incident severity ${policy.severities[0]!.id}\`.`,
          };
        return reply(incidents.setSeverity(tx, incident.id, inv.userId, wanted.id));
      },
    ),
  );

  command.add(
    'commander',
    inIncident('commander @who', 'hand the command over', (tx, incident, args, inv) => {
      const who = parseMention(args[0]);
      if (!who) return { text: 'Name the new commander with an @-mention: `/incident commander @dana`.' };
      return reply(incidents.setCommander(tx, incident.id, inv.userId, who));
    }),
  );

  const roleNames = ['commander', ...policy.incidents.roles];
  command.add(
    'role',
    inIncident('role @who <role>', `give someone a role (${roleNames.join(', ')})`, (tx, incident, args, inv) => {
      const who = parseMention(args[0]);
      const wanted = normalizeRole(args.slice(1).join(' '));
      const role = roleNames.find((r) => normalizeRole(r) === wanted);
      if (!who || !role) {
        const why = !who
          ? 'Name the person with an @-mention.'
          : wanted
            ? `"${args.slice(1).join(' ')}" is not a role here.`
            : 'Which role?';
        return {
          text: `${why} Roles: ${roleNames.join(', ')}. Example: \`/incident role @dana ${policy.incidents.roles[0] ?? 'commander'}\`.`,
        };
      }
      return reply(
        role === 'commander'
          ? incidents.setCommander(tx, incident.id, inv.userId, who)
          : incidents.setRole(tx, incident.id, inv.userId, who, role),
      );
    }),
  );

  command.add(
    'timeline',
    inIncident('timeline', 'everything that happened, in order', (tx, incident) => ({ text: incidents.timelineText(tx, incident) })),
  );

  command.add('resolve', {
    usage: 'resolve',
    summary: 'open the verification checklist; resolving stops reminders and pages and starts the postmortem',
    run: async (inv): Promise<CommandReply> => {
      const found = locate(inv, 'resolve');
      if (!('incident' in found)) return found;
      const { incident } = found;
      if (incident.status === 'resolved') return { text: `Incident #${incident.id} is already resolved.` };
      if (!incidents.mayChange(incident, inv.userId)) return { text: incidents.refusalText(incident, `resolve incident #${incident.id}`) };
      await slack.openView(inv.triggerId, resolveModal(incident, policy.incidents.verification));
      return { text: '', silent: true };
    },
  });

  command.add(
    'postmortem',
    inIncident('postmortem done <link>', 'record the written postmortem', (tx, incident, args, inv) => {
      const link = args[1]?.replace(/^<|>$/g, '').split('|')[0];
      if (args[0]?.toLowerCase() !== 'done' || !link)
        return { text: 'Usage: `/incident postmortem done <link>`, e.g. `/incident postmortem done https://wiki.example.com/pm/42`.' };
      return reply(incidents.postmortemDone(tx, incident.id, inv.userId, link));
    }),
  );

  command.add('list', {
    usage: 'list',
    summary: 'the open incidents, anywhere',
    run: (): CommandReply =>
      engine.transact((tx) => {
        const open = incidents.unresolved(tx);
        return { text: open.length ? `*Open incidents (${open.length})*\n${open.map(listLine).join('\n')}` : 'No open incidents. :tada:' };
      }),
  });

  const top = policy.severities[0]!.id;
  command.add('gate', {
    usage: 'gate',
    summary: `the launch-readiness gate: ready only when no ${top} is unresolved`,
    run: (): CommandReply =>
      engine.transact((tx) => {
        const blocking = incidents.unresolved(tx).filter((i) => i.severity === top);
        if (blocking.length === 0) return { text: `:large_green_circle: Ready: 0 unresolved ${top} incidents.` };
        return {
          text: `:no_entry: Not ready: ${blocking.length} unresolved ${top} incident${blocking.length === 1 ? '' : 's'}. Pause launch outreach until it is zero.\n${blocking.map(listLine).join('\n')}`,
        };
      }),
  });
}
