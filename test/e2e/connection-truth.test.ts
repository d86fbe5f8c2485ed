import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createCredentialStore, credentialsFileIn } from '../../broker/index.js';
import { loadCatalogue, type Catalogue } from '../../core/index.js';
import { createUserStore } from '../../dashboard/index.js';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { testDatabase } from '../helpers/centre.js';
import { startCentreProcess, type CentreProcess } from '../helpers/centre-process.js';

/**
 * Connection truth in headless Chromium against a real centre process: stopped (SIGTERM), the
 * page shows within 5 s that its data is not live (banner, greyed values and counts, "as of");
 * started again on the same ports and data directory, it recovers by itself, live values
 * moving again, with no login form (the session was kept in DATA_DIR/sessions.json).
 */
describe('connection truth: a centre stopped and started again', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let centre: CentreProcess;
  let catalogue: Catalogue;
  let browser: Browser;
  let sim: Simulator | undefined;
  let page: Page;
  let station: string;
  const secrets: Record<string, string> = {};
  let password: string;

  beforeAll(async () => {
    await mkdir('test-results', { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-conn-'));
    catalogue = await loadCatalogue('seeds/catalogue.json');
    const withCod = catalogue.stations.filter((s) => s.parameters.some((p) => p.parameter === 'COD'));
    station = withCod[0]!.id;
    const gateways = createCredentialStore({ file: credentialsFileIn(dataDir) });
    secrets[station] = await gateways.add({ id: station, role: 'gateway', stations: [station] });
    password = (await createUserStore(join(dataDir, 'users.json')).add('wall', 'viewer')).password;
    env = { DATA_DIR: dataDir, INFLUX_URL: inject('influxUrl'), INFLUX_DB: testDatabase(), INGEST_FLUSH_MS: '50' };
    centre = await startCentreProcess(env);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await sim?.close();
    await browser?.close();
    await centre?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const cell = (): ReturnType<Page['locator']> => page.locator(`[data-station="${station}"][data-parameter="COD"][data-ts]`);

  /** The COD cell's measurement time moves on: the page is live. */
  const valuesMove = async (): Promise<void> => {
    await cell().waitFor({ timeout: 20_000 });
    const before = Number(await cell().getAttribute('data-ts'));
    await vi.waitFor(async () => expect(Number(await cell().getAttribute('data-ts'))).toBeGreaterThan(before), {
      timeout: 20_000,
      interval: 200,
    });
  };

  it('shows live values after a login, with no banner', async () => {
    sim = startSimulator({
      url: centre.mqttUrl,
      catalogue,
      stations: [station],
      rate: 2,
      credentials: (s) => ({ username: s.id, password: secrets[s.id]! }),
      record: false,
      seed: 19,
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    await page.goto(centre.dashboardUrl);
    await page.locator('[data-testid=login-form]').waitFor({ timeout: 15_000 });
    await page.fill('input[name=username]', 'wall');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 15_000 });
    await valuesMove();
    expect(await page.locator('[data-testid=link-banner]').count()).toBe(0);
    expect(await page.locator('main[data-not-live]').count()).toBe(0);
    // The session is on disk within the write period, by its sha256 id only.
    await vi.waitFor(async () => expect((await readFile(join(dataDir, 'sessions.json'), 'utf8')).includes('"wall"')).toBe(true), {
      timeout: 10_000,
      interval: 250,
    });
    expect((await stat(join(dataDir, 'sessions.json'))).mode & 0o777).toBe(0o600);
  });

  it('shows the data as stale within 5 s of the centre freezing (socket open, nothing sent), and live again when it resumes', async () => {
    // SIGSTOP: the process is there and its sockets open, but it says nothing (a hung centre).
    process.kill(centre.pid, 'SIGSTOP');
    const frozenAt = Date.now();
    try {
      await page.locator('[data-testid=link-banner][data-kind=stale]').waitFor({ timeout: 5_000 });
      expect(Date.now() - frozenAt).toBeLessThan(5_000);
      expect(await page.locator('[data-testid=link-banner]').textContent()).toMatch(
        /Không nhận được dữ liệu từ trung tâm từ \d\d:\d\d:\d\d/,
      );
      await page.locator('main[data-not-live]').waitFor({ timeout: 1_000 });
      expect(await page.locator('[data-testid=connection]').textContent()).toContain('không nhận được dữ liệu');
      await page.screenshot({ path: 'test-results/connection-truth-stale.png' });
    } finally {
      process.kill(centre.pid, 'SIGCONT');
    }
    await page.locator('[data-testid=link-banner]').waitFor({ state: 'detached', timeout: 10_000 });
    await valuesMove();
  });

  it('shows the data as not live within 5 s of the centre stopping', async () => {
    const stoppedAt = Date.now();
    await centre.stop();
    await page.locator('[data-testid=link-banner][data-kind=down]').waitFor({ timeout: 5_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    await page.locator('main[data-not-live]').waitFor({ timeout: 1_000 });
    await page.locator('[data-testid=as-of]').waitFor({ timeout: 1_000 });
    expect(await page.locator('qt-centre').getAttribute('data-not-live')).toBe('');
    expect(await page.locator('main[data-not-live]').evaluate((m) => getComputedStyle(m).filter)).toBe('grayscale(1)');
    const text = (await page.locator('[data-testid=link-banner]').textContent()) ?? '';
    expect(text).toMatch(/Mất kết nối với trung tâm từ \d\d:\d\d:\d\d — \d+ giây/);
    expect(await page.locator('[data-testid=as-of]').textContent()).toMatch(/lúc \d\d:\d\d:\d\d/);
    // The count of seconds goes on.
    const ago = async (): Promise<number> => Number(/(\d+)/.exec((await page.locator('[data-testid=link-ago]').textContent()) ?? '')?.[1]);
    const first = await ago();
    await vi.waitFor(async () => expect(await ago()).toBeGreaterThan(first), { timeout: 3_000, interval: 200 });
    // No login form while the centre is away.
    expect(await page.locator('[data-testid=login-form]').count()).toBe(0);
    await page.screenshot({ path: 'test-results/connection-truth-lost.png' });
    // In English too.
    await page.click('[data-testid=lang]');
    expect(await page.locator('[data-testid=link-banner]').textContent()).toMatch(
      /Connection to the centre lost since \d\d:\d\d:\d\d — \d+ s/,
    );
    expect(await page.locator('[data-testid=as-of]').textContent()).toMatch(/as of \d\d:\d\d:\d\d/);
    await page.click('[data-testid=lang]');
  });

  it('recovers after the centre starts again on the same ports and data directory, without a login', async () => {
    const port = new URL(centre.dashboardUrl).port;
    centre = await startCentreProcess({ ...env, HTTP_PORT: port, MQTT_PORT: String(centre.mqttPort) });
    await page.locator('[data-testid=link-banner]').waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 5_000 });
    expect(await page.locator('main[data-not-live]').count()).toBe(0);
    expect(await page.locator('[data-testid=as-of]').count()).toBe(0);
    await valuesMove();
    expect(await page.locator('[data-testid=login-form]').count()).toBe(0);
    expect(await page.locator('[data-testid=user]').textContent()).toContain('wall');
    await page.screenshot({ path: 'test-results/connection-truth-recovered.png' });
  });
});
