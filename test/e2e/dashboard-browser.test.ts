import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { launchBrowser, loginInPage } from '../helpers/browser.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { createTestUser } from '../helpers/dashboard-session.js';
import { startCodExceedance } from '../helpers/exceedance.js';

/**
 * The dashboard in headless Chromium against the whole centre (real MQTT, ingest, InfluxDB,
 * alerts engine): log in, live values, a station chart with history from InfluxDB, an alert
 * raised by a simulated exceedance, acknowledged by an operator and refused to a viewer.
 * Each step saves a screenshot under test-results/.
 */
describe('the dashboard in the browser', () => {
  let centre: TestCentre;
  let browser: Browser;
  const sims: Simulator[] = [];
  const contexts: BrowserContext[] = [];
  let foreign: Server | undefined;
  let station: string;
  let other: string;
  /** Driven over its limit; no other gateway reports it (rules work in measurement time). */
  let polluter: string;

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    centre = await startTestCentre(inject('influxUrl'));
    browser = await launchBrowser();
    const withCod = centre.catalogue.stations.filter(
      (s) => s.parameters.some((p) => p.parameter === 'COD') && centre.catalogue.limitAt(s.id, 'COD', new Date()),
    );
    station = withCod[0]!.id;
    other = withCod[1]!.id;
    polluter = withCod[2]!.id;
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    for (const s of sims) await s.close();
    if (foreign) await new Promise((r) => foreign!.close(r));
    await centre?.close();
  });

  const login = async (role: 'viewer' | 'operator'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const { username, password } = await createTestUser(centre, role);
    await loginInPage(page, centre.dashboardUrl, username, password);
    expect(await page.locator('[data-testid=user]').getAttribute('data-role')).toBe(role);
    return page;
  };

  it('shows the login form to a stranger, whose API calls are refused; a wrong password is told', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(centre.dashboardUrl);
    await page.locator('[data-testid=login-form]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(async () => (await fetch('/api/stations')).status)).toBe(401);
    await page.fill('input[name=username]', 'nobody');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await page.locator('[data-testid=login-error]').waitFor();
    await page.screenshot({ path: 'test-results/dashboard-login.png' });
  });

  it('logs in, shows live values changing, and a station chart with history from InfluxDB', async () => {
    // History written straight to InfluxDB 50 to 20 minutes ago: the chart can only get it from there.
    const zone = centre.catalogue.zoneOf(station)!.id;
    const t0 = Date.now() - 50 * 60_000;
    const lines = Array.from(
      { length: 30 },
      (_, i) => `reading,station=${station},zone=${zone},parameter=COD,status=00 value=${40 + i} ${t0 + i * 60_000}`,
    );
    await centre.influx.write(lines.join('\n'));
    sims.push(
      startSimulator({
        url: centre.mqttUrl,
        catalogue: centre.catalogue,
        stations: [station, other],
        rate: 2,
        credentials: centre.credentials,
        record: false,
        seed: 7,
      }),
    );

    const page = await login('operator');
    await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 10_000 });
    const cell = page.locator(`[data-station="${other}"][data-parameter="COD"][data-ts]`);
    await cell.waitFor({ timeout: 15_000 });
    const before = Number(await cell.getAttribute('data-ts'));
    await vi.waitFor(async () => expect(Number(await cell.getAttribute('data-ts'))).toBeGreaterThan(before), {
      timeout: 10_000,
      interval: 200,
    });
    expect(await page.locator(`[data-station-row="${other}"] [data-testid=station-state]`).textContent()).toMatch(/\S/);
    await page.screenshot({ path: 'test-results/dashboard-overview.png' });

    // The map view draws the zones from the stations' coordinates.
    await page.click('[data-testid=view-map]');
    await page.locator(`[data-testid=map] [data-zone="${zone}"]`).waitFor();
    await page.screenshot({ path: 'test-results/dashboard-map.png' });

    await page.goto(`${centre.dashboardUrl}/#/station/${station}?parameter=COD`);
    const chart = page.locator('[data-testid=history-chart]');
    await page.locator('[data-testid=history-chart][data-state=ready]').waitFor({ timeout: 15_000 });
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(30);
    await page.locator('[data-testid=history-chart] canvas').first().waitFor();
    // Live values reach the station page too.
    const card = page.locator('[data-testid=param-card][data-parameter=COD]');
    const seen = Number(await card.getAttribute('data-ts'));
    await vi.waitFor(async () => expect(Number(await card.getAttribute('data-ts'))).toBeGreaterThan(seen), {
      timeout: 10_000,
      interval: 200,
    });
    expect(await card.textContent()).toContain('mg/L');
    // The station page focuses the live socket on its station (its readings come at once).
    await vi.waitFor(() => expect(centre.dashboard.hub.stats().focused).toBe(1), { timeout: 5_000, interval: 50 });
    const metrics = await (await fetch(`${centre.dashboardUrl}/metrics`)).text();
    expect(metrics).toMatch(/^quantrac_live_clients\{view="focus"\} 1$/m);
    expect(metrics).toMatch(/^quantrac_live_frames_total [1-9]/m);
    await page.screenshot({ path: 'test-results/dashboard-station.png', fullPage: true });

    // English by the toggle; Vietnamese is the default.
    expect(await page.locator('[data-nav=overview]').textContent()).toBe('Tổng quan');
    await page.click('[data-testid=lang]');
    expect(await page.locator('[data-nav=overview]').textContent()).toBe('Overview');
    await page.click('[data-testid=lang]');

    // Back to the overview: the shared stream again, from a fresh snapshot; values keep changing.
    await page.click('[data-nav=overview]');
    await vi.waitFor(() => expect(centre.dashboard.hub.stats().focused).toBe(0), { timeout: 5_000, interval: 50 });
    const back = Number(await cell.getAttribute('data-ts'));
    await vi.waitFor(async () => expect(Number(await cell.getAttribute('data-ts'))).toBeGreaterThan(back), {
      timeout: 10_000,
      interval: 200,
    });
  });

  it('shows an alert when the simulator drives COD over its limit; a viewer is refused, an operator acknowledges it', async () => {
    const operator = await login('operator');
    const viewer = await login('viewer');
    await operator.goto(`${centre.dashboardUrl}/#/alerts`);
    await viewer.goto(`${centre.dashboardUrl}/#/alerts`);
    const id = `${polluter}|COD|threshold`;
    const row = (page: Page): ReturnType<Page['locator']> => page.locator(`[data-alert="${id}"]`);
    expect(await row(operator).count()).toBe(0);

    // Five minutes of a sustained exceedance, fast-forwarded from the past to now.
    const sim = startCodExceedance(centre, polluter);
    sims.push(sim);
    await row(operator).waitFor({ timeout: 30_000 });
    await row(viewer).waitFor({ timeout: 10_000 });
    expect(await row(operator).getAttribute('data-severity')).toBe('critical');
    expect(await row(operator).textContent()).toContain('mg/L');
    expect(Number(await operator.locator('[data-testid=critical-count]').textContent())).toBeGreaterThanOrEqual(1);
    await operator.screenshot({ path: 'test-results/dashboard-alert-raised.png' });

    // The viewer: the button is disabled, and the server refuses the request itself.
    expect(await row(viewer).locator('[data-testid=ack]').isDisabled()).toBe(true);
    const status = await viewer.evaluate(
      async (alertId) =>
        (
          await fetch(`/api/alerts/${encodeURIComponent(alertId)}/acknowledge`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ note: 'viewer' }),
          })
        ).status,
      id,
    );
    expect(status).toBe(403);
    expect(await row(viewer).getAttribute('data-state')).toBe('firing');
    await viewer.screenshot({ path: 'test-results/dashboard-viewer-refused.png' });

    // The operator acknowledges with a note; both screens see it.
    await row(operator).locator('[data-testid=ack]').click();
    await row(operator).locator('[data-testid=ack-note]').fill('Đã gọi cơ sở, đang kiểm tra');
    await row(operator).locator('[data-testid=ack-confirm]').click();
    await operator.locator(`[data-alert="${id}"][data-state=acknowledged]`).waitFor({ timeout: 10_000 });
    await viewer.locator(`[data-alert="${id}"][data-state=acknowledged]`).waitFor({ timeout: 10_000 });
    expect(await row(operator).textContent()).toContain('Đã gọi cơ sở');
    expect(centre.alerts.open().find((a) => a.id === id)).toMatchObject({ state: 'acknowledged', note: 'Đã gọi cơ sở, đang kiểm tra' });
    await operator.screenshot({ path: 'test-results/dashboard-alert-acknowledged.png' });

    // The station shows as critical on the overview.
    await operator.goto(`${centre.dashboardUrl}/#/`);
    await operator.locator(`[data-station-row="${polluter}"][data-state=critical]`).waitFor({ timeout: 10_000 });
  });

  it('refuses the live socket to a page of a foreign origin even with the session cookie; logout shows the login form', async () => {
    const page = await login('viewer');
    // Another origin on the same host: the same site, so the SameSite=Strict cookie IS sent
    // with its WebSocket; only the Origin check stops it (cross-site WebSocket hijacking).
    foreign = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>foreign</title>'));
    foreign.listen(0, '127.0.0.1');
    await once(foreign, 'listening');
    const port = (foreign.address() as { port: number }).port;
    const wsUrl = `${centre.dashboardUrl.replace('http', 'ws')}/ws`;
    const tryOpen = (url: string): Promise<string> =>
      new Promise((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onerror = () => resolve('refused');
      });
    expect(await page.evaluate(tryOpen, wsUrl)).toBe('open');
    const evil = await page.context().newPage();
    await evil.goto(`http://localhost:${port}/`);
    expect(await evil.evaluate(tryOpen, wsUrl)).toBe('refused');

    await page.click('[data-testid=logout]');
    await page.locator('[data-testid=login-form]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
  });
});
