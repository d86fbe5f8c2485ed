import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { loginAs } from '../helpers/dashboard-session.js';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;
const RANK = ['normal', 'calibrating', 'warning', 'fault', 'interrupted', 'critical'];

interface MarkerBox {
  id: string;
  state: string;
  z: number;
  rect: { left: number; top: number; right: number; bottom: number };
  /** For each other marker it overlaps: the id of the one drawn at the centre of the overlap. */
  onTop: Array<{ other: string; top: string | null }>;
}

/** The markers' states, z-indexes, boxes, and which of two overlapping markers the browser hits (it paints that one). */
async function markers(page: Page, attr: 'data-zone' | 'data-map-station'): Promise<MarkerBox[]> {
  return page.locator(`[data-testid=map] [${attr}]`).evaluateAll((els, a) => {
    const boxes = els.map((el) => ({ el, r: el.getBoundingClientRect() }));
    return boxes.map(({ el, r }) => ({
      id: el.getAttribute(a)!,
      state: el.getAttribute('data-state')!,
      z: Number(getComputedStyle(el).zIndex),
      rect: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
      onTop: boxes
        .filter((o) => o.el !== el && o.r.left < r.right && o.r.right > r.left && o.r.top < r.bottom && o.r.bottom > r.top)
        .map((o) => {
          const x = (Math.max(r.left, o.r.left) + Math.min(r.right, o.r.right)) / 2;
          const y = (Math.max(r.top, o.r.top) + Math.min(r.bottom, o.r.bottom)) / 2;
          const hit = (el.getRootNode() as ShadowRoot).elementFromPoint(x, y)?.closest(`[${a}]`);
          return { other: o.el.getAttribute(a)!, top: hit?.getAttribute(a) ?? null };
        }),
    }));
  }, attr);
}

/** Every overlap is won by the worse state, and the worst marker has the highest z-index. */
function expectWorstOnTop(boxes: MarkerBox[], worst: string): void {
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const top = boxes.reduce((a, b) => (b.z > a.z ? b : a));
  expect(top.id).toBe(worst);
  for (const b of boxes) {
    for (const o of b.onTop) {
      const other = byId.get(o.other)!;
      if (RANK.indexOf(b.state) > RANK.indexOf(other.state)) expect(o.top, `${b.id} over ${o.other}`).toBe(b.id);
    }
  }
}

/**
 * The map in Chromium against a real centre: zone clusters coloured by their worst station and
 * drawn worst on top, a click on a cluster zooms to its stations (the critical one on top),
 * nothing is fetched from outside the machine, and a phone gets a map, not a strip.
 */
