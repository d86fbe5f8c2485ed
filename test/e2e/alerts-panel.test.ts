import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Alert } from '../../core/index.js';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { launchBrowser, loginInPage } from '../helpers/browser.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { createTestUser } from '../helpers/dashboard-session.js';

/**
 * The alerts panel and the header's counts in headless Chromium against the whole centre (MQTT,
 * ingest, InfluxDB, alerts engine): four stations in two zones driven over (critical) and near
 * (warning) their COD limit; an operator reads the counts, filters by zone and severity (kept in
 * the URL), acknowledges two alerts with one note and sees the counts move; a viewer gets no
 * checkboxes; a phone gets cards without sideways scroll. Screenshots under test-results/.
 */
describe('the alerts panel in the browser', () => {
  let centre: TestCentre;
  let browser: Browser;
  let sim: Simulator | undefined;
  const contexts: BrowserContext[] = [];
  /** Two zones, each with a station over its limit (critical) and one near it (warning). */
  let picked: Array<{ station: string; zone: string; severity: 'critical' | 'warning' }>;
  let zoneA: string;

  const threshold = (station: string): string => `${station}|COD|threshold`;
  const open = (): Alert[] => centre.alerts.open();
  const firing = (severity: Alert['severity']): number => open().filter((a) => a.state === 'firing' && a.severity === severity).length;
  const acked = (): number => open().filter((a) => a.state === 'acknowledged').length;

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    centre = await startTestCentre(inject('influxUrl'));
    browser = await launchBrowser();
    const byZone = new Map<string, string[]>();
    for (const s of centre.catalogue.stations) {
      if (!centre.catalogue.limitAt(s.id, 'COD', new Date())) continue;
      const zone = centre.catalogue.zoneOf(s.id)!.id;
      byZone.set(zone, [...(byZone.get(zone) ?? []), s.id]);
    }
    const zones = [...byZone].filter(([, ids]) => ids.length >= 2).slice(0, 2);
    expect(zones).toHaveLength(2);
    picked = zones.flatMap(([zone, ids]) => [
      { station: ids[0]!, zone, severity: 'critical' as const },
      { station: ids[1]!, zone, severity: 'warning' as const },
    ]);
    zoneA = zones[0]![0];
    // Five minutes of readings fast-forwarded from the past: the threshold rule holds 120 s in measurement time.
    sim = startSimulator({
      url: centre.mqttUrl,
      catalogue: centre.catalogue,
      stations: picked.map((p) => p.station),
      rate: 10,
      stepMs: 10_000,
      startAt: Date.now() - 300_000,
      scenarios: picked.map((p) => ({
        name: 'exceedance' as const,
        station: p.station,
        parameter: 'COD',
        atS: 0,
        level: p.severity === 'critical' ? 1.6 : 0.9,
      })),
      credentials: (s) => centre.credentials(s),
      record: false,
      seed: 19,
    });
    await vi.waitFor(
      () => {
        for (const p of picked)
          expect(
            open().find((a) => a.id === threshold(p.station)),
            p.station,
          ).toMatchObject({ state: 'firing', severity: p.severity });
      },
      { timeout: 60_000, interval: 250 },
    );
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await sim?.close();
    await centre?.close();
  });

  const login = async (role: 'viewer' | 'operator', viewport = { width: 1440, height: 900 }, hash = '#/alerts'): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    const { username, password } = await createTestUser(centre, role);
    await loginInPage(page, `${centre.dashboardUrl}/${hash}`, username, password);
    return page;
  };
  const count = async (page: Page, testid: string): Promise<number> => Number(await page.locator(`[data-testid=${testid}]`).textContent());
  const rows = (page: Page) => page.locator('[data-testid=alert-list] tbody tr');
  const expectHeader = async (page: Page): Promise<void> =>
    vi.waitFor(
      async () => {
        expect(await count(page, 'critical-count')).toBe(firing('critical'));
        expect(await count(page, 'warning-count')).toBe(firing('warning'));
        expect(await count(page, 'acked-count')).toBe(acked());
        expect(await count(page, 'pending-count')).toBe(open().filter((a) => a.state === 'pending').length);
      },
      { timeout: 10_000, interval: 200 },
    );

  it('counts unacknowledged alerts by severity, acknowledged and pending apart; each count opens the panel filtered', async () => {
    const page = await login('operator', undefined, '#/');
    await expectHeader(page);
    expect(await count(page, 'critical-count')).toBeGreaterThanOrEqual(2);
    expect(await count(page, 'warning-count')).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-nav=alerts]').textContent()).toBe('Cảnh báo');
    await page.screenshot({ path: 'test-results/alerts-header-counts.png' });

    await page.click('[data-testid=critical-count]');
    await vi.waitFor(async () => expect(await page.evaluate(() => location.hash)).toBe('#/alerts?severity=critical&state=firing'));
    await vi.waitFor(async () => expect(await rows(page).count()).toBe(firing('critical')), { timeout: 10_000 });
    for (const row of await rows(page).all()) {
      expect(await row.getAttribute('data-severity')).toBe('critical');
      expect(await row.getAttribute('data-state')).toBe('firing');
    }
  });

  it('filters by zone and severity, keeps the filter in the URL, shows durations in each language', async () => {
    const page = await login('operator');
    await rows(page).first().waitFor({ timeout: 10_000 });
    await page.selectOption('[data-testid=alert-filter-zone]', zoneA);
    await page.selectOption('[data-testid=alert-filter-severity]', 'warning');
    const expected = open().filter((a) => a.zone === zoneA && a.severity === 'warning');
    await vi.waitFor(async () => expect(await rows(page).count()).toBe(expected.length), { timeout: 5_000 });
    expect(expected.length).toBeGreaterThanOrEqual(1);
    for (const row of await rows(page).all()) {
      expect(await row.getAttribute('data-zone')).toBe(zoneA);
      expect(await row.getAttribute('data-severity')).toBe('warning');
    }
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toBe(`#/alerts?zone=${zoneA}&severity=warning`);
    // Minutes since the fast-forwarded readings began; Vietnamese by default, English by the toggle.
    expect(await rows(page).first().locator('[data-testid=duration]').textContent()).toMatch(/\d+ phút/);
    await page.screenshot({ path: 'test-results/alerts-filtered.png' });
    await page.click('[data-testid=lang]');
    expect(await rows(page).first().locator('[data-testid=duration]').textContent()).toMatch(/\d+ min/);
    await page.click('[data-testid=lang]');

    // A link with the query opens the same filter.
    await page.reload();
    await rows(page).first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=alert-filter-zone]').inputValue()).toBe(zoneA);
    expect(await page.locator('[data-testid=alert-filter-severity]').inputValue()).toBe('warning');
    expect(await rows(page).count()).toBe(expected.length);
  });

  it('acknowledges two alerts with one note in one request; the header moves; a viewer has no checkboxes', async () => {
    const viewer = await login('viewer');
    await rows(viewer).first().waitFor({ timeout: 10_000 });
    expect(await viewer.locator('[data-testid=select]').count()).toBe(0);
    expect(await viewer.locator('[data-testid=bulk-ack]').count()).toBe(0);

    const page = await login('operator');
    await rows(page).first().waitFor({ timeout: 10_000 });
    await expectHeader(page);
    const unackedBefore = (await count(page, 'critical-count')) + (await count(page, 'warning-count'));
    const ackedBefore = await count(page, 'acked-count');
    const two = [threshold(picked[0]!.station), threshold(picked[3]!.station)];
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/alerts/acknowledge')) requests.push(r.postData() ?? '');
    });
    for (const id of two) await page.locator(`[data-alert="${id}"] [data-testid=select]`).check();
    expect(await page.locator('[data-testid=selected-count]').textContent()).toContain('2');
    await page.fill('[data-testid=bulk-note]', 'Đã gọi hai cơ sở');
    await page.screenshot({ path: 'test-results/alerts-bulk-selected.png' });
    await page.click('[data-testid=bulk-ack-confirm]');

    for (const id of two) await page.locator(`[data-alert="${id}"][data-state=acknowledged]`).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid=bulk-message]').waitFor();
    expect(await page.locator('[data-testid=bulk-note]').inputValue()).toBe('');
    expect(requests).toHaveLength(1);
    expect(JSON.parse(requests[0]!)).toEqual({ ids: two, note: 'Đã gọi hai cơ sở' });
    for (const id of two) expect(open().find((a) => a.id === id)).toMatchObject({ state: 'acknowledged', note: 'Đã gọi hai cơ sở' });
    await vi.waitFor(
      async () => {
        expect((await count(page, 'critical-count')) + (await count(page, 'warning-count'))).toBe(unackedBefore - 2);
        expect(await count(page, 'acked-count')).toBe(ackedBefore + 2);
      },
      { timeout: 10_000, interval: 200 },
    );
    await expectHeader(page);
    await page.screenshot({ path: 'test-results/alerts-bulk-acknowledged.png' });
  });

  it('has no serious or critical accessibility issue in the panel and the header counts (axe-core)', async () => {
    const page = await login('operator');
    await rows(page).first().waitFor({ timeout: 10_000 });
    // Evaluated rather than added as a script tag: the page's CSP allows its own scripts only.
    await page.evaluate(await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
    type Rule = { id: string; impact: string | null; nodes: unknown[] };
    const { violations, passed } = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: Rule[]; passes: Rule[] }> } }).axe;
      const result = await axe.run({
        include: [
          { fromShadowDom: ['qt-app', 'qt-centre', 'qt-alerts-panel'] },
          { fromShadowDom: ['qt-app', 'qt-centre', 'header .counts'] },
        ],
      });
      return {
        violations: result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.nodes.length})`),
        passed: result.passes.map((p) => p.id),
      };
    });
    expect(violations).toEqual([]);
    // It did look at the panel: the checkboxes' and selects' names were checked.
    expect(passed).toEqual(expect.arrayContaining(['label', 'select-name']));
  });

  it('shows one card per alert on a phone, with no sideways scroll', async () => {
    const page = await login('operator', { width: 390, height: 844 });
    await rows(page).first().waitFor({ timeout: 10_000 });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const box = await rows(page).first().boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    // The actions stay on each card: silence on every one, acknowledge on those not yet acknowledged.
    for (const row of await rows(page).all()) expect(await row.locator('[data-testid=silence]').isVisible()).toBe(true);
    expect(await page.locator('[data-testid=alert-list] tbody tr[data-state=firing] [data-testid=ack]').first().isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/alerts-phone.png', fullPage: true });
  });
});
