import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { launchBrowser, loginInPage } from '../helpers/browser.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { createTestUser, loginWith } from '../helpers/dashboard-session.js';

const PROVINCE = 'Bắc Ninh';

/**
 * Access by level in the browser (docs/SECURITY.md, "Access by level"): a user scoped to one
 * province logs in against the whole centre (real MQTT, ingest, InfluxDB); the overview table,
 * its live values and the map hold that province's stations alone, and the other provinces'
 * stations are not in the page at all. A screenshot goes under test-results/.
 */
describe('the dashboard for a user scoped to one province', () => {
  let centre: TestCentre;
  let browser: Browser;
  const sims: Simulator[] = [];

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    centre = await startTestCentre(inject('influxUrl'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of sims) await s.close();
    await centre?.close();
  });

  /** A viewer whose users.json entry carries `scope` (what `quantrac users add --scope` and POST /api/users write). */
  async function scopedUser(scope: string[]): Promise<{ username: string; password: string }> {
    const { username, password } = await createTestUser(centre, 'viewer');
    const file = join(centre.dataDir, 'users.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as { users: Array<{ name: string; scope?: string[] }> };
    for (const u of doc.users) if (u.name === username) u.scope = scope;
    await writeFile(file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
    return { username, password };
  }

  async function login(username: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await loginInPage(page, centre.dashboardUrl, username, password);
    return page;
  }

  it('shows only the stations and zones of its province, live values included', async () => {
    const { catalogue } = centre;
    const provinceOf = (id: string): string | undefined => catalogue.zoneOf(id)?.province;
    const mine = catalogue.stations.filter((s) => provinceOf(s.id) === PROVINCE).map((s) => s.id);
    const others = catalogue.stations.filter((s) => provinceOf(s.id) !== PROVINCE).map((s) => s.id);
    const myZones = catalogue.zones.filter((z) => z.province === PROVINCE).map((z) => z.id);
    const otherZones = catalogue.zones.filter((z) => z.province !== PROVINCE).map((z) => z.id);
    expect(mine.length).toBeGreaterThan(0);
    const reporting = [mine[0]!, others[0]!];
    sims.push(
      startSimulator({
        url: centre.mqttUrl,
        catalogue,
        stations: reporting,
        rate: 2,
        credentials: centre.credentials,
        record: false,
        seed: 3,
      }),
    );

    const { username, password } = await scopedUser([`province:${PROVINCE}`]);
    // The users file is re-read when it changes (at most once a second): until then the account has no scope.
    await vi.waitFor(
      async () => {
        const { cookie } = await loginWith(centre.dashboardUrl, username, password);
        const me = (await (await fetch(`${centre.dashboardUrl}/api/me`, { headers: { cookie } })).json()) as { user: { scope?: string[] } };
        expect(me.user.scope).toEqual([`province:${PROVINCE}`]);
      },
      { timeout: 10_000, interval: 300 },
    );
    const page = await login(username, password);
    await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=user-scope]').first().textContent()).toContain(PROVINCE);

    // The table: every station of the province, none of the others.
    await page.locator(`[data-station-row="${mine[0]}"]`).waitFor({ timeout: 10_000 });
    const rows = await page.locator('[data-station-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-station-row')));
    expect(new Set(rows)).toEqual(new Set(mine));
    // Live values of its own station arrive; those of the other province's station reach no cell.
    const cell = page.locator(`[data-station="${mine[0]}"][data-ts]`).first();
    await cell.waitFor({ timeout: 15_000 });
    expect(await page.locator(`[data-station="${others[0]}"]`).count()).toBe(0);
    for (const id of others) expect(await page.locator(`[data-station-row="${id}"], [data-station="${id}"]`).count()).toBe(0);
    await page.screenshot({ path: 'test-results/dashboard-scope-overview.png' });

    // The map: the province's zones alone.
    await page.click('[data-testid=view-map]');
    await page.locator(`[data-testid=map] [data-zone="${myZones[0]}"]`).waitFor({ timeout: 10_000 });
    const zones = await page.locator('[data-testid=map] [data-zone]').evaluateAll((els) => els.map((e) => e.getAttribute('data-zone')));
    expect(new Set(zones)).toEqual(new Set(myZones));
    for (const z of otherZones) expect(zones).not.toContain(z);
    await page.screenshot({ path: 'test-results/dashboard-scope-map.png' });

    // The page holds no trace of the other stations (its text and attributes, shadow roots included).
    const text = await page.evaluate(() => {
      const parts: string[] = [];
      const walk = (root: Document | ShadowRoot | Element): void => {
        for (const el of root.querySelectorAll('*')) {
          parts.push(el.textContent ?? '', ...[...el.attributes].map((a) => a.value));
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
      return parts.join('\n');
    });
    for (const id of others) expect(text).not.toContain(id);
  });

  it("lets an admin give a new user a scope and change one's scope on the users page", async () => {
    const { username, password } = await createTestUser(centre, 'admin');
    const page = await login(username, password);
    // The server's side (GET /api/scopes, scope in POST /api/users and the change route) is
    // answered here, so that this checks what the page sends and shows.
    const choices = [
      { scope: 'country', kind: 'country', label: 'Toàn quốc' },
      { scope: `province:${PROVINCE}`, kind: 'province', label: PROVINCE },
      { scope: 'province:Hà Nội', kind: 'province', label: 'Hà Nội' },
      { scope: 'zone:YENPHONG', kind: 'zone', label: 'KCN Yên Phong' },
    ];
    const posted: Array<{ url: string; body: unknown }> = [];
    const rows = [
      { name: username, role: 'admin', disabled: false, updatedAt: new Date().toISOString(), scope: ['country'] },
      { name: 'thanh-tra-bn', role: 'viewer', disabled: false, updatedAt: new Date().toISOString(), scope: [`province:${PROVINCE}`] },
    ];
    await page.route('**/api/scopes', (route) => route.fulfill({ json: { scopes: choices } }));
    await page.route('**/api/users**', async (route) => {
      const req = route.request();
      if (req.method() === 'GET') return route.fulfill({ json: { users: rows } });
      const body = req.postDataJSON() as { name?: string; role?: string; scope?: string[] };
      posted.push({ url: new URL(req.url()).pathname, body });
      if (body.name)
        rows.push({ name: body.name, role: body.role!, disabled: false, updatedAt: new Date().toISOString(), scope: body.scope! });
      else rows[1]!.scope = body.scope!;
      return route.fulfill({ status: body.name ? 201 : 200, json: { user: rows.at(-1), password: body.name ? 'shown-once' : undefined } });
    });
    await page.goto(`${centre.dashboardUrl}/#/users`);
    const users = page.locator('qt-users');
    await users.locator('tr[data-user="thanh-tra-bn"] [data-testid=user-scope]').waitFor({ timeout: 10_000 });
    expect(await users.locator('tr[data-user="thanh-tra-bn"] [data-testid=user-scope]').textContent()).toContain(PROVINCE);

    await users.locator('input[name=name]').fill('thanh-tra-yp');
    await users
      .locator('form')
      .first()
      .locator('select[name=scope]')
      .selectOption([`province:${PROVINCE}`, 'zone:YENPHONG']);
    await users.locator('form').first().locator('button[type=submit]').click();
    await users.locator('tr[data-user="thanh-tra-yp"]').waitFor({ timeout: 10_000 });
    expect(posted[0]).toEqual({
      url: '/api/users',
      body: { name: 'thanh-tra-yp', role: 'viewer', scope: [`province:${PROVINCE}`, 'zone:YENPHONG'] },
    });
    expect(await users.locator('tr[data-user="thanh-tra-yp"] [data-testid=user-scope]').textContent()).toContain('KCN Yên Phong');

    const row = users.locator('tr[data-user="thanh-tra-bn"]');
    await row.locator('[data-testid=user-scope] button').click();
    await row.locator('select[name=scope]').selectOption(['province:Hà Nội']);
    await page.screenshot({ path: 'test-results/dashboard-scope-users.png', fullPage: true });
    await row.locator('form.scope button[type=submit]').click();
    await vi.waitFor(() => expect(posted[1]).toEqual({ url: '/api/users/thanh-tra-bn', body: { scope: ['province:Hà Nội'] } }), {
      timeout: 10_000,
      interval: 100,
    });
    await vi.waitFor(async () => expect(await row.locator('[data-testid=user-scope]').textContent()).toContain('Hà Nội'), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
