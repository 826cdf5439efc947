/**
 * What a handoff modal is prefilled with: the facts of the shift (incidents, pages, alerts) as text, and each
 * template field given the facts it asks for. Pure; times are written in the rotation's zone because a modal's
 * text input cannot show Slack's per-reader date tokens.
 */
import type { HandoffField } from '../config/policy.js';
import { formatInZone } from '../time/zoned.js';
import { durationWords } from '../time/duration-words.js';

export interface ShiftIncident {
  id: number;
  severity: string;
  title: string;
  status: string;
  commander: string;
  declaredAt: number;
  resolvedAt: number | null;
}

export interface ShiftPage {
  id: number;
  severity: string;
  summary: string;
  createdAt: number;
  ackedAt: number | null;
  breachedAt: number | null;
}

export interface ShiftAlert {
  summary: string;
  service: string | null;
  status: string;
  count: number;
  lastSeenAt: number;
}

export interface ShiftFacts {
  zone: string;
  shiftStart: number;
  now: number;
  /** Open right now, whenever they began. */
  activeIncidents: ShiftIncident[];
  /** Declared or resolved during the shift. */
  shiftIncidents: ShiftIncident[];
  pages: ShiftPage[];
  alerts: ShiftAlert[];
}

const UNACKED_WINDOW_MS = 2 * 60 * 60 * 1000;
const NOISY_TOP = 3;

const when = (facts: ShiftFacts, ms: number) => formatInZone(ms, facts.zone, 'EEE d MMM HH:mm');
const minutes = durationWords;

export function activeIncidentsText(facts: ShiftFacts): string {
  if (facts.activeIncidents.length === 0) return 'None';
  return facts.activeIncidents.map((i) => `#${i.id} [${i.severity}] ${i.title}: ${i.status}, commander <@${i.commander}>`).join('\n');
}

export function shiftIncidentsText(facts: ShiftFacts): string {
  if (facts.shiftIncidents.length === 0) return 'None';
  return facts.shiftIncidents
    .map(
      (i) =>
        `#${i.id} [${i.severity}] ${i.title}: declared ${when(facts, i.declaredAt)}${i.resolvedAt ? `, resolved ${when(facts, i.resolvedAt)}` : `, still ${i.status}`}`,
    )
    .join('\n');
}

export function pagesText(facts: ShiftFacts): string {
  const { pages } = facts;
  if (pages.length === 0) return 'No pages';
  const acked = pages.filter((p) => p.ackedAt !== null);
  const mean = acked.length
    ? `, mean time to acknowledge ${minutes(acked.reduce((sum, p) => sum + (p.ackedAt! - p.createdAt), 0) / acked.length)}`
    : '';
  const breaches = pages.filter((p) => p.breachedAt !== null);
  const lines = pages.map(
    (p) =>
      `#${p.id} [${p.severity}] ${p.summary}: ${p.ackedAt !== null ? `acknowledged after ${minutes(p.ackedAt - p.createdAt)}` : 'not acknowledged'}${p.breachedAt !== null ? ' (ack SLA breached)' : ''}`,
  );
  return [
    `${pages.length} page${pages.length === 1 ? '' : 's'}${mean}, ${breaches.length} ack-SLA breach${breaches.length === 1 ? '' : 'es'}`,
    ...lines,
  ].join('\n');
}

export function noisyAlertsText(facts: ShiftFacts): string {
  const noisy = [...facts.alerts]
    .filter((a) => a.count > 1)
    .sort((a, b) => b.count - a.count)
    .slice(0, NOISY_TOP);
  return noisy.length ? noisy.map((a) => `${a.summary}${a.service ? ` (${a.service})` : ''} fired ×${a.count}`).join('\n') : '';
}

export function unackedAlertsText(facts: ShiftFacts): string {
  const recent = facts.alerts.filter((a) => a.status === 'firing' && a.lastSeenAt >= facts.now - UNACKED_WINDOW_MS);
  return recent
    .map((a) => `${a.summary}${a.service ? ` (${a.service})` : ''}: firing, unacknowledged, last ${when(facts, a.lastSeenAt)}`)
    .join('\n');
}

/** Watch-outs: noisy monitors, alerts nobody acknowledged lately, and breached pages. */
export function risksText(facts: ShiftFacts): string {
  const noisy = noisyAlertsText(facts);
  const unacked = unackedAlertsText(facts);
  const parts = [noisy && `Noisy alerts:\n${noisy}`, unacked && `Unacknowledged in the last 2 h:\n${unacked}`].filter(Boolean);
  return parts.join('\n') || 'Nothing noisy or unacknowledged';
}

/** Each template field's starting text, by what its label asks for; fields the shift cannot answer start empty. */
export function prefillFields(fields: readonly HandoffField[], facts: ShiftFacts): string[] {
  return fields.map((field) => {
    const label = field.label.toLowerCase();
    if (/recent incident/.test(label)) return shiftIncidentsText(facts);
    if (/active (incident|issue)|current status/.test(label)) return activeIncidentsText(facts);
    if (/risk|watch/.test(label)) return risksText(facts);
    return '';
  });
}
