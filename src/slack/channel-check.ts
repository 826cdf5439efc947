/**
 * At start, whether the bot is in every channel the policy sends it to. Slack refuses a post in a channel the bot
 * was not invited to (not_in_channel) and the manifest grants no channels:join, so the bot cannot join by itself:
 * the operator is told, per channel, what to do, before a page's channel line is lost to it.
 */
import type { WebClient } from '@slack/web-api';
import type { Policy } from '../config/policy.js';

export interface ChannelFinding {
  channel: string;
  /** Where the policy names it ("channels.alerts", "rotations.backend.alerts_channel"). */
  namedAt: string[];
  message: string;
}

/** Every channel id the policy names, with where. */
export function policyChannels(policy: Policy): Map<string, string[]> {
  const named = new Map<string, string[]>();
  const add = (id: string | null, where: string) => {
    if (id) named.set(id, [...(named.get(id) ?? []), where]);
  };
  for (const [purpose, id] of Object.entries(policy.channels)) add(id, `channels.${purpose}`);
  for (const [name, r] of Object.entries(policy.rotations)) {
    add(r.channel, `rotations.${name}.channel`);
    add(r.alertsChannel, `rotations.${name}.alerts_channel`);
  }
  return named;
}

/** Asks Slack (conversations.info) about each channel the policy names; one finding per channel the bot cannot post in. */
export async function checkPolicyChannels(client: Pick<WebClient, 'conversations'>, policy: Policy): Promise<ChannelFinding[]> {
  const findings: ChannelFinding[] = [];
  for (const [channel, namedAt] of policyChannels(policy)) {
    const where = namedAt.join(', ');
    try {
      const info = await client.conversations.info({ channel });
      const c = info.channel as { name?: string; is_member?: boolean; is_archived?: boolean } | undefined;
      if (c?.is_archived)
        findings.push({
          channel,
          namedAt,
          message: `#${c.name ?? channel} (${channel}, ${where}) is archived: nothing can be posted there; name another channel in the policy.`,
        });
      else if (c && c.is_member === false)
        findings.push({
          channel,
          namedAt,
          message: `the bot is not in #${c.name ?? channel} (${channel}, ${where}): type /invite @oncall in that channel, or Slack refuses what the bot posts there (not_in_channel).`,
        });
    } catch (error) {
      const code = (error as { data?: { error?: unknown } }).data?.error;
      // A private channel can only be looked at with groups:read, which the manifest does not ask for: not a finding.
      if (code === 'missing_scope') continue;
      if (code === 'channel_not_found')
        findings.push({
          channel,
          namedAt,
          message: `${channel} (${where}) is not a channel the bot can see: check the id, or, for a private channel, invite @oncall to it.`,
        });
      else
        findings.push({
          channel,
          namedAt,
          message: `could not check ${channel} (${where}): ${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)}`,
        });
    }
  }
  return findings;
}
