/**
 * The vitest config StrykerJS runs (`npm run mutate`, see stryker.config.mjs): only the fast unit tests of
 * the pure modules it mutates, so each mutant costs milliseconds. None of these start the app, a database
 * or the Slack stand-in; the whole suite (vitest.config.ts) does, and takes minutes.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/time/business-hours.test.ts',
      'test/time/zoned.test.ts',
      'test/time/time-edges.test.ts',
      'test/time/*.properties.test.ts',
      'test/schedules/rotation.test.ts',
      'test/schedules/rotation-rules.test.ts',
      'test/schedules/boundary-rules.test.ts',
      'test/schedules/*.properties.test.ts',
      'test/paging/escalation.test.ts',
      'test/paging/*.properties.test.ts',
      'test/engine/delivery.test.ts',
      'test/engine/delivery-rules.test.ts',
      'test/alerts/normalizers.test.ts',
      'test/alerts/normalizer-rules.test.ts',
      'test/alerts/auth.test.ts',
      'test/alerts/*.properties.test.ts',
      'test/incidents/incident-rules.test.ts',
      'test/incidents/triage-cadence.test.ts',
    ],
    testTimeout: 20_000,
  },
});
