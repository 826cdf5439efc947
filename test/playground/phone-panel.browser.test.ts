/**
 * The phone panel in a browser: a number typed in `/oncall contact` gets its code by text, the code is read on the
 * person's phone panel (the Twilio stand-in's record), typed back, and the panel then shows the number verified.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserRunnable, openPlaygroundInBrowser, type PlaygroundInBrowser } from '../support/playground-browser.js';

describe.skipIf(!browserRunnable)('the playground phone panel in a browser', () => {
  let playground: PlaygroundInBrowser;
  let page: Page;

  beforeAll(async () => {
    playground = await openPlaygroundInBrowser();
    ({ page } = playground);
  }, 60_000);

  afterAll(() => playground?.close());

  const command = (text: string) => playground.command(text);

  it('shows the code texted to a new number; typed back, the number shows verified', async () => {
    await page.locator('#me option').first().waitFor({ state: 'attached' });
    await command('/oncall contact');
    const modal = page.locator('#overlay.open .modal');
    await modal.waitFor();
    await modal.locator('.field[data-block-id=phone] input').fill('+44 7700 900123');
    await page.locator('#modal-submit').click();
    // The form turns into the code form; close it and read the code on the phone instead.
    await modal.getByText(/code/i).first().waitFor();
    await modal.locator('.foot button.btn:not(.primary)').click();
    await page.locator('#overlay:not(.open)').waitFor({ state: 'attached' });

    await page.locator('#phone-tab').click();
    const text = page.locator('.phone-item.text', { hasText: 'Your on-call bot code is' });
    await text.waitFor();
    expect((await text.textContent()) ?? '').toContain('Text to +447700900123');
    const code = /code is (\d{6})/.exec((await text.textContent()) ?? '')![1]!;
    expect((await page.locator('.phone-contacts').textContent()) ?? '').toContain('+447700900123 (calls, not verified yet)');

    await page.locator('#channels button').first().click();
    await command(`/oncall contact verify ${code}`);
    await page.locator('.msg.ephemeral', { hasText: 'Verified' }).waitFor();
    await page.locator('#phone-tab').click();
    await page.locator('.phone-contacts', { hasText: '+447700900123 (calls, verified ✅)' }).waitFor();
  });
});
