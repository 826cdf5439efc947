/**
 * Which rotation an alert goes to and at what severity, from the integration's policy. Pure.
 * Routes are tried in order; `match` compares `service` with the alert's service and any other key with
 * its labels. Severity: the route's fixed severity, else the integration's map of the source's word (or of
 * a label), else a source word that already is one of ours (generic JSON sends "P2"), else the default.
 */
import type { Integration, Policy } from '../config/policy.js';
import type { NormalizedAlert } from './normalized.js';

export interface Route {
  rotation: string;
  severity: string;
}

export function routeAlert(policy: Policy, integration: Integration, alert: NormalizedAlert): Route | null {
  const route = integration.routes.find((r) =>
    Object.entries(r.match ?? {}).every(([key, value]) => (key === 'service' ? alert.service === value : alert.labels[key] === value)),
  );
  if (!route) return null;
  return { rotation: route.rotation, severity: route.severity ?? severityOf(policy, integration, alert) };
}

function severityOf(policy: Policy, integration: Integration, alert: NormalizedAlert): string {
  const ours = policy.severities.map((s) => s.id);
  const word = integration.severity?.from_label ? alert.labels[integration.severity.from_label] : alert.sourceSeverity;
  const mapped = word !== undefined && word !== null ? integration.severity?.map?.[word] : undefined;
  if (mapped) return mapped;
  const direct = ours.find((id) => id.toLowerCase() === word?.toLowerCase());
  if (direct) return direct;
  return integration.severity?.default ?? policy.severities[1]!.id;
}

/**
 * The rotations a service's alerts can reach: every route that names this service, or names none (a
 * catch-all, or a match on other labels that the service's alerts may carry). Silencing the service is
 * theirs to decide. Pure.
 */
export function rotationsForService(policy: Policy, service: string): string[] {
  const reached = Object.values(policy.integrations).flatMap((integration) =>
    integration.routes.filter((r) => r.match?.service === undefined || r.match.service === service).map((r) => r.rotation),
  );
  return [...new Set(reached)];
}
