import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import type { TestCentre } from '../helpers/centre.js';
import { startDemoDashboard, type DemoDashboard } from '../helpers/demo-dashboard.js';
import { loginAt, type Contexts } from '../helpers/layout-session.js';

/**
 * axe-core (WCAG 2.0 and 2.1, A and AA) on every main view, as an operator in Vietnamese at
 * 1440x900 (and the overview on a 390x844 phone), with the demo catalogue reporting: no
 * serious or critical finding. A failure lists the rule, its help and the first elements.
 */
describe('accessibility of the pages (axe-core)', () => {
  let dashboard: DemoDashboard | undefined;
  let centre: TestCentre;
  let browser: Browser;
  let contexts: Contexts;
  let station: string;
  let zone: string;
  let desktop: Page;

  beforeAll(async () => {
    dashboard = await startDemoDashboard(inject('influxUrl'), 5);
    ({ centre, browser, contexts } = dashboard);
    station = centre.catalogue.stations[0]!.id;
    zone = centre.catalogue.zoneOf(station)!.id;
    desktop = await loginAt(browser, centre, contexts, { width: 1440, height: 900 });
  });
  afterAll(() => dashboard?.close());

  const check = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: `test-results/a11y-${name}.png` });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
    expect(await axeViolations(page)).toEqual([]);
  };
  const open = async (hash: string, ready: string): Promise<void> => {
    await desktop.evaluate((h) => (location.hash = h), hash);
    await desktop.locator(ready).first().waitFor({ timeout: 20_000 });
  };

  it('the overview (table)', async () => {
    await open('#/', '[data-station][data-parameter][data-ts]');
    await check(desktop, 'overview');
  });

  it('the map', async () => {
    await open('#/map', '[data-testid=map]');
    await check(desktop, 'map');
  });

  it("a station's page", async () => {
    await open(`#/station/${encodeURIComponent(station)}`, '[data-testid=param-card][data-ts]');
    await desktop.locator('[data-testid=history-chart][data-state=ready]').waitFor({ timeout: 15_000 });
    await check(desktop, 'station');
  });

  it('the alerts page', async () => {
    await open('#/alerts', 'qt-alerts-panel');
    await check(desktop, 'alerts');
  });

  it("a station's day report", async () => {
    await open(`#/reports/station/${encodeURIComponent(station)}?period=day`, 'qt-report-station [data-testid=csv-link]');
    await check(desktop, 'report-station');
  });

  it("a zone's report", async () => {
    await open(`#/reports/zone/${encodeURIComponent(zone)}`, 'qt-report-zone [data-testid=csv-link]');
    await check(desktop, 'report-zone');
  });

  it('the overview on a phone', async () => {
    const phone = await loginAt(browser, centre, contexts, { width: 390, height: 844 });
    await phone.locator('[data-station][data-parameter][data-ts]').first().waitFor({ timeout: 20_000 });
    await check(phone, 'overview-390');
  });
});
