/**
 * Modal submissions with random, missing and wrong-typed state, and every button the app registers pressed
 * with random values. Always a 200; a refused submission answers `response_action: errors` on the view's own
 * blocks and writes nothing; a refused button writes nothing; nothing at error level in the log.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_ACTIONS } from '../../src/alerts/alert-blocks.js';
import { HANDOFF_ACTIONS, HANDOFF_VIEW } from '../../src/handoffs/handoff-blocks.js';
import { HOME_ACTIONS } from '../../src/home/home-view.js';
import { OVERRIDE_VIEW } from '../../src/schedules/override-form.js';
import { INCIDENT_ACTIONS, INCIDENT_VIEWS } from '../../src/incidents/incident-blocks.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { PLAYBOOK_ACTIONS } from '../../src/playbooks/playbook-blocks.js';
import { SWAP_ACTIONS } from '../../src/schedules/swap.js';
import type { TestApp } from '../support/harness.js';
import { blockActionPayload, viewSubmissionPayload } from '../support/signed-requests.js';
import {
  errorLines,
  escapedSinceLastLook,
  type HandlerProbe,
  hostileText,
  hostileWord,
  isReadableReason,
  NOW,
  PEOPLE,
  POLICY,
  PROTOTYPE_WORDS,
  runs,
  tally,
  writeCount,
} from './fuzz-support.js';
import { seededApp, type OpenedView } from './seeded-app.js';

type Values = Record<string, unknown>;

/** JavaScript's own words for a missing or broken value: an answer shows them only if the request had them. */
const INTERNALS = ['undefined', 'NaN', '[object ', 'Infinity', 'null'];

/** A value an element's field might hold, right or wrong. */
const fieldValue = (good: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: good.length ? fc.constantFrom(...good) : hostileWord },
    { weight: 3, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_WORDS) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant({}), fc.constant([])) },
  );

const option = (good: readonly string[]) =>
  fc.oneof({ weight: 5, arbitrary: fc.record({ value: fieldValue(good) }) }, { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) });

/** One element's state as Slack sends it, or something else in its place. */
const elementState = (good: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ type: fc.constant('plain_text_input'), value: fieldValue(good) }, { requiredKeys: ['type'] }) },
    {
      weight: 3,
      arbitrary: fc.record(
        { type: fc.constant('static_select'), selected_option: fc.oneof(fc.constant(null), option(good)) },
        { requiredKeys: ['type'] },
      ),
    },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          type: fc.constant('checkboxes'),
          selected_options: fc.oneof(
            { weight: 5, arbitrary: fc.array(option(good), { maxLength: 6 }) },
            { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
          ),
        },
        { requiredKeys: ['type'] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record(
        {
          type: fc.constant('users_select'),
          selected_user: fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...PEOPLE, 'U0STRANGER') },
            { weight: 1, arbitrary: fieldValue(good) },
          ),
        },
        { requiredKeys: ['type'] },
      ),
    },
    // Around the seeded app's now (seconds), or anything else a forged request might hold.
    {
      weight: 1,
      arbitrary: fc.record(
        {
          type: fc.constant('datetimepicker'),
          selected_date_time: fc.oneof(
            { weight: 3, arbitrary: fc.integer({ min: NOW / 1000 - 86_400, max: NOW / 1000 + 7 * 86_400 }) },
            { weight: 1, arbitrary: fc.oneof(fc.double(), fc.constant(null), fieldValue(good)) },
          ),
        },
        { requiredKeys: ['type'] },
      ),
    },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  );

