/**
 * An incident channel's name: `inc-<yyyymmdd>-<slug>`, within Slack's rules (lowercase letters, digits,
 * hyphens and underscores, at most 80 characters). Pure.
 */
import { formatInZone } from '../time/zoned.js';

const MAX_CHANNEL_NAME = 80;

export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: "café" -> "cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'incident';
}

/** `attempt` 1 is the plain name; later attempts (the name was taken) end in -2, -3... */
export function incidentChannelName(title: string, declaredAt: number, zone: string, attempt = 1): string {
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const prefix = `inc-${formatInZone(declaredAt, zone, 'yyyyMMdd')}-`;
  const room = MAX_CHANNEL_NAME - prefix.length - suffix.length;
  return `${prefix}${slugify(title).slice(0, room).replace(/-+$/, '')}${suffix}`;
}
