import { Engine } from '../../src/engine/engine.js';
import { OutboxDrainer } from '../../src/engine/outbox.js';
import { migrateStore, openStore, type Store } from '../../src/db/connection.js';
import { createOutboxClient, webApiCaller } from '../../src/slack/web-api-caller.js';
import { FakeClock } from '../../src/time/clock.js';
import { captureLogs, tempDbPath, TEST_SECRETS } from './common.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';

export const ENGINE_TEST_CHANNELS = ['C1', 'C2', 'C8', 'C9', 'C0ALERTS', 'C0BACKEND'];

/** The engine alone (no Bolt): real SQLite file, the stand-in as Slack, a fake clock. */
export interface EngineFixture {
  store: Store;
  engine: Engine;
  drainer: OutboxDrainer;
  clock: FakeClock;
  standIn: SlackStandIn;
  logs: string[];
  dbPath: string;
  /** Moves the fake clock and runs one ticker round. */
  advance(ms: number): Promise<void>;
  /** Closes engine and DB; keeps the file when asked (restart tests). */
  close(options?: { keepDb?: boolean; keepStandIn?: boolean }): Promise<void>;
}

export async function engineFixture(
  options: { dbPath?: string; clock?: FakeClock; standIn?: SlackStandIn; concurrency?: number } = {},
): Promise<EngineFixture> {
  const standIn = options.standIn ?? (await new SlackStandIn().start());
  // The channels the engine tests post in, with the bot in them (C404 and C0GONE stay unknown on purpose).
  for (const id of ENGINE_TEST_CHANNELS) if (!standIn.channels.has(id)) standIn.addChannel(id);
  const temp = options.dbPath ? null : tempDbPath();
  const dbPath = options.dbPath ?? temp!.path;
  const store = openStore(dbPath);
  migrateStore(store);
  const clock = options.clock ?? new FakeClock('2026-01-05T09:00:00Z');
  const { lines, logger } = captureLogs();
  const caller = webApiCaller(createOutboxClient(TEST_SECRETS.botToken, standIn.url));
  const drainer = new OutboxDrainer({ db: store.db, clock, caller, logger, concurrency: options.concurrency });
  const engine = new Engine({ db: store.db, clock, logger, drainer });
  return {
    store,
    engine,
    drainer,
    clock,
    standIn,
    logs: lines,
    dbPath,
    async advance(ms) {
      clock.advance(ms);
      await engine.tick();
    },
    async close({ keepDb = false, keepStandIn = false } = {}) {
      await engine.stop();
      await drainer.drain().catch(() => undefined);
      store.close();
      if (!keepStandIn) await standIn.stop();
      if (!keepDb) temp?.cleanup();
    },
  };
}
