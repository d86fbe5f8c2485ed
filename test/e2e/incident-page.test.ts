import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { launchBrowser, loginInPage } from '../helpers/browser.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { createTestUser } from '../helpers/dashboard-session.js';
import { playSpill, SPILL_STATIONS, writeSpillData } from '../helpers/incidents-spill.js';

/**
 * A spill down Sông Cầu played through MQTT (as test/integration/incidents-spill.test.ts does,
 * fast-forwarded from the past, stopped while the spill is still on): an operator in Chromium
 * finds the incident in the list, opens its page (members along the river, timeline, charts),
 * acknowledges it, and prints its report to A4. axe finds nothing serious on any of the three.
 */
const PLAY_S = 1_200;

describe('an incident on the dashboard', () => {
  let centre: TestCentre;
  let browser: Browser;
  let dataDir: string;
  let page: Page;

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-incweb-'));
    centre = await startTestCentre(inject('influxUrl'), await writeSpillData(dataDir, { incidents: { version: 1 } }));
    await playSpill(centre, Date.now() - PLAY_S * 1000, 0, PLAY_S);
    await vi.waitFor(() => expect(new Set(centre.incidents!.open().flatMap((i) => i.members.map((m) => m.station))).size).toBe(3), {
      timeout: 30_000,
    });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    const { username, password } = await createTestUser(centre, 'operator');
    await loginInPage(page, centre.dashboardUrl, username, password);
  });
  afterAll(async () => {
    await browser?.close();
    await centre?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the zone at risk on the map, and opens its incidents from there', async () => {
    const incident = centre.incidents!.open()[0]!;
    expect(await page.locator('[data-nav=incidents]').textContent()).toBe('Sự cố');
    expect(await page.locator('[data-nav=alerts]').textContent()).toBe('Cảnh báo');
    await page.goto(`${centre.dashboardUrl}#/map`);
    const marker = page.locator('qt-station-map [data-zone=YENPHONG][data-risk=critical]');
    await marker.waitFor({ timeout: 15_000 });
    expect(await marker.getAttribute('aria-label')).toContain('có sự cố nghiêm trọng');
    // The basemap loads in its own chunk: the screenshot waits for it.
    await page.locator('qt-station-map [data-testid=map][data-ready=yes]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: 'test-results/incident-map.png' });
    await page.click('qt-station-map [data-zone-incidents=YENPHONG]');
    await page.waitForURL(/#\/incidents\?zone=YENPHONG$/);
    const row = page.locator(`qt-incidents-list tr[data-incident="${incident.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-severity')).toBe('critical');
    const title = (await row.locator('a').textContent()) ?? '';
    expect(title).toContain('Lan truyền theo dòng sông');
    expect(title).toContain('3 trạm');
    await page.screenshot({ path: 'test-results/incidents-list.png' });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('opens the page: members along the river in order, the timeline, a chart per member; the operator acknowledges', async () => {
    const incident = centre.incidents!.open()[0]!;
    await page.click(`qt-incidents-list tr[data-incident="${incident.id}"] a`);
    const article = page.locator(`qt-incident-page article[data-incident="${incident.id}"]`);
    await article.waitFor({ timeout: 10_000 });
    const members = await page
      .locator('qt-incident-page [data-testid=inc-members] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-member')));
    expect([...new Set(members)]).toEqual([...SPILL_STATIONS]);
    const timeline = await page
      .locator('qt-incident-page [data-testid=inc-timeline] li')
      .evaluateAll((l) => l.map((e) => e.getAttribute('data-type')));
    expect(timeline[0]).toBe('opened');
    expect(timeline.filter((x) => x === 'joined').length).toBeGreaterThanOrEqual(2);
    expect(await page.locator('qt-incident-page qt-history-chart').count()).toBe(3);
    // The place by its names: the river and the zone.
    expect(await page.locator('qt-incident-page [data-testid=inc-title]').textContent()).toContain('Sông Cầu, Yên Phong (Bắc Ninh)');
    expect(await page.locator('qt-incident-page [data-testid=inc-water]').textContent()).toBe(
      `Sông Cầu (${SPILL_STATIONS[0]} → ${SPILL_STATIONS.at(-1)})`,
    );
    // The members on a map, zoomed to them, each in its severity (critical: all three went over the limit).
    for (const id of SPILL_STATIONS)
      await page.locator(`qt-incident-page qt-station-map [data-map-station="${id}"][data-state=critical]`).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: 'test-results/incident-page.png', fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    await page.click('qt-incident-page button[data-action=acknowledge]');
    await vi.waitFor(async () => expect(await article.getAttribute('data-state')).toBe('acknowledged'), { timeout: 10_000 });
    expect(centre.incidents!.open()[0]!.state).toBe('acknowledged');
    expect(await page.locator('qt-incident-page [data-testid=inc-owner]').textContent()).toMatch(/^test-operator-/);
    // Closing without a cause is refused by the form, in Vietnamese.
    await page.click('qt-incident-page button[data-action=close]');
    const message = await page.locator('qt-incident-page select[name=cause]').evaluate((s) => (s as HTMLSelectElement).validationMessage);
    expect(message).toBe('Vui lòng điền vào ô này.');
    expect(centre.incidents!.open()).toHaveLength(1);
  });

  it('prints the report on A4 in the page language', async () => {
    const incident = centre.incidents!.open()[0]!;
    await page.click('qt-incident-page [data-testid=inc-report-link]');
    const report = page.locator('qt-incident-report [data-testid=incident-report]');
    await report.waitFor({ timeout: 10_000 });
    expect(await report.getAttribute('data-incident')).toBe(incident.id);
    const text = (await report.textContent()) ?? '';
    expect(text).toContain('Báo cáo sự cố');
    for (const s of SPILL_STATIONS) expect(text).toContain(s);
    expect(text).toContain('Đã tiếp nhận');
    await page.screenshot({ path: 'test-results/incident-report.png', fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: 'test-results/incident-report.pdf', format: 'A4' });
    expect(await page.locator('qt-incident-report [data-testid=inc-print]').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
  });
});
