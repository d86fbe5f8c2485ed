import { mkdir } from 'node:fs/promises';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { launchBrowser, loginInPage } from '../helpers/browser.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { createTestUser } from '../helpers/dashboard-session.js';

const MIN = 60_000;
const DAY = 86_400_000;

/**
 * The station chart in headless Chromium against the whole centre: an hour of history written
 * straight to InfluxDB with a 20-minute hole, live readings over MQTT. The 24-hour window is
 * plotted as 24 hours, the hole as a gap, a drag zooms and the reset button undoes it, and the
 * axis and the card write numbers the same way in Vietnamese and in English.
 */
describe('the station chart in the browser', () => {
  let centre: TestCentre;
  let browser: Browser;
  let context: BrowserContext;
  let gateway: MqttClient;
  let station: string;

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    centre = await startTestCentre(inject('influxUrl'));
    browser = await launchBrowser();
    station = centre.catalogue.stations.find((s) => s.parameters.some((p) => p.parameter === 'COD'))!.id;
  });
  afterAll(async () => {
    gateway?.end(true);
    await context?.close().catch(() => undefined);
    await browser?.close();
    await centre?.close();
  });

  const open = async (): Promise<Page> => {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const { username, password } = await createTestUser(centre, 'viewer');
    await loginInPage(page, centre.dashboardUrl, username, password);
    return page;
  };

  const publish = async (value: number, ts: number): Promise<void> => {
    const s = centre.catalogue.stations.find((x) => x.id === station)!;
    const unit = s.parameters.find((p) => p.parameter === 'COD')!.unit;
    const body = { station, ts, readings: [{ parameter: 'COD', value, unit, status: '00' }] };
    await gateway.publishAsync(`stations/${station}/readings`, JSON.stringify(body), { qos: 1 });
  };

  const attr = async (chart: Locator, name: string): Promise<number> => Number(await chart.getAttribute(name));

  it('plots the chosen window, shows the hole as a gap, zooms and resets, numbers in one format per language', async () => {
    // 60 to 1 minutes ago, one value a minute, none from 40 to 21 minutes ago.
    const zone = centre.catalogue.zoneOf(station)!.id;
    const now = Date.now();
    const lines: string[] = [];
    for (let m = 60; m >= 1; m -= 1) {
      if (m <= 40 && m > 20) continue;
      lines.push(`reading,station=${station},zone=${zone},parameter=COD,status=00 value=${36_000 + 10 * m} ${now - m * MIN}`);
    }
    await centre.influx.write(lines.join('\n'));
    const login = centre.credentials(station);
    gateway = await mqtt.connectAsync(centre.mqttUrl, { ...login, clientId: `${login.username}:chart-test`, reconnectPeriod: 0 });

    const page = await open();
    await page.goto(`${centre.dashboardUrl}/#/station/${station}?parameter=COD`);
    const chart = page.locator('[data-testid=history-chart]');
    await page.locator('[data-testid=history-chart][data-state=ready]').waitFor({ timeout: 15_000 });
    await publish(36_947.7, Date.now());
    const card = page.locator('[data-testid=param-card][data-parameter=COD]');
    await vi.waitFor(async () => expect(await card.locator('.value').textContent()).toContain('36.947,7'), { timeout: 10_000 });

    // 24 hours: the x scale is the whole day ending now, though the data covers one hour.
    await page.click('[data-range="24h"]');
    await vi.waitFor(async () => expect((await attr(chart, 'data-x-max')) - (await attr(chart, 'data-x-min'))).toBe(DAY), {
      timeout: 15_000,
    });
    expect(Math.abs((await attr(chart, 'data-x-max')) - Date.now())).toBeLessThan(2 * MIN);
    expect(await attr(chart, 'data-gaps')).toBe(1);
    await page.screenshot({ path: 'test-results/charts-24h.png', fullPage: true });

    // A live reading goes into the current bucket; the axis moves with the clock.
    const before = await attr(chart, 'data-x-max');
    await publish(36_950, Date.now());
    await vi.waitFor(async () => expect(await attr(chart, 'data-x-max')).toBeGreaterThan(before), { timeout: 70_000, interval: 500 });

    // Drag to zoom into the last hours, then the reset button restores the window.
    const over = chart.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.99, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.locator('[data-testid=history-chart][data-zoomed=true]').waitFor({ timeout: 5_000 });
    expect((await attr(chart, 'data-x-max')) - (await attr(chart, 'data-x-min'))).toBeLessThan(DAY / 5);
    const reset = page.locator('[data-testid=reset-zoom]');
    await reset.waitFor();
    await page.screenshot({ path: 'test-results/charts-zoomed.png', fullPage: true });
    await reset.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=history-chart][data-zoomed=false]').waitFor({ timeout: 5_000 });
    expect(await reset.count()).toBe(0);
    expect((await attr(chart, 'data-x-max')) - (await attr(chart, 'data-x-min'))).toBe(DAY);

    // Vietnamese: "," decimals and "." thousands, on the axis and the card alike.
    const yTicks = async (): Promise<string[]> => ((await chart.getAttribute('data-y-ticks')) ?? '').split('|');
    await vi.waitFor(async () => expect((await yTicks()).some((v) => /^\d{2}\.\d{3}(,\d+)?$/.test(v))).toBe(true), { timeout: 5_000 });
    expect((await yTicks()).every((v) => !/^\d{5}/.test(v))).toBe(true);
    expect(await card.locator('.value').textContent()).toContain('36.950');

    // English: the other way round, everywhere at once.
    await page.click('[data-testid=lang]');
    await vi.waitFor(async () => expect(await card.locator('.value').textContent()).toContain('36,950'), { timeout: 5_000 });
    await vi.waitFor(async () => expect((await yTicks()).some((v) => /^\d{2},\d{3}(\.\d+)?$/.test(v))).toBe(true), { timeout: 5_000 });
    expect(((await chart.getAttribute('data-x-ticks')) ?? '').length).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-results/charts-24h-en.png', fullPage: true });
  });
});
