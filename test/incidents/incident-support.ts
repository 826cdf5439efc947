import { fileURLToPath } from 'node:url';
import { loadPolicyFile } from '../../src/config/policy.js';
import { INCIDENT_ACTIONS, INCIDENT_VIEWS } from '../../src/incidents/incident-blocks.js';
import type { TestApp } from '../support/harness.js';
import { blockActionPayload, viewSubmissionPayload } from '../support/signed-requests.js';

export const POLICY = loadPolicyFile(fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url)));
/** Friday 10:15 UTC (and London): Bob is the backend primary this week. */
export const NOW = Date.parse('2026-11-20T10:15:00Z');

export interface DeclareForm {
  title?: string;
  service?: string;
  environment?: string;
  impact?: string;
  severity?: string;
  triage?: string[];
}

/** The modal's state as Slack sends it on submission. */
export function declareValues(form: DeclareForm, severityBlock = 'severity'): Record<string, Record<string, unknown>> {
  const select = (value: string | undefined) => ({ value: { type: 'static_select', selected_option: value ? { value } : null } });
  return {
    title: { value: { type: 'plain_text_input', value: form.title ?? null } },
    service: select(form.service),
    environment: select(form.environment),
    impact: { value: { type: 'plain_text_input', value: form.impact ?? null } },
    triage: { [INCIDENT_ACTIONS.triage]: { type: 'checkboxes', selected_options: (form.triage ?? []).map((value) => ({ value })) } },
    [severityBlock]: select(form.severity),
  };
}

export function submitDeclare(t: TestApp, userId: string, form: DeclareForm, channel = 'C0GENERAL') {
  return t.interact(
    viewSubmissionPayload(userId, INCIDENT_VIEWS.declare, declareValues(form), JSON.stringify({ channel, title: form.title ?? '' })),
  );
}

export function tickTriage(t: TestApp, userId: string, ticked: string[], environment: string, metadata: string) {
  return t.interact(
    blockActionPayload(userId, INCIDENT_ACTIONS.triage, '', {
      actions: [
        {
          type: 'checkboxes',
          action_id: INCIDENT_ACTIONS.triage,
          block_id: 'triage',
          selected_options: ticked.map((value) => ({ value })),
          action_ts: '1767600000.000002',
        },
      ],
      container: { type: 'view', view_id: 'V0VIEW' },
      view: {
        id: 'V0VIEW',
        hash: 'hash-1',
        type: 'modal',
        callback_id: INCIDENT_VIEWS.declare,
        private_metadata: metadata,
        state: { values: declareValues({ triage: ticked, environment }) },
      },
    }),
  );
}

export function submitResolve(t: TestApp, userId: string, incidentId: number, ticked: number[], summary: string) {
  return t.interact(
    viewSubmissionPayload(
      userId,
      INCIDENT_VIEWS.resolve,
      {
        verification: { value: { type: 'checkboxes', selected_options: ticked.map((n) => ({ value: String(n) })) } },
        summary: { value: { type: 'plain_text_input', value: summary } },
      },
      String(incidentId),
    ),
  );
}

/** Declares through the modal and waits until the status card has reached Slack. Returns the card's call. */
export async function declare(t: TestApp, form: DeclareForm & { severity: string }, userId = 'U0ALICE') {
  const answer = await submitDeclare(t, userId, {
    title: 'Checkout returns 500s',
    environment: 'prod',
    impact: 'EU customers cannot pay',
    service: 'checkout',
    ...form,
  });
  if (answer.status !== 200 || answer.text !== '') throw new Error(`declare was refused: ${answer.status} ${answer.text}`);
  return t.standIn.waitFor('chat.postMessage', (a) => String(a.text).startsWith(`[${form.severity}]`));
}

export const texts = (calls: Array<{ args: Record<string, unknown> }>) => calls.map((c) => String(c.args.text));
