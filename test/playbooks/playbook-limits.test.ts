/**
 * What the policy allows must fit what Slack accepts. The policy takes checklist items and trigger labels of up to
 * 150 characters, and as many checklist items, triggers and verification checks as a team writes; Slack takes 10
 * options a checkbox group and 75 characters an option. Each is driven through the bot against the strict stand-in.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { incidents } from '../../src/db/schema.js';
import { LIMITS } from '../../src/playground/slack-limits.js';
import { FakeClock } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { viewSubmissionPayload } from '../support/signed-requests.js';
import { declare, declareValues, NOW, POLICY as EXAMPLE_POLICY, submitResolve } from '../incidents/incident-support.js';
import { checklistTick, timelineTexts } from './playbook-support.js';

const EXAMPLE = readFileSync(fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url)), 'utf8');
const LONG_ITEM = `Check every region's error budget and the synthetic checks of each of the four payment providers (${'x'.repeat(20)})`;
const LONG_LABEL = `The payment or checkout flow is failing for a whole region, or for every card of one scheme (${'y'.repeat(30)})`;
const ITEMS = [...Array.from({ length: 11 }, (_, n) => `Checklist step ${n + 1}`), LONG_ITEM];
const TRIGGERS = Array.from({ length: 12 }, (_, n) => ({
  name: `trigger-${n + 1}`,
  label: n === 11 ? LONG_LABEL : `Trigger number ${n + 1}`,
}));
const CHECKS = [...Array.from({ length: 10 }, (_, n) => `Verified step ${n + 1}`), LONG_ITEM];

const POLICY = parsePolicyText(
  [
    EXAMPLE,
    'playbooks:',
    '  checklist:',
    ...ITEMS.map((i) => `    - "${i}"`),
    '  triggers:',
    ...TRIGGERS.map((tr) => `    ${tr.name}: { label: "${tr.label}", who: secondary, how: notify }`),
    'incidents:',
    '  verification:',
    ...CHECKS.map((c) => `    - "${c}"`),
  ].join('\n'),
  'limits.yml',
);

let t: TestApp;
afterEach(async () => t?.close());

type Option = { value: string; text: { text: string } };
type Block = {
  type: string;
  block_id?: string;
  elements?: Array<{ type: string; options?: Option[] }>;
  element?: { type: string; options?: Option[] };
};
const checkboxBlocks = (blocks: Block[]) => blocks.filter((b) => (b.elements ?? [b.element]).some((e) => e?.type === 'checkboxes'));
const optionsOf = (b: Block) => (b.elements?.[0] ?? b.element)!.options!;
const timeline = (kind: string) => timelineTexts(t, kind);

async function start(policy = POLICY) {
  t = await TestApp.start({ policy, clock: new FakeClock(NOW) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

describe('a checklist longer than Slack takes in one checkbox group', () => {
  it('is posted in groups of at most 10, every item offered (a long one cut with …), and a tick in the second group changes only that group', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    await t.app.drainer.drain();
    const [posted] = t.standIn.take('chat.postMessage', (a) => String(a.text).startsWith(':ballot_box_with_check:'));
    expect(posted).toBeDefined();
    const groups = checkboxBlocks(posted!.args.blocks as Block[]);
    expect(groups.map((g) => optionsOf(g).length)).toEqual([10, 2]);
    const offered = groups.flatMap(optionsOf);
    expect(offered.map((o) => o.value)).toEqual(ITEMS.map((_, n) => String(n)));
    expect(offered.every((o) => o.text.text.length <= LIMITS.optionText)).toBe(true);
    expect(offered.at(-1)!.text.text).toBe(`${LONG_ITEM.slice(0, LIMITS.optionText - 1)}…`);

    const tick = (blockId: string, positions: number[]) => t.interact(checklistTick('U0ALICE', positions, blockId));
    await tick(groups[0]!.block_id!, [0]);
    await tick(groups[1]!.block_id!, [11]);
    await t.app.drainer.drain();
    // The full text goes into the timeline; item 1, ticked in the first group, stays ticked.
    expect(timeline('checklist')).toEqual(['Checked by <@U0ALICE>: Checklist step 1', `Checked by <@U0ALICE>: ${LONG_ITEM}`]);
    const edits = t.standIn.take('chat.update', (a) => String(a.text).startsWith(':ballot_box_with_check:'));
    expect(edits.at(-1)!.args.text).toBe(':ballot_box_with_check: Triage checklist for incident #1: 2 of 12 done');
  });
});

describe('the declare and resolve forms with more options than one group', () => {
  it('the declare form opens with every trigger (a long label cut with …), and a trigger ticked in the second group is marked', async () => {
    await start();
    await t.command('/incident', 'declare Checkout down', 'U0ALICE');
    const opened = await t.standIn.waitFor('views.open');
    const view = opened.args.view as { blocks: Block[] };
    const groups = checkboxBlocks(view.blocks).filter((b) => b.block_id?.startsWith('triggers'));
    expect(groups.map((g) => optionsOf(g).length)).toEqual([10, 2]);
    const offered = groups.flatMap(optionsOf);
    expect(offered.map((o) => o.value)).toEqual(TRIGGERS.map((tr) => tr.name));
    expect(offered.at(-1)!.text.text).toBe(`${LONG_LABEL.slice(0, LIMITS.optionText - 1)}…`);

    const values = declareValues({ title: 'Checkout down', environment: 'prod', impact: 'nobody can pay', severity: 'P2' });
    values[groups[1]!.block_id!] = { value: { type: 'checkboxes', selected_options: [{ value: 'trigger-12' }] } };
    await t.interact(viewSubmissionPayload('U0ALICE', 'incident.declare', values, JSON.stringify({ channel: 'C0GENERAL' })));
    await t.standIn.waitFor('chat.postMessage', (a) => String(a.text).startsWith('[P2]'));
    expect(timeline('trigger')).toEqual([expect.stringContaining(`Trigger "${LONG_LABEL}" marked by <@U0ALICE>`)]);
  });

  it('the resolve form opens with every check, and resolving needs the ones in the second group too', async () => {
    await start();
    await declare(t, { severity: 'P2' });
    await t.command('/incident', 'resolve', 'U0ALICE', { channelId: 'C0INC1' });
    const opened = await t.standIn.waitFor('views.open');
    const groups = checkboxBlocks((opened.args.view as { blocks: Block[] }).blocks);
    expect(groups.map((g) => optionsOf(g).length)).toEqual([10, 1]);
    const submit = (ticked: Record<string, number[]>) =>
      t.interact(
        viewSubmissionPayload(
          'U0ALICE',
          'incident.resolve',
          {
            ...Object.fromEntries(
              Object.entries(ticked).map(([block, ns]) => [
                block,
                { value: { type: 'checkboxes', selected_options: ns.map((n) => ({ value: String(n) })) } },
              ]),
            ),
            summary: { value: { type: 'plain_text_input', value: 'rolled back' } },
          },
          '1',
        ),
      );
    const firstTen = Array.from({ length: 10 }, (_, n) => n);
    const refused = await submit({ [groups[0]!.block_id!]: firstTen });
    expect(refused.json()).toEqual({
      response_action: 'errors',
      errors: { verification: `Every check must be true before resolving. Still open: ${LONG_ITEM}.` },
    });
    expect((await submit({ [groups[0]!.block_id!]: firstTen, [groups[1]!.block_id!]: [10] })).text).toBe('');
    expect(t.store.db.select().from(incidents).get()!.status).toBe('resolved');
  });
});

describe('the status card', () => {
  it('stays editable with a resolution as long as the form allows (3,000 characters): the card cuts it, the record keeps it', async () => {
    await start(EXAMPLE_POLICY);
    await declare(t, { severity: 'P2' });
    await t.app.drainer.drain();
    t.standIn.take('chat.update');
    const resolution = `Rolled back. ${'r'.repeat(2987)}`;
    expect(resolution).toHaveLength(3000);
    expect((await submitResolve(t, 'U0ALICE', 1, [0, 1, 2], resolution)).text).toBe('');
    await t.app.drainer.drain();
    expect(t.store.db.select().from(incidents).get()!.resolution).toBe(resolution);
    const card = t.standIn.take('chat.update', (a) => String(a.text).includes('Status: Resolved')).at(-1);
    expect(card).toBeDefined();
    const sections = (card!.args.blocks as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section' && b.text);
    const shown = sections.find((s) => s.text!.text.startsWith('*Resolution*'))!.text!.text;
    expect(shown.length).toBeLessThanOrEqual(LIMITS.sectionText);
    // Cut with a visible … and where the whole resolution is.
    expect(shown.endsWith('… _(cut to fit Slack: `/incident timeline` has the whole resolution)_')).toBe(true);
  });
});
