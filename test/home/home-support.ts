import { expect } from 'vitest';
import { FakeClock } from '../../src/time/clock.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';

export type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: { action_id: string; value: string };
  elements?: Array<{ action_id?: string; value?: string; text?: unknown }>;
};

export interface HomeSeen {
  text: string;
  blocks: Block[];
}

export function viewOf(args: Record<string, unknown>): HomeSeen {
  const view = args.view as { type: string; blocks: Block[] };
  expect(view.type).toBe('home');
  return { blocks: view.blocks, text: view.blocks.map((b) => b.text?.text ?? '').join('\n') };
}

/** The person opens the Home tab (which makes them a recent viewer) and gets it published directly. */
export async function openHome(t: TestApp, user: string): Promise<HomeSeen> {
  await t.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: '1795000000.000100' });
  const call = await t.standIn.waitFor('views.publish', (a) => a.user_id === user);
  return viewOf(call.args);
}

/** Delivers the outbox and returns the newest Home republished for `user` since the test last looked, if any. */
export async function republished(t: TestApp, user: string): Promise<HomeSeen | undefined> {
  await t.app.drainer.drain();
  const calls = t.standIn.take('views.publish', (a) => a.user_id === user);
  const last = calls.at(-1);
  return last ? viewOf(last.args) : undefined;
}

/**
 * The app at `now` with four people, two of whom (the lead and Bob) have opened their Home; their first publishes
 * are delivered and taken from the stand-in, so what a test counts next is what its own action caused.
 */
export async function startWithTwoHomeViewers(now: number): Promise<TestApp> {
  const t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(now) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0LEAD']) t.standIn.addUser({ id });
  await openHome(t, 'U0LEAD');
  await openHome(t, 'U0BOB');
  await t.app.drainer.drain();
  t.standIn.take('views.publish');
  return t;
}
