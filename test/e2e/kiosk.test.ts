import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDisplayStore, displaysFileIn, runDisplayCommand } from '../../dashboard/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';

/**
 * A wall display in headless Chromium at 1920x1080 against the whole centre: a display token
 * made by the CLI's code path opens the kiosk (no login form, dark palette), the token leaves
 * the address bar, the board rotates overview -> map -> open alerts (3 s, from the URL), every
 * write route refuses the display from inside the page, and a removed display shows the "no
 * longer authorised" screen. Screenshots of each view under test-results/.
 */
describe('kiosk mode', () => {
  let centre: TestCentre;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const run = async (args: string[], scope?: string[]): Promise<string> => {
    let text = '';
    const store = createDisplayStore(displaysFileIn(centre.dataDir));
    await runDisplayCommand(args, { scope }, { store, baseUrl: centre.dashboardUrl, out: (t) => void (text += t) });
    return text;
  };

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    centre = await startTestCentre(inject('influxUrl'));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await centre?.close();
  });

  const view = (name: string) => page.locator(`main[data-testid=kiosk][data-view=${name}]`);
  const board = () => page.locator('qt-kiosk-board');

  it('opens the rotation from a display token, without a login form, in the dark palette', async () => {
    const printed = await run(['add', 'lobby'], ['country']);
    const url = /kiosk URL: (\S+)/.exec(printed)?.[1];
    expect(url).toBeDefined();
    await page.goto(`${url!}&rotate=3`);
    await view('overview').waitFor({ timeout: 15_000 });
    expect(page.url()).not.toContain('display=');
    expect(page.url()).toMatch(/#\/kiosk\?rotate=3$/);
    expect(await page.locator('[data-testid=login-form]').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    const background = await page.locator('qt-kiosk').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(11, 18, 32)');
    await board().locator('qt-station-table').waitFor();
    await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: 'test-results/kiosk-overview.png' });

    await view('map').waitFor({ timeout: 10_000 });
    await board().locator('qt-station-map').waitFor();
    expect(await page.locator('[data-testid=kiosk-indicator] li[aria-current=step]').getAttribute('data-view')).toBe('map');
    await page.screenshot({ path: 'test-results/kiosk-map.png' });

    await view('alerts').waitFor({ timeout: 10_000 });
    await board().locator('[data-testid=kiosk-alerts], [data-testid=kiosk-no-alerts]').first().waitFor();
    expect(await board().locator('button').count()).toBe(0);
    await page.screenshot({ path: 'test-results/kiosk-alerts.png' });
    // Someone at the wall holds a view with Space and steps with the arrows.
    await page.keyboard.press('Space');
    await page.locator('[data-testid=kiosk-rotation][data-paused=true]').waitFor();
    await page.keyboard.press('ArrowRight');
    await view('overview').waitFor();
    await page.keyboard.press('Space');
    await page.locator('[data-testid=kiosk-rotation][data-paused=false]').waitFor();
    await view('map').waitFor({ timeout: 10_000 });
  });

  it('every write route refuses the display from inside the page', async () => {
    const results = await page.evaluate(async () => {
      const calls: Array<[string, string, unknown]> = [
        ['POST', '/api/alerts/some-alert/acknowledge', { note: 'from the wall' }],
        ['POST', '/api/silences', { station: 'X', minutes: 10, reason: 'wall' }],
        ['POST', '/api/users', { name: 'intruder', role: 'admin' }],
        ['PATCH', '/api/users/admin', { role: 'viewer' }],
        ['DELETE', '/api/silences/s1', undefined],
      ];
      const out: Array<[string, number, string]> = [];
      for (const [method, path, body] of calls) {
        const res = await fetch(path, {
          method,
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        out.push([path, res.status, ((await res.json()) as { code: string }).code]);
      }
      return out;
    });
    for (const [path, status, code] of results) expect([path, status, code]).toEqual([path, 403, 'ERR_READ_ONLY']);
    const me = await page.evaluate(async () => (await fetch('/api/me')).json());
    expect(me).toMatchObject({ display: 'lobby', user: { role: 'viewer' } });
  });

  it('a removed display shows "no longer authorised", never a login form', async () => {
    await run(['remove', 'lobby']);
    // The centre re-reads displays.json at most once a second; then the session is refused.
    await vi.waitFor(async () => expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401), {
      timeout: 5_000,
      interval: 200,
    });
    await page.reload();
    await page.locator('[data-testid=kiosk-unauthorised]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=login-form]').count()).toBe(0);
    await page.screenshot({ path: 'test-results/kiosk-unauthorised.png' });
  });
});
