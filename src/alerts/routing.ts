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
 * The rotations a service's alerts can reach, routes tried in order as routeAlert does: a route naming another
 * service is passed over; one naming this service (or none) can take its alerts, and if it matches on nothing
 * else it takes them all, so later routes never see them. Silencing the service is for those rotations. Pure.
 */
export function rotationsForService(policy: Policy, service: string): string[] {
  const reached: string[] = [];
  for (const integration of Object.values(policy.integrations)) {
    for (const route of integration.routes) {
      const { service: named, ...labels } = route.match ?? {};
      if (named !== undefined && named !== service) continue;
      reached.push(route.rotation);
      if (Object.keys(labels).length === 0) break;
    }
  }
  return [...new Set(reached)];
}
