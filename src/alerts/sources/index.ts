import type { NormalizedAlert } from '../normalized.js';
import { normalizeAlertmanager, normalizeGrafana } from './alertmanager.js';
import { normalizeGeneric } from './generic.js';
import { normalizePagerduty } from './pagerduty.js';
import { normalizeSentry } from './sentry.js';
import { normalizeUptimeKuma } from './uptime-kuma.js';

export type Normalizer = (body: unknown, headers: Record<string, string | undefined>) => NormalizedAlert[];

/** One normalizer per format named in the policy's integrations. */
export const NORMALIZERS: Record<string, Normalizer> = {
  alertmanager: normalizeAlertmanager,
  grafana: normalizeGrafana,
  sentry: normalizeSentry,
  'pagerduty-events-v2': normalizePagerduty,
  'uptime-kuma': normalizeUptimeKuma,
  generic: normalizeGeneric,
};
