import { readFileSync } from 'node:fs';
import { loadPolicyFile } from '../../src/config/policy.js';
import { fileURLToPath } from 'node:url';

/** The shared sample payloads (../shared/fixtures/alerts beside the repository). */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../shared/fixtures/alerts/', import.meta.url));

export function fixtureText(path: string): string {
  return readFileSync(`${FIXTURES_DIR}${path}`, 'utf8');
}

export function fixture(path: string): unknown {
  return JSON.parse(fixtureText(path)) as unknown;
}

/** ../shared/policy.example.yml, loaded once: the policy most end-to-end tests run. */
export const EXAMPLE_POLICY = loadPolicyFile(fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url)));

/** Secrets for the example policy's integrations, by the environment variable names it gives. */
export const INTEGRATION_SECRETS = {
  ALERTMANAGER_TOKEN: 'am-token-0123456789',
  SENTRY_CLIENT_SECRET: 'sentry-secret-0123456789',
  UPTIME_TOKEN: 'uptime-token-0123456789',
  GRAFANA_WEBHOOK_USER: 'grafana',
  GRAFANA_WEBHOOK_PASSWORD: 'grafana-pass-0123456789',
  PD_ROUTING_KEY: 'R0UTINGKEY0000000000000000000000',
  JOBS_HMAC_SECRET: 'jobs-hmac-0123456789',
};