/** A block's state: its one element under its action id (or others, or junk). */
const blockState = (actionIds: readonly string[], good: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...actionIds), elementState(good)).map(([id, state]) => ({ [id]: state })) },
    { weight: 1, arbitrary: fc.dictionary(hostileWord, elementState(good), { maxKeys: 2 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  );

/** The view's blocks, each present or not, right or wrong; sometimes extra blocks; sometimes not even an object. */
function stateValues(view: OpenedView): fc.Arbitrary<unknown> {
  const blocks = view.blocks.filter((b) => b.block_id);
  const good = blocks.flatMap((b) => b.element?.options?.map((o) => o.value) ?? []);
  const entries = blocks.map((b) =>
    fc
      .option(blockState([b.element?.action_id ?? 'value'], good), { nil: undefined, freq: 4 })
      .map((state) => [b.block_id!, state] as const),
  );
  const shaped = fc
    .tuple(
      fc.tuple(...entries),
      fc.dictionary(fc.oneof(hostileWord, fc.constantFrom('severity:P0', 'severity:nope', 'field:9')), blockState(['value'], good), {
        maxKeys: 2,
      }),
    )
    .map(([known, extra]) => {
      const values: Values = {};
      for (const [id, state] of known) if (state !== undefined) values[id] = state;
      return { ...extra, ...values };
    });
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) });
}

const metadata = (real: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(real) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: hostileText },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        'null',
        '1',
        '#1',
        '{"rotation":"constructor","boundary":"x"}',
        '{"rotation":"backend","boundary":1e400}',
      ),
    },
  );

