/**
 * Whom an escalation step pages, parsed once when the policy loads: the `page:` text people write becomes a
 * PageTarget, and the paging code switches on its kind (a new kind does not compile until every switch has it).
 *
 *   primary, secondary        -> { kind: 'on-call', role }                        the page's own rotation
 *   frontend.primary          -> { kind: 'rotation', rotation: 'frontend', role }  another rotation's on-call
 *   engineering_lead          -> { kind: 'role', role }                           a name under people
 *   U0123ABCD (or W...)       -> { kind: 'person', userId }
 *   S0123ABCD                 -> { kind: 'usergroup', usergroupId }
 *
 * A name under people wins over an id-shaped text (people: { S0ALIAS: U0REAL } pages U0REAL). A bare name that
 * is none of these is a role: one left unset reaches nobody and its step is skipped (the preset's chains name
 * engineering_lead and cto; the loader refuses a file's own step naming a role it does not define).
 */

/** The two on-call slots of a rotation. */
export type OnCallRole = 'primary' | 'secondary';

export type PageTarget =
  | { kind: 'on-call'; role: OnCallRole }
  | { kind: 'rotation'; rotation: string; role: OnCallRole }
  | { kind: 'role'; role: string }
  | { kind: 'person'; userId: string }
  | { kind: 'usergroup'; usergroupId: string };

export type PageTargetKind = PageTarget['kind'];

export const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;
export const SLACK_USERGROUP_ID = /^S[A-Z0-9]+$/;

/** What a step's `page:` may be, for messages that say what was wrong; `roles` says which roles there are. */
export const pageTargetForms = (roles = 'a role under people'): string =>
  `primary, secondary, another rotation's "<rotation>.primary" or ".secondary", ${roles}, a user id (U...) or a user group id (S...)`;

export type ParsedPageTarget = { ok: true; target: PageTarget } | { ok: false; message: string };

/**
 * `page:` text -> its target. `roles`: the names under people. Fails only on a form that is no name at all
 * (a mention, a channel, blank): whether a role is defined is the loader's check (checkReferences).
 */
export function parsePageTarget(text: string, roles: ReadonlySet<string> | Readonly<Record<string, string>>): ParsedPageTarget {
  const isRole = roles instanceof Set ? roles.has(text) : Object.hasOwn(roles, text);
  if (text === 'primary' || text === 'secondary') return { ok: true, target: { kind: 'on-call', role: text } };
  const dot = text.lastIndexOf('.');
  const slot = text.slice(dot + 1);
  if (dot > 0 && (slot === 'primary' || slot === 'secondary')) {
    return { ok: true, target: { kind: 'rotation', rotation: text.slice(0, dot), role: slot } };
  }
  if (isRole) return { ok: true, target: { kind: 'role', role: text } };
  if (SLACK_USER_ID.test(text)) return { ok: true, target: { kind: 'person', userId: text } };
  if (SLACK_USERGROUP_ID.test(text)) return { ok: true, target: { kind: 'usergroup', usergroupId: text } };
  const wrong = unknownForm(text);
  if (wrong) return { ok: false, message: `${wrong}; a step pages ${pageTargetForms()}` };
  return { ok: true, target: { kind: 'role', role: text } };
}

/** Why a text is no target at all, or null when it is a name (a role, defined or not). */
function unknownForm(text: string): string | null {
  if (text.trim() === '') return 'a blank target';
  if (text !== text.trim()) return `"${text}" has spaces around it`;
  if (text.startsWith('<')) {
    const id = /[A-Z][A-Z0-9]+/.exec(text)?.[0];
    return `"${text}" is a Slack mention: write the id alone${id ? ` (${id})` : ''}`;
  }
  if (text.startsWith('@')) return `"${text}" is a Slack handle: write the person's user id (U...) or a role under people`;
  if (text.startsWith('#')) return `"${text}" is a channel: a step pages people, and the channel line follows the rotation's channel`;
  return null;
}

/** The same, for a policy the loader already checked: a wrong form here is a bug, not the file's. */
export function pageTargetOf(text: string, roles: ReadonlySet<string> | Readonly<Record<string, string>>): PageTarget {
  const parsed = parsePageTarget(text, roles);
  if (!parsed.ok) throw new Error(`page target "${text}": ${parsed.message}`);
  return parsed.target;
}

/** A target as the policy file writes it (parsePageTarget's inverse), for messages and `policy explain`. */
export function pageTargetText(target: PageTarget): string {
  switch (target.kind) {
    case 'on-call':
      return target.role;
    case 'rotation':
      return `${target.rotation}.${target.role}`;
    case 'role':
      return target.role;
    case 'person':
      return target.userId;
    case 'usergroup':
      return target.usergroupId;
  }
}
