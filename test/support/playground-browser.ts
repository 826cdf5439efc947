import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPlaygroundProcess, type PlaygroundProcess } from './playground-process.js';

// Debian's chromium (installed by .ci/run with apt-get); never a browser download.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** CI must run the browser tests: only a developer machine without chromium may skip them. */
export const browserRunnable = existsSync(CHROMIUM) || process.env.CI === 'true';

export interface PlaygroundInBrowser {
  page: Page;
  /** Types a slash command in the playground's box and sends it. */
  command(text: string): Promise<void>;
  close(): Promise<void>;
}

/** The playground as README starts it, open in headless chromium (1280×900, London, en-GB). */
export async function openPlaygroundInBrowser(): Promise<PlaygroundInBrowser> {
  let bot: PlaygroundProcess | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close();
    await bot?.stop();
  };
  try {
    bot = await startPlaygroundProcess();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/London', locale: 'en-GB' });
    await page.goto(bot.url);
    const command = async (text: string) => {
      await page.locator('#command').fill(text);
      await page.locator('#command').press('Enter');
    };
    return { page, command, close };
  } catch (error) {
    await close();
    throw error;
  }
}
