import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { runCli, type CliProcess } from '../helpers/cli-process.js';
import { testDatabase } from '../helpers/centre.js';

describe('quantrac start --demo', () => {
  let proc: CliProcess | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await browser?.close();
    if (proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows live values in the browser within 10 s of start, and exits 0 within 5 s of Ctrl-C', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-demo-'));
    const startedAt = Date.now();
    proc = runCli(['start', '--demo'], {
      MQTT_PORT: '0',
      HTTP_PORT: '0',
      DATA_DIR: dataDir,
      INFLUX_URL: inject('influxUrl'),
      INFLUX_DB: testDatabase(),
      DEMO_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
    });
    const [, url] = await proc.waitForOutput(/dashboard\s+(http:\/\/\S+)/);
    expect(proc.stdout()).toMatch(/MQTT\s+mqtt:\/\/127\.0\.0\.1:\d+/);

    // Demo mode prints a dashboard login (a new random password each start), never logged.
    const [, user, password] = await proc.waitForOutput(/login\s+user (\S+)\s+password (\S+)/);

    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url!);
    await page.fill('input[name=username]', user!);
    await page.fill('input[name=password]', password!);
    await page.click('button[type=submit]');
    // A value cell carries the measurement time of the reading it shows.
    await page.locator('[data-station][data-parameter][data-ts]').first().waitFor({ timeout: 10_000 });
    const firstSeen = Date.now() - startedAt;
    const cells = await page.locator('[data-station][data-parameter][data-ts]').count();
    expect(cells).toBeGreaterThan(0);
    const cell = page.locator('[data-station][data-parameter][data-ts]').first();
    const station = await cell.getAttribute('data-station');
    const parameter = await cell.getAttribute('data-parameter');
    const before = Number(await cell.getAttribute('data-ts'));
    // Live: the same cell shows a newer reading a moment later, without a reload.
    const same = page.locator(`[data-station="${station}"][data-parameter="${parameter}"]`);
    await vi.waitFor(async () => expect(Number(await same.getAttribute('data-ts'))).toBeGreaterThan(before), {
      timeout: 10_000,
      interval: 200,
    });
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/start-demo.png' });
    console.log(`[figure] first live value in the browser ${firstSeen} ms after start`);
    expect(firstSeen).toBeLessThan(10_000);

    const stopAt = Date.now();
    proc.child.kill('SIGINT');
    const code = await proc.exited;
    const stopMs = Date.now() - stopAt;
    console.log(`[figure] exit ${code} ${stopMs} ms after SIGINT`);
    expect(code).toBe(0);
    // The password was printed once, on its own line, and appears in no log line.
    expect(
      proc
        .stdout()
        .split('\n')
        .filter((l) => l.includes(password!)),
    ).toHaveLength(1);
    expect(proc.stderr()).not.toContain(password!);
    expect(stopMs).toBeLessThan(5_000);
  });
});
