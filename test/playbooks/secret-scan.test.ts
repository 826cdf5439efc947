import { describe, expect, it } from 'vitest';
import { findSecrets } from '../../src/playbooks/secret-scan.js';
import { FALSE_POSITIVES, TRUE_POSITIVES } from './secret-corpus.js';

describe('the secret-paste guard on its corpus', () => {
  it.each(TRUE_POSITIVES)('finds a secret in %j', (text, kind) => {
    expect(findSecrets(text)).toEqual([kind]);
  });

  it.each(FALSE_POSITIVES)('leaves %j alone', (text) => {
    expect(findSecrets(text)).toEqual([]);
  });

  it('detects every true positive and flags no look-alike', () => {
    const detected = TRUE_POSITIVES.filter(([text]) => findSecrets(text).length > 0).length;
    const flagged = FALSE_POSITIVES.filter((text) => findSecrets(text).length > 0).length;
    expect({ detected, of: TRUE_POSITIVES.length, flagged, ofLookAlikes: FALSE_POSITIVES.length }).toEqual({
      detected: TRUE_POSITIVES.length,
      of: TRUE_POSITIVES.length,
      flagged: 0,
      ofLookAlikes: FALSE_POSITIVES.length,
    });
  });

  it('e-mail addresses only when the policy asks', () => {
    expect(findSecrets('write to dana.smith@customer.io')).toEqual([]);
    expect(findSecrets('write to dana.smith@customer.io', { emails: true })).toEqual(['e-mail address']);
  });

  it('names several kinds once each', () => {
    expect(findSecrets('AKIAIOSFODNN7EXAMPL3 and AKIAIOSFODNN7EXAMPL4 and xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOp')).toEqual([
      'Slack token',
      'AWS access key',
    ]);
  });
});
