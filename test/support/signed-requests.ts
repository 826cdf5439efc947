import { slackSignature } from '../../src/slack/request-signature.js';
import { systemClock } from '../../src/time/clock.js';

export { slackSignature };

export interface SignedPostOptions {
  secret: string;
  /** Seconds since the epoch; defaults to the real now, since Bolt checks freshness against the real clock. */
  timestampSec?: number;
  /** Replace the computed signature (to test refusals). */
  signature?: string | null;
}

export interface HttpAnswer {
  status: number;
  text: string;
  json(): unknown;
}

export async function signedPost(url: string, body: string, contentType: string, options: SignedPostOptions): Promise<HttpAnswer> {
  const timestampSec = options.timestampSec ?? Math.floor(systemClock.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestampSec),
  };
  const signature = options.signature === undefined ? slackSignature(options.secret, timestampSec, body) : options.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as unknown };
}

/** Where a test's slash commands are typed unless it says otherwise. */
export const GENERAL_CHANNEL = 'C0GENERAL';

export interface SlashCommandFields {
  command: string;
  text?: string;
  userId?: string;
  channelId?: string;
  triggerId?: string;
}

/** The fields Slack sends with a slash command, over HTTP (a form) and Socket Mode (a JSON payload) alike. */
export function slashCommandFields(fields: SlashCommandFields & { appId?: string; responseUrl?: string }): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: 'T0TEAM',
    team_domain: 'standin',
    channel_id: fields.channelId ?? GENERAL_CHANNEL,
    channel_name: 'general',
    user_id: fields.userId ?? 'U0ALICE',
    user_name: 'alice',
    command: fields.command,
    text: fields.text ?? '',
    api_app_id: fields.appId ?? 'A0APP',
    response_url: fields.responseUrl ?? 'http://127.0.0.1:9/response-url',
    trigger_id: fields.triggerId ?? '1337.42.abcd',
  };
}

export function slashCommandBody(fields: SlashCommandFields & { responseUrl?: string }): string {
  return new URLSearchParams(slashCommandFields(fields)).toString();
}

/** Interactive payloads (block_actions, view_submission) arrive as a form with one `payload` field. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function blockActionPayload(
  userId: string,
  actionId: string,
  value: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T0TEAM', domain: 'standin' },
    user: { id: userId, username: userId.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'legacy-verification-token',
    trigger_id: '1337.42.abcd',
    response_url: 'http://127.0.0.1:9/response-url',
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1767600000.000001' }],
    ...extra,
  };
}

export function viewSubmissionPayload(
  userId: string,
  callbackId: string,
  values: Record<string, Record<string, unknown>>,
  privateMetadata = '',
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: 'T0TEAM', domain: 'standin' },
    user: { id: userId, username: userId.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'legacy-verification-token',
    trigger_id: '1337.42.abcd',
    view: { id: 'V0VIEW', type: 'modal', callback_id: callbackId, private_metadata: privateMetadata, state: { values } },
  };
}
