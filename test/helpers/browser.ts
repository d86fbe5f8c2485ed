import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';

/** Debian's Chromium, headless; the flags keep it off this machine's closed network. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Logs in through the dashboard's own form at `url` (a hash may follow the address), then waits
 * for the page's user name: attached, not visible, since on a phone it is in the folded menu.
 */
export async function loginInPage(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.locator('[data-testid=login-form]').waitFor({ timeout: 10_000 });
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.locator('[data-testid=user]').waitFor({ state: 'attached', timeout: 10_000 });
}
