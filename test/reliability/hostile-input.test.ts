/**
 * Hostile input, property-based: webhooks, slash commands, modals, buttons and request signing, each fed
 * random and malformed input through the real app over HTTP. FC_SEED=<n> replays one seed.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { caseCount, escapedSinceLastLook, unwatchProcess, watchProcess } from './fuzz-support.js';
import { commandProperties } from './commands.fuzz.js';
import { interactionProperties } from './interactions.fuzz.js';
import { signingProperties } from './signing.fuzz.js';
import { webhookProperties } from './webhooks.fuzz.js';

describe('hostile input', () => {
  beforeAll(() => watchProcess());
  afterAll(() => {
    unwatchProcess();
    const escaped = escapedSinceLastLook();
    console.log(`hostile-input: ${caseCount()} cases`);
    if (escaped.length) throw new Error(`escaped the handlers:\n${escaped.join('\n')}`);
  });

  webhookProperties();
  commandProperties();
  interactionProperties();
  signingProperties();
});