export function interactionProperties(): void {
  describe('modals and buttons: random state and values', () => {
    let t: TestApp;
    let probe: HandlerProbe;
    let views: { declare: OpenedView; handoff: OpenedView; override: OpenedView };

    beforeAll(async () => {
      const seeded = await seededApp();
      ({ t, probe, views } = seeded);
    });
    afterAll(async () => t?.close());

    const writes = () => writeCount(t);
    const ephemerals = () => t.standIn.attempts('chat.postEphemeral').length;

    /** Sends one interaction, waits for its handler to finish, checks the common invariants. */
    async function interact(payload: Record<string, unknown>) {
      await t.app.drainer.drain();
      const from = t.logs.lines.length;
      const before = { writes: writes(), ephemerals: ephemerals() };
      const answer = await t.interact(payload);
      await probe.settled();
      expect(answer.status).toBe(200);
      expect(errorLines(t, from), `log for ${JSON.stringify(payload).slice(0, 600)}`).toEqual([]);
      expect(escapedSinceLastLook()).toEqual([]);
      // A refusal says what was wrong: readable, and without JavaScript's words for a value that is not there.
      const sent = JSON.stringify(payload);
      for (const call of t.standIn.attempts('chat.postEphemeral').slice(before.ephemerals)) {
        const text = String(call.args.text);
        expect(isReadableReason(text), text).toBe(true);
        for (const word of INTERNALS) if (!sent.includes(word)) expect(text, `the answer to ${sent.slice(0, 400)}`).not.toContain(word);
      }
      return { answer, wrote: writes() !== before.writes, refused: ephemerals() > before.ephemerals };
    }

    const SUBMISSIONS = [
      { callbackId: INCIDENT_VIEWS.declare, view: () => views.declare, metadata: () => views.declare.private_metadata, runs: 200 },
      {
        callbackId: INCIDENT_VIEWS.resolve,
        view: (): OpenedView => ({
          private_metadata: '1',
          blocks: [
            {
              block_id: 'verification',
              element: { action_id: 'value', options: POLICY.incidents.verification.map((_, n) => ({ value: String(n) })) },
            },
            { block_id: 'summary', element: { action_id: 'value' } },
          ],
        }),
        metadata: () => '2',
        runs: 150,
      },
      { callbackId: HANDOFF_VIEW, view: () => views.handoff, metadata: () => views.handoff.private_metadata, runs: 150 },
      { callbackId: OVERRIDE_VIEW, view: () => views.override, metadata: () => '', runs: 150 },
    ];

    it.each(SUBMISSIONS)('view_submission $callbackId', async (s) => {
      const view = s.view();
      const blockIds = view.blocks.map((b) => b.block_id).filter(Boolean) as string[];
      await fc.assert(
        fc.asyncProperty(
          stateValues(view),
          metadata(s.metadata()),
          fc.constantFrom(...PEOPLE, 'U0STRANGER'),
          async (values, meta, userId) => {
            tally();
            const { answer, wrote } = await interact(
              viewSubmissionPayload(userId, s.callbackId, values as Record<string, Record<string, unknown>>, meta),
            );
            if (answer.text === '') return; // accepted: the modal closes
            const body = answer.json() as { response_action?: unknown; errors?: Record<string, unknown> };
            expect(body.response_action).toBe('errors');
            const keys = Object.keys(body.errors ?? {});
            expect(keys.length).toBeGreaterThan(0);
            for (const key of keys) {
              // An error must sit on a block the view has (a severity block carries its suggestion in its id).
              expect(
                blockIds.includes(key) ||
                  (key.startsWith('severity:') && s.callbackId === INCIDENT_VIEWS.declare && Object.hasOwn(values as object, key)),
                `error on "${key}", not a block of the view`,
              ).toBe(true);
              expect(isReadableReason(body.errors![key]), `error text ${JSON.stringify(body.errors![key])}`).toBe(true);
            }
            expect(wrote, 'a refused submission wrote rows').toBe(false);
          },
        ),
        runs(s.runs),
      );
    });

    const BUTTONS = [
      PAGE_ACTIONS.ack,
      PAGE_ACTIONS.escalate,
      PAGE_ACTIONS.resolve,
      ALERT_ACTIONS.notTop,
      SWAP_ACTIONS.accept,
      SWAP_ACTIONS.decline,
      HANDOFF_ACTIONS.open,
      HANDOFF_ACTIONS.confirm,
      HANDOFF_ACTIONS.cover,
      PLAYBOOK_ACTIONS.trigger,
      HOME_ACTIONS.declare,
      HOME_ACTIONS.override,
    ];
    const buttonValue = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          '1',
          '2',
          '3',
          '0',
          '-1',
          '1.5',
          '1e0',
          ' 1 ',
          '0x1',
          'NaN',
          'Infinity',
          '1e400',
          '99999999999999999999',
          '',
          'backend|1795424400000',
          'backend|x',
          'constructor|1',
          '1|monitors-failing',
          '1|constructor',
          '2|__proto__',
          '|',
          'x|y|z',
        ),
      },
      { weight: 2, arbitrary: hostileText },
      { weight: 1, arbitrary: fc.integer().map(String) },
    );

    it.each(BUTTONS)('block_actions %s with random values', async (actionId) => {
      await fc.assert(
        fc.asyncProperty(
          buttonValue,
          fc.constantFrom(...PEOPLE, 'U0STRANGER'),
          fc.option(fc.constantFrom('C0ALERTS', 'C0BACKEND', 'C0INC1', 'D0DM'), { nil: undefined }),
          async (value, userId, channel) => {
            tally();
            const { wrote, refused } = await interact(
              blockActionPayload(userId, actionId, value, channel ? { channel: { id: channel, name: 'x' } } : {}),
            );
            if (refused) expect(wrote, `a refused ${actionId} "${value}" wrote rows`).toBe(false);
          },
        ),
        runs(60),
      );
    });

    it('block_actions with no value, or a value of the wrong type', async () => {
      const wrongValue = fc.oneof(
        fc.anything({ maxDepth: 1 }),
        fc.constantFrom({ toString: '' }, { valueOf: 1, toString: null }, [1], ['1'], { value: '1' }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...BUTTONS, PLAYBOOK_ACTIONS.checklist, INCIDENT_ACTIONS.triage),
          wrongValue,
          fc.constantFrom(...PEOPLE),
          async (actionId, value, userId) => {
            tally();
            const payload = blockActionPayload(userId, actionId, '');
            const [action] = payload.actions as Array<Record<string, unknown>>;
            if (value === undefined) delete action!.value;
            else action!.value = value;
            const { wrote, refused } = await interact(payload);
            if (refused) expect(wrote).toBe(false);
          },
        ),
        runs(100),
      );
    });

    it('the checklist checkboxes with random block ids and options', async () => {
      const blockId = fc.oneof(
        fc.constantFrom('checklist:1', 'checklist:2', 'checklist:3', 'checklist:0', 'checklist:999', 'checklist:', 'checklist:1e3', 'b'),
        hostileWord.map((w) => `checklist:${w}`),
      );
      const options = fc.oneof(
        {
          weight: 5,
          arbitrary: fc.array(
            fc.oneof(
              { weight: 5, arbitrary: fc.record({ value: fc.oneof(fc.integer({ min: -2, max: 12 }).map(String), hostileWord) }) },
              { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
            ),
            { maxLength: 12 },
          ),
        },
        { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) },
      );
      await fc.assert(
        fc.asyncProperty(blockId, options, fc.constantFrom(...PEOPLE, 'U0STRANGER'), async (block, selected, userId) => {
          tally();
          const { wrote, refused } = await interact(
            blockActionPayload(userId, PLAYBOOK_ACTIONS.checklist, '', {
              actions: [
                {
                  type: 'checkboxes',
                  action_id: PLAYBOOK_ACTIONS.checklist,
                  block_id: block,
                  selected_options: selected,
                  action_ts: '1767600000.000002',
                },
              ],
              channel: { id: 'C0INC1', name: 'inc' },
            }),
          );
          if (refused) expect(wrote).toBe(false);
        }),
        runs(120),
      );
    });

    it('message and reaction events with hostile text and items', async () => {
      const channel = fc.oneof(fc.constantFrom('C0ALERTS', 'C0BACKEND', 'C0INCIDENTS', 'C0INC1', 'C0INC2', 'C0GENERAL'), hostileWord);
      // Runs of word characters split by punctuation: what makes a careless pattern backtrack from every word.
      const repetitive = fc
        .tuple(
          fc.constantFrom('a.', 'a-', '1-', 'eyJ.', 'xoxb-1-', 'a@', 'x://', 'password=', 'bearer '),
          fc.integer({ min: 100, max: 10_000 }),
        )
        .map(([unit, n]) => unit.repeat(n));
      const text = fc.oneof(
        hostileText,
        repetitive,
        fc.constantFrom('my key is AKIAABCDEFGHIJKLMNOP', 'postgres://app:hunter2hunter2@db:5432/x', 'xoxb-1234-5678-abcdefghijkl'),
      );
      const message = fc.record(
        {
          type: fc.constant('message'),
          channel,
          user: fc.constantFrom(...PEOPLE),
          text,
          ts: fc.constant('1767600000.000100'),
          subtype: fc.option(fc.constantFrom('thread_broadcast', 'file_share', 'message_changed', 'bot_message'), { nil: undefined }),
        },
        { requiredKeys: ['type', 'channel', 'ts'] },
      );
      // Slack's item is always an object (Bolt itself answers 500 to one that is not, before any handler of ours).
      const item = fc.oneof(
        fc.record({ type: fc.constant('message'), channel, ts: fc.oneof(fc.constant('1767600000.000001'), hostileWord) }),
        fc.object({ maxDepth: 1 }),
      );
      const reaction = fc.record({
        type: fc.constant('reaction_added'),
        user: fc.constantFrom(...PEOPLE),
        reaction: fc.oneof(fc.constantFrom('pushpin', 'white_check_mark', 'heavy_check_mark', 'ballot_box_with_check'), hostileWord),
        item,
        event_ts: fc.constant('1767600000.000200'),
      });
      await fc.assert(
        fc.asyncProperty(fc.oneof(message, reaction), async (event) => {
          tally();
          await t.app.drainer.drain();
          const from = t.logs.lines.length;
          const answer = await t.event(event as Record<string, unknown>);
          await probe.settled();
          expect(answer.status).toBe(200);
          expect(errorLines(t, from), `log for ${JSON.stringify(event).slice(0, 400)}`).toEqual([]);
          expect(escapedSinceLastLook()).toEqual([]);
        }),
        runs(120),
      );
    });

    it('the override form with each field right or wrong: accepted means exactly what was asked is written', async () => {
      const second = NOW / 1000;
      const either = <T, U>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<U>) =>
        fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: wrong });
      const form = fc.record({
        rotation: either(fc.constant('backend'), fieldValue(['web', 'constructor', '__proto__'])),
        role: either(fc.constantFrom('primary', 'secondary'), fieldValue(['boss'])),
        who: either(fc.constantFrom(...PEOPLE), fc.oneof(fc.constant('U0STRANGER'), fieldValue([]))),
        from: either(fc.integer({ min: second - 86_400, max: second + 3 * 86_400 }), fc.oneof(fc.double(), fieldValue([]))),
        to: either(fc.integer({ min: second - 3_600, max: second + 4 * 86_400 }), fc.oneof(fc.double(), fieldValue([]))),
      });
      let accepted = 0;
      const overrideRows = () =>
        t.store.sqlite
          .prepare(
            'SELECT rotation, role, user_id AS userId, starts_at AS startsAt, ends_at AS endsAt, created_by AS createdBy FROM overrides ORDER BY id',
          )
          .all() as Array<Record<string, unknown>>;
      await fc.assert(
        fc.asyncProperty(form, fc.constantFrom(...PEOPLE, 'U0STRANGER'), async (f, userId) => {
          tally();
          const before = overrideRows().length;
          const values = {
            rotation: { value: { type: 'static_select', selected_option: { value: f.rotation } } },
            role: { value: { type: 'radio_buttons', selected_option: { value: f.role } } },
            who: { value: { type: 'users_select', selected_user: f.who } },
            from: { value: { type: 'datetimepicker', selected_date_time: f.from } },
            to: { value: { type: 'datetimepicker', selected_date_time: f.to } },
          };
          const { answer, wrote } = await interact(viewSubmissionPayload(userId, OVERRIDE_VIEW, values));
          const rows = overrideRows();
          if (answer.text === '') {
            accepted += 1;
            expect(rows.slice(before)).toEqual([
              {
                rotation: f.rotation,
                role: f.role,
                userId: f.who,
                startsAt: Number(f.from) * 1000,
                endsAt: Number(f.to) * 1000,
                createdBy: userId,
              },
            ]);
            return;
          }
          const body = answer.json() as { response_action?: unknown; errors?: Record<string, unknown> };
          expect(body.response_action).toBe('errors');
          for (const [key, text] of Object.entries(body.errors ?? {})) {
            expect(['rotation', 'role', 'who', 'from', 'to']).toContain(key);
            expect(isReadableReason(text)).toBe(true);
          }
          expect(wrote, 'a refused override wrote rows').toBe(false);
        }),
        runs(150),
      );
      // The generator is meant to reach the write as well as the refusals (about one case in eight is accepted).
      expect(accepted).toBeGreaterThan(0);
    });

    it('the triage checkboxes with a random view (state and private_metadata)', async () => {
      await fc.assert(
        fc.asyncProperty(
          stateValues(views.declare),
          metadata(views.declare.private_metadata),
          fc.boolean(),
          async (values, meta, withView) => {
            tally();
            const { wrote } = await interact(
              blockActionPayload('U0ALICE', INCIDENT_ACTIONS.triage, '', {
                actions: [
                  {
                    type: 'checkboxes',
                    action_id: INCIDENT_ACTIONS.triage,
                    block_id: 'triage',
                    selected_options: [],
                    action_ts: '1767600000.000002',
                  },
                ],
                container: { type: 'view', view_id: 'V0VIEW' },
                ...(withView
                  ? {
                      view: {
                        id: 'V0VIEW',
                        hash: 'h',
                        type: 'modal',
                        callback_id: INCIDENT_VIEWS.declare,
                        private_metadata: meta,
                        state: { values },
                      },
                    }
                  : {}),
              }),
            );
            expect(wrote, 'a triage tick only updates the form').toBe(false);
          },
        ),
        runs(120),
      );
    });
  });
}
