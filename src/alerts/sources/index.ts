import type { INTEGRATION_FORMATS } from '../../config/policy-schema.js';
import type { NormalizedAlert } from '../normalized.js';
import { normalizeAlertmanager, normalizeGrafana } from './alertmanager.js';
import { normalizeGeneric } from './generic.js';
import { normalizePagerduty } from './pagerduty.js';
import { normalizeSentry } from './sentry.js';
import { normalizeUptimeKuma } from './uptime-kuma.js';

export type Normalizer = (body: unknown, headers: Record<string, string | undefined>) => NormalizedAlert[];

/** The formats an integration may name (the policy's list): a format added there must have its normalizer here. */
export type AlertFormat = (typeof INTEGRATION_FORMATS)[number];

/** One normalizer per format named in the policy's integrations; the compiler holds the two lists together. */
export const NORMALIZERS: Record<AlertFormat, Normalizer> = {
  alertmanager: normalizeAlertmanager,
  grafana: normalizeGrafana,
  sentry: normalizeSentry,
  'pagerduty-events-v2': normalizePagerduty,
  'uptime-kuma': normalizeUptimeKuma,
  generic: normalizeGeneric,
};
