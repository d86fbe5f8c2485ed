import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { TestCentre } from '../helpers/centre.js';
import { startDemoDashboard, type DemoDashboard } from '../helpers/demo-dashboard.js';
import { loginAt, overflow, type Contexts } from '../helpers/layout-session.js';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/**
 * The page's layout in headless Chromium with the demo catalogue reporting: the overview fits
 * a 1,440 px window and a phone without sideways scrolling, the phone header stays small,
 * another page opens at its top, the language survives a reload, and the forms' validation
 * messages are Vietnamese. Screenshots under test-results/.
 */
describe('the layout of the page', () => {
  let dashboard: DemoDashboard | undefined;
  let centre: TestCentre;
  let browser: Browser;
  let contexts: Contexts;

  beforeAll(async () => {
    dashboard = await startDemoDashboard(inject('influxUrl'), 3);
    ({ centre, browser, contexts } = dashboard);
  });
  afterAll(() => dashboard?.close());

  const waitForValues = async (page: Page): Promise<void> => {
    await page.locator('[data-station][data-parameter][data-ts]').first().waitFor({ timeout: 20_000 });
  };

  it('fits the overview in 1,440 px: no sideways scroll, the time column on screen', async () => {
    const page = await loginAt(browser, centre, contexts, DESKTOP);
    await waitForValues(page);
    const o = await overflow(page);
    expect(o.inner).toBe(1440);
    expect(o.doc).toBeLessThanOrEqual(o.inner);
    expect(o.tableClient).toBeGreaterThan(0);
    expect(o.table).toBeLessThanOrEqual(o.tableClient);
    // The time column of the first station is inside the window.
    const time = await page.locator('[data-station-row] td.time').first().boundingBox();
    expect(time).not.toBeNull();
    expect(time!.x + time!.width).toBeLessThanOrEqual(1440);
    await page.screenshot({ path: 'test-results/layout-overview-1440.png' });
  });

  it('shows stations as cards on a phone, with a small header and a menu', async () => {
    const page = await loginAt(browser, centre, contexts, PHONE);
    await waitForValues(page);
    const o = await overflow(page);
    expect(o.doc).toBeLessThanOrEqual(o.inner);
    expect(o.table).toBeLessThanOrEqual(o.tableClient);
    const header = await page.locator('qt-centre header').boundingBox();
    expect(header!.height).toBeLessThanOrEqual(PHONE.height * 0.15);
    // A card: its row is laid out in the window's width.
    const row = await page.locator('[data-station-row]').first().boundingBox();
    expect(row!.x + row!.width).toBeLessThanOrEqual(PHONE.width);
    expect(await page.locator('[data-nav=alerts]').isVisible()).toBe(false);
    await page.screenshot({ path: 'test-results/layout-overview-390.png' });

    await page.click('[data-testid=menu-button]');
    expect(await page.locator('[data-testid=menu-button]').getAttribute('aria-expanded')).toBe('true');
    await page.locator('[data-nav=alerts]').waitFor({ state: 'visible' });
    await page.screenshot({ path: 'test-results/layout-menu-390.png' });
    await page.click('[data-nav=alerts]');
    await page.locator('qt-alerts-panel').waitFor();
    // Another page: the menu folds again.
    await vi.waitFor(async () => expect(await page.locator('[data-nav=alerts]').isVisible()).toBe(false), { timeout: 5_000 });
  });

  it('opens another page at its top, and keeps the scroll while the same page updates', async () => {
    const page = await loginAt(browser, centre, contexts, PHONE);
    await waitForValues(page);
    await page.evaluate(() => window.scrollTo(0, 1500));
    await vi.waitFor(async () => expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(1000), { timeout: 5_000 });
    const before = await page.evaluate(() => window.scrollY);
    // Live values keep coming (the simulator reports every 2 s): the page stays where it was.
    const stamps = (): Promise<string> =>
      page.locator('[data-station][data-ts]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ts')).join(','));
    const seen = await stamps();
    await vi.waitFor(async () => expect(await stamps()).not.toBe(seen), { timeout: 10_000, interval: 200 });
    // Cards above may re-wrap by a line as values change length; the page must not jump.
    expect(Math.abs((await page.evaluate(() => window.scrollY)) - before)).toBeLessThanOrEqual(60);
    // A station's page opens at its top.
    const station = centre.catalogue.stations[5]!.id;
    await page.evaluate((id) => (location.hash = `#/station/${encodeURIComponent(id)}`), station);
    await page.locator('[data-testid=param-card]').first().waitFor({ timeout: 10_000 });
    await vi.waitFor(async () => expect(await page.evaluate(() => window.scrollY)).toBe(0), { timeout: 5_000 });
  });

  it('keeps the chosen language in <html lang> after a reload', async () => {
    const page = await loginAt(browser, centre, contexts, DESKTOP);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
    await page.click('[data-testid=lang]');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await page.locator('[data-testid=user]').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.locator('[data-nav=overview]').textContent()).toBe('Overview');
    await page.click('[data-testid=lang]');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
  });

  it("says what is missing in Vietnamese when the login form is sent empty (not the browser's English)", async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(centre.dashboardUrl);
    await page.locator('[data-testid=login-form]').waitFor({ timeout: 10_000 });
    await page.click('button[type=submit]');
    const message = await page.locator('input[name=username]').evaluate((el) => (el as HTMLInputElement).validationMessage);
    expect(message).toBe('Vui lòng điền vào ô này.');
    // Typing drops it; the browser's own check decides again.
    await page.fill('input[name=username]', 'someone');
    expect(await page.locator('input[name=username]').evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(true);
    expect(await page.locator('[data-testid=login-error]').count()).toBe(0);
  });

  it("shows a new account's one-time password with copy and hide buttons, hidden on request or after a minute", async () => {
    const page = await loginAt(browser, centre, contexts, DESKTOP, 'admin');
    await page.evaluate(() => (location.hash = '#/users'));
    const name = `otp-${Date.now().toString(36)}`;
    await page.fill('qt-users input[name=name]', name);
    await page.click('qt-users form button[type=submit]');
    const otp = page.locator('[data-testid=otp]');
    await otp.waitFor({ timeout: 10_000 });
    expect((await otp.textContent())!.length).toBeGreaterThanOrEqual(12);
    await page.locator('[data-testid=otp-copy]').waitFor();
    await page.screenshot({ path: 'test-results/layout-otp.png' });
    await page.click('[data-testid=otp-dismiss]');
    await vi.waitFor(async () => expect(await page.locator('[data-testid=new-password]').count()).toBe(0), { timeout: 5_000 });

    // Left alone, it goes after a minute (the page's clock is moved on, not waited for).
    await page.clock.install();
    await page.click(`qt-users tr[data-user="${name}"] button:has-text("Đặt lại mật khẩu")`);
    await otp.waitFor({ timeout: 10_000 });
    await page.clock.fastForward(59_000);
    expect(await otp.count()).toBe(1);
    await page.clock.fastForward(2_000);
    await vi.waitFor(async () => expect(await otp.count()).toBe(0), { timeout: 5_000 });
  });
});
