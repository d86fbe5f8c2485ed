import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderAlertText } from '../../core/index.js';
import type { Simulator } from '../../simulators/index.js';
import { formatNumber } from '../../dashboard/web/src/number-format.js';
import { launchBrowser, loginInPage } from '../helpers/browser.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { createTestUser } from '../helpers/dashboard-session.js';
import { startCodExceedance } from '../helpers/exceedance.js';

/**
 * Alerts as data in the browser: the centre sends a message code and its parameters, and the
 * alerts page writes the sentence in the page's language, Vietnamese by default, English by the
 * toggle. Screenshots of both under test-results/.
 */
describe('alert texts in the page language', () => {
  let centre: TestCentre;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let sim: Simulator | undefined;

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    centre = await startTestCentre(inject('influxUrl'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await sim?.close();
    await centre?.close();
  });

  const login = async (): Promise<Page> => {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const { username, password } = await createTestUser(centre, 'operator');
    await loginInPage(page, centre.dashboardUrl, username, password);
    return page;
  };

  it('shows a COD exceedance in Vietnamese, and in English after the language toggle', async () => {
    const polluter = centre.catalogue.stations.find(
      (s) => s.parameters.some((p) => p.parameter === 'COD') && centre.catalogue.limitAt(s.id, 'COD', new Date()),
    )!.id;
    const page = await login();
    await page.goto(`${centre.dashboardUrl}/#/alerts`);
    const id = `${polluter}|COD|threshold`;
    // Five minutes of a sustained exceedance, fast-forwarded from the past to now.
    sim = startCodExceedance(centre, polluter);
    const message = page.locator(`[data-alert="${id}"][data-severity=critical] td.message`);
    await message.waitFor({ timeout: 30_000 });
    // The page's sentence is the centre's code and parameters rendered here, not the English message.
    const alert = centre.alerts.open().find((a) => a.id === id)!;
    expect(alert.code).toBe('threshold.above');
    const vi = renderAlertText(alert.code!, alert.params, 'vi')!;
    expect(vi).toMatch(/^COD \d+(,\d+)? mg\/L vượt giới hạn \d+(,\d+)? mg\/L$/);
    expect(alert.message).toMatch(/above the limit/);
    // The row may be re-rendered with a newer value while the exceedance lasts: compare with the alert of the moment.
    const shown = async (lang: 'vi' | 'en'): Promise<void> => {
      const text = (await message.textContent())!.trim();
      const now = centre.alerts.open().find((a) => a.id === id)!;
      // Numbers as the page writes every number (number-format.ts), so the message and the value column agree.
      expect(text).toBe(renderAlertText(now.code!, now.params, lang, { number: (v) => formatNumber(v, lang) }));
    };
    await shown('vi');
    expect(await message.textContent()).not.toMatch(/above|limit/);
    await page.screenshot({ path: 'test-results/alert-language-vi.png' });

    await page.click('[data-testid=lang]');
    await page.locator('html[lang=en]').waitFor({ timeout: 5_000 });
    await shown('en');
    expect(await message.textContent()).toMatch(/^\s*COD [\d.,]+ mg\/L above the limit [\d.,]+ mg\/L\s*$/);
    await page.screenshot({ path: 'test-results/alert-language-en.png' });

    // And back: the language is the page's, the alert stays the same data.
    await page.click('[data-testid=lang]');
    await expect.poll(async () => (await message.textContent())!.trim(), { timeout: 5_000 }).toMatch(/vượt giới hạn/);
  });
});
