import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRunnable, openPlaygroundInBrowser, type PlaygroundInBrowser } from '../support/playground-browser.js';

const OUTPUT = fileURLToPath(new URL('../../test-output/playground/', import.meta.url));

describe.skipIf(!browserRunnable)('the playground in a browser', () => {
  let playground: PlaygroundInBrowser;
  let page: Page;

  beforeAll(async () => {
    playground = await openPlaygroundInBrowser();
    ({ page } = playground);
  }, 60_000);

  afterAll(() => playground?.close());

  const messages = () => page.locator('#messages');
  const command = (text: string) => playground.command(text);

  it('answers /oncall who with names, not ids, and dates in the browser zone', async () => {
    await page.locator('#me option').first().waitFor({ state: 'attached' });
    await command('/oncall who');
    const reply = messages().locator('.msg.ephemeral', { hasText: 'Primary:' });
    await reply.waitFor();
    const text = await reply.innerText();
    expect(text).toContain('Only visible to you');
    expect(text).toMatch(/Primary: @Ana Lopez until/);
    expect(text).not.toContain('<!date^');
    expect(text).not.toContain('U0ANA');
  });

  it('declares an incident through the modal: a field error on the field first, then the status card', async () => {
    await command('/incident declare Checkout returns 500s');
    const modal = page.locator('#overlay.open .modal');
    await modal.waitFor();
    expect(await modal.locator('input[type=text]').first().inputValue()).toBe('Checkout returns 500s');
    // Submitted without the required environment and impact: the errors show on those fields.
    await page.locator('#modal-submit').click();
    await modal.locator('.field.invalid .error').first().waitFor();
    const invalid = await modal.locator('.field.invalid').evaluateAll((fields) => fields.map((f) => (f as HTMLElement).dataset.blockId));
    expect(invalid.length).toBeGreaterThan(0);

    await modal.locator('.field[data-block-id=environment] select').selectOption('prod');
    await modal.locator('.field[data-block-id=impact] textarea').fill('Every checkout fails for EU customers');
    await modal.locator('.field', { hasText: 'Severity' }).locator('select').selectOption('P1');
    await page.locator('#modal-submit').click();
    await page
      .locator('#overlay.open')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await page.locator('#overlay:not(.open)').waitFor({ state: 'attached' });

    // The incident's channel appears in the sidebar; its status card is there.
    const channel = page.locator('#channels button', { hasText: 'inc-' });
    await channel.waitFor();
    await channel.click();
    // Posted through the outbox, so it may arrive a moment after the channel does.
    const card = messages()
      .locator('.msg')
      .filter({ hasText: 'Checkout returns 500s' })
      .filter({ hasText: /investigating/i })
      .first();
    await card.waitFor();
    const cardText = await card.innerText();
    expect(cardText).toContain('P1');
    expect(cardText).not.toContain('<@');
    // Ticking a checklist item is a block_actions with the whole selection; the message is edited.
    const checklist = messages().locator('.msg', { hasText: 'Triage checklist for incident #1' });
    await checklist.locator('input[type=checkbox]').first().check();
    await messages().getByText('Triage checklist for incident #1: 1 of').waitFor();
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: `${OUTPUT}incident-channel.png`, fullPage: true });
  });

  it('pages the on-call for the P1, and Acknowledge in the DM is a real signed block_actions', async () => {
    await page.locator('#dm-tab').click();
    const ack = messages().locator('button.btn', { hasText: 'Acknowledge' }).first();
    await ack.waitFor();
    await ack.click();
    await messages()
      .getByText(/Acknowledged by @Ana Lopez/)
      .first()
      .waitFor();
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: `${OUTPUT}playground.png`, fullPage: true });
    expect(existsSync(`${OUTPUT}playground.png`)).toBe(true);
  });

  it('the storm button sends 200 alerts: #alerts shows one message per group, each counting its alerts', async () => {
    await page.locator('#storm').click();
    await page.locator('#toast', { hasText: 'Storm: 200 alerts accepted in 20 requests (5 groups)' }).waitFor();
    await page.locator('#channels button', { hasText: '# alerts' }).click();
    // Each group's message is edited with its count within 10 s (the group refresh), on the real clock.
    const counted = messages().locator('.msg', { hasText: /: 40 alerts/ });
    await counted.nth(4).waitFor({ timeout: 45_000 });
    expect(await counted.count()).toBe(5);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: `${OUTPUT}storm.png`, fullPage: true });
  }, 60_000);
});