describe('the map', () => {
  let centre: TestCentre;
  let browser: Browser;
  const sims: Simulator[] = [];
  const contexts: BrowserContext[] = [];
  let zone: string;
  let polluter: string;

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    centre = await startTestCentre(inject('influxUrl'));
    browser = await launchBrowser();
    // A zone of two or more stations with a COD limit: one goes critical, the others stay normal.
    const withCod = centre.catalogue.stations.filter(
      (s) => s.parameters.some((p) => p.parameter === 'COD') && centre.catalogue.limitAt(s.id, 'COD', new Date()),
    );
    const zones = new Map<string, string[]>();
    for (const s of withCod) zones.set(centre.catalogue.zoneOf(s.id)!.id, [...(zones.get(centre.catalogue.zoneOf(s.id)!.id) ?? []), s.id]);
    const [zoneId, ids] = [...zones].find(([, list]) => list.length >= 2)!;
    zone = zoneId;
    polluter = ids[0]!;
    const inZone = centre.catalogue.stations.filter((s) => centre.catalogue.zoneOf(s.id)!.id === zone).map((s) => s.id);
    sims.push(
      startSimulator({
        url: centre.mqttUrl,
        catalogue: centre.catalogue,
        stations: inZone,
        rate: 2,
        scenarios: [{ name: 'exceedance', station: polluter, parameter: 'COD', atS: 0, level: 1.6 }],
        credentials: (s) => centre.credentials(s),
        record: false,
        seed: 5,
      }),
    );
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    for (const s of sims) await s.close();
    await centre?.close();
  });

  /** A logged-in page that fails, and records, any request leaving loopback. */
  const open = async (width: number, height: number, outside: string[]): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    const session = await loginAs(centre, 'viewer');
    const [name, value] = session.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: centre.dashboardUrl }]);
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (LOOPBACK.test(url.hostname)) return route.continue();
      outside.push(url.href);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    await page.goto(`${centre.dashboardUrl}/#/map`);
    await page.locator('[data-testid=map][data-ready=yes]').waitFor({ timeout: 15_000 });
    return page;
  };

  it('clusters by zone with the worst on top, and zooms to the stations, the critical one on top', async () => {
    const outside: string[] = [];
    const page = await open(1440, 900, outside);
    const cluster = page.locator(`[data-testid=map] [data-zone="${zone}"]`);
    await page.locator(`[data-testid=map] [data-zone="${zone}"][data-state=critical]`).waitFor({ timeout: 30_000 });
    expect(await cluster.getAttribute('aria-label')).toMatch(/\S+/);
    // The basemap's provinces are drawn, and the whole country is in view: every zone's marker is inside the map.
    expect(await page.locator('[data-testid=map] path.bm-province').count()).toBe(63);
    const frame = (await page.locator('[data-testid=map]').boundingBox())!;
    const zones = await markers(page, 'data-zone');
    expect(zones.length).toBe(new Set(centre.catalogue.stations.map((s) => centre.catalogue.zoneOf(s.id)!.id)).size);
    for (const z of zones) {
      expect(z.rect.left).toBeGreaterThanOrEqual(frame.x);
      expect(z.rect.right).toBeLessThanOrEqual(frame.x + frame.width);
      expect(z.rect.top).toBeGreaterThanOrEqual(frame.y);
      expect(z.rect.bottom).toBeLessThanOrEqual(frame.y + frame.height);
    }
    expectWorstOnTop(zones, zone);
    await page.screenshot({ path: 'test-results/map-1440.png' });

    await cluster.click();
    await page.locator(`[data-testid=map] [data-map-station="${polluter}"][data-state=critical]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=map] [data-zone]').count()).toBe(0);
    await vi.waitFor(
      async () => {
        const stations = await markers(page, 'data-map-station');
        expect(stations.filter((s) => s.state === 'normal').length).toBeGreaterThanOrEqual(1);
        expectWorstOnTop(stations, polluter);
      },
      { timeout: 15_000, interval: 250 },
    );
    const link = page.locator(`[data-testid=map] [data-map-station="${polluter}"] a`);
    expect(await link.getAttribute('href')).toContain(polluter);
    expect(await link.getAttribute('aria-label')).toContain(polluter);
    await page.screenshot({ path: 'test-results/map-1440-zone.png' });
    expect(outside).toEqual([]);
  });

  it('is most of the screen on a phone, and fetches nothing from outside', async () => {
    const outside: string[] = [];
    const page = await open(390, 844, outside);
    await page.locator(`[data-testid=map] [data-zone="${zone}"]`).waitFor({ timeout: 15_000 });
    const box = (await page.locator('[data-testid=map]').boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(0.6 * 844);
    expect(box.width).toBeGreaterThanOrEqual(300);
    await page.screenshot({ path: 'test-results/map-390.png' });
    expect(outside).toEqual([]);
  });

  it('tells the page the configured basemap (GET /api/map)', async () => {
    const session = await loginAs(centre, 'viewer');
    const res = await session.fetch('/api/map');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ attribution: '' });
  });

  it('draws MAP_STYLE_URL tiles when configured: the page may load them (CSP) and asks for them', async () => {
    const tiles = await startTestCentre(inject('influxUrl'), {
      MAP_STYLE_URL: 'https://{s}.tiles.example.vn/{z}/{x}/{y}.png',
      MAP_ATTRIBUTION: '© Bản đồ <Ví dụ>',
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
      const asked: string[] = [];
      await page.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        if (LOOPBACK.test(url.hostname)) return route.continue();
        asked.push(url.href);
        return route.abort('blockedbyclient');
      });
      const session = await loginAs(tiles, 'viewer');
      const [name, value] = session.cookie.split('=') as [string, string];
      await page.context().addCookies([{ name, value, url: tiles.dashboardUrl }]);
      const index = await page.goto(`${tiles.dashboardUrl}/#/map`);
      expect(index!.headers()['content-security-policy']).toContain("img-src 'self' data: https://*.tiles.example.vn;");
      await page.locator('[data-testid=map][data-ready=yes]').waitFor({ timeout: 15_000 });
      await vi.waitFor(() => expect(asked.some((u) => /^https:\/\/[abc]\.tiles\.example\.vn\/\d+\/\d+\/\d+\.png$/.test(u))).toBe(true), {
        timeout: 10_000,
        interval: 100,
      });
      // The attribution is shown as text, never as markup.
      expect(await page.locator('[data-testid=map] .leaflet-control-attribution').textContent()).toContain('© Bản đồ <Ví dụ>');
      expect(await page.locator('[data-testid=map] path.bm-province').count()).toBe(0);
      await page.context().close();
    } finally {
      await tiles.close();
    }
  });
});
