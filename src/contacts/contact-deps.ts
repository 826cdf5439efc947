/** What every part of the contacts feature is given by app.ts; each part adds what only it needs. */
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time/clock.js';
import type { ContactSender } from './contact-sender.js';

export interface ContactFeatureDeps {
  db: Db;
  engine: Engine;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  sender: ContactSender;
}
