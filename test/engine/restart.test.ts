import { describe, expect, it } from 'vitest';
import { outbox, timers } from '../../src/db/schema.js';
import { PRIORITY } from '../../src/engine/outbox.js';
import { FakeClock, SECOND } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';

describe('restart', () => {
  it('a new app on the same DB file fires every due timer once and delivers every undelivered row once', async () => {
    const db = tempDbPath();
    const standIn = await new SlackStandIn().start();
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    const T = clock.now();
    try {
      const first = await TestApp.start({ dbPath: db.path, standIn, clock });
      first.app.engine.register('test.escalate', (timer, tx) => {
        tx.enqueue({ method: 'chat.postMessage', args: { channel: 'D0BOB', text: `step ${timer.subject}` }, priority: PRIORITY.page });
      });
      // Slack is down while the first process runs: every row stays undelivered.
      standIn.failNext('chat.postMessage', { status: 503 }, 1000);
      first.app.engine.transact((tx) => {
        for (let i = 0; i < 30; i += 1) tx.schedule({ kind: 'test.escalate', subject: `t${i}`, dueAt: T + (i + 1) * SECOND });
        for (let i = 0; i < 10; i += 1) {
          tx.enqueue({ method: 'chat.postMessage', args: { channel: `C${i % 3}`, text: `queued ${i}` }, priority: PRIORITY.notice });
        }
      });
      await first.advance(10 * SECOND); // ten timers fire; their pages join the undelivered rows
      const pendingAtStop = first.store.db.select().from(outbox).all().filter((r) => r.status === 'pending').length;
      expect(pendingAtStop).toBe(20);
      await first.close({ keepDb: true });

      // Slack is back; a new process opens the same file later than every timer's due time.
      standIn.clearFaults();
      clock.set(T + 60 * SECOND);
      const second = await TestApp.start({ dbPath: db.path, standIn, clock });
      const fired: string[] = [];
      second.app.engine.register('test.escalate', (timer, tx) => {
        fired.push(timer.subject);
        tx.enqueue({ method: 'chat.postMessage', args: { channel: 'D0BOB', text: `step ${timer.subject}` }, priority: PRIORITY.page });
      });
      for (let i = 0; i < 5; i += 1) await second.advance(SECOND);

      expect(fired.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i + 10}`).sort());
      const texts = standIn.delivered('chat.postMessage').map((c) => String(c.args.text));
      const expected = [
        ...Array.from({ length: 10 }, (_, i) => `queued ${i}`),
        ...Array.from({ length: 30 }, (_, i) => `step t${i}`),
      ];
      expect(texts.sort()).toEqual(expected.sort());
      expect(second.store.db.select().from(timers).all()).toEqual([]);
      expect(second.store.db.select().from(outbox).all().every((r) => r.status === 'sent')).toBe(true);
      await second.close();
    } finally {
      await standIn.stop();
      db.cleanup();
    }
  });
});
