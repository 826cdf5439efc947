/**
 * Which OAuth scope each Web API method needs with a bot token, as each method's page on api.slack.com lists
 * it, so the stand-in can refuse a method the app's manifest does not grant (`missing_scope`, with `needed`),
 * and the manifest and the code cannot drift apart.
 *
 * Some methods need a different scope for each kind of conversation (conversations.history needs
 * channels:history in a public channel, groups:history in a private one, im:history in a DM): those are keyed
 * by kind. A method not in this table is one the stand-in does not know: it answers `unknown_method`, as Slack
 * does for a misspelt one, so add the method here (with its scope) when the bot starts calling it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type ConversationKind = 'public' | 'private' | 'im' | 'mpim';

type Needed = readonly string[] | Readonly<Record<ConversationKind, string>>;

const byKind = (family: string, im = `im:${family}`, mpim = `mpim:${family}`): Record<ConversationKind, string> => ({
  public: `channels:${family}`,
  private: `groups:${family}`,
  im,
  mpim,
});

/** Methods the stand-in answers, with the scope(s) each needs; [] is none (any token of the right type). */
export const METHOD_SCOPES: Readonly<Record<string, Needed>> = {
  'api.test': [],
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.delete': ['chat:write'],
  'chat.getPermalink': [],
  // Private channels are managed under groups:write (there is no groups:manage).
  'conversations.create': { public: 'channels:manage', private: 'groups:write', im: 'im:write', mpim: 'mpim:write' },
  'conversations.invite': { public: 'channels:manage', private: 'groups:write', im: 'im:write', mpim: 'mpim:write' },
  'conversations.join': ['channels:join'],
  'conversations.history': byKind('history'),
  'conversations.replies': byKind('history'),
  'conversations.info': byKind('read'),
  'conversations.members': byKind('read'),
  'conversations.open': ['im:write', 'mpim:write'],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  'usergroups.users.update': ['usergroups:write'],
  'reactions.add': ['reactions:write'],
  'reactions.get': ['reactions:read'],
  'pins.add': ['pins:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'views.open': [],
  'views.push': [],
  'views.update': [],
  'views.publish': [],
};

/** The scopes that would let `method` run on a conversation of `kind` (any one suffices), or null if unknown. */
export function scopesNeeded(method: string, kind: ConversationKind): readonly string[] | null {
  const needed = METHOD_SCOPES[method];
  if (needed === undefined) return null;
  if (Array.isArray(needed)) return needed;
  return [(needed as Record<ConversationKind, string>)[kind]];
}

/**
 * The refusal Slack gives a token without the scope, or null when the scopes suffice. `needed` names one scope
 * (or, where any of several would do, all of them, comma-separated, as Slack lists them); `provided` the token's.
 */
export function refuseScope(method: string, kind: ConversationKind, granted: ReadonlySet<string>): Record<string, unknown> | null {
  const needed = scopesNeeded(method, kind);
  if (needed === null) return { ok: false, error: 'unknown_method' };
  if (needed.length === 0 || needed.some((s) => granted.has(s))) return null;
  return { ok: false, error: 'missing_scope', needed: needed.join(','), provided: [...granted].join(',') };
}

/** The bot scopes an app manifest (YAML, as in manifest.yml) asks for. */
export function manifestBotScopes(manifestText: string): string[] {
  const manifest = parse(manifestText) as { oauth_config?: { scopes?: { bot?: unknown } } } | null;
  const bot = manifest?.oauth_config?.scopes?.bot;
  if (!Array.isArray(bot) || bot.some((s) => typeof s !== 'string'))
    throw new Error('the manifest has no oauth_config.scopes.bot list of scopes');
  return bot as string[];
}

/** This repository's manifest.yml, beside src/ (absent in a deployed image, which runs the stand-in only to simulate). */
export const MANIFEST_URL = new URL('../../manifest.yml', import.meta.url);

/** The repository manifest's bot scopes, or null where there is no manifest to read. */
export function repositoryBotScopes(): string[] | null {
  let text: string;
  try {
    text = readFileSync(MANIFEST_URL, 'utf8');
  } catch {
    return null;
  }
  return manifestBotScopes(text);
}
