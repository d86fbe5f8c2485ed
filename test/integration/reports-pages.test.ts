import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../core/index.js';
import { createInfluxClient } from '../../ingest/index.js';
import { createReports, type Reports } from '../../reports/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { testDatabase } from '../helpers/centre.js';
import { codDay, D1, phDay, reportsCatalogue, so2HalfDay, WW, ZONE } from '../helpers/reports-fixture.js';

const REPORTS_SRC = fileURLToPath(new URL('../../dashboard/web/src/reports/index.ts', import.meta.url));
const LABEL = 'validity rules adopted from US/EU practice';
const LABEL_VI = 'quy tắc hợp lệ số liệu áp dụng theo thông lệ Hoa Kỳ/EU';

/**
 * The report pages in a real Chromium: dashboard/web/src/reports bundled by Vite on its own
 * (the dashboard's router is someone else's), served with the reports' routes from a real
 * InfluxDB. Checks what an inspector sees, downloads and prints.
 */
describe('report pages (Lit) in Chromium', () => {
  let dir: string;
  let reports: Reports;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-report-pages-'));
    await writeFile(
      join(dir, 'index.html'),
      '<!doctype html><html lang="vi"><head><meta charset="utf-8"><script type="module" src="./main.ts"></script></head><body></body></html>',
    );
    await writeFile(join(dir, 'main.ts'), `import ${JSON.stringify(REPORTS_SRC)};\n`);
    await build({
      root: dir,
      logLevel: 'error',
      configFile: false,
      publicDir: false,
      build: { outDir: join(dir, 'dist'), emptyOutDir: true, target: 'es2022' },
    });
    const dist = resolve(dir, 'dist');

    const influx = createInfluxClient({ api: 'v1', url: inject('influxUrl'), db: testDatabase() });
    await influx.ensureDatabase();
    await influx.write([...codDay(D1), ...phDay(D1), ...so2HalfDay(D1)].join('\n'));
    reports = createReports({ query: (q) => influx.query(q), catalogue: reportsCatalogue(), log: createLogger({ level: 'silent' }) });
    server = createServer((req, res) => {
      void (async () => {
        for (const route of reports.routes) if ((req.url ?? '').startsWith(route.prefix) && (await route.handle(req, res))) return;
        const path = (req.url ?? '/').split('?')[0]!;
        const file = join(dist, path === '/' ? 'index.html' : path);
        if (!file.startsWith(dist)) return void res.writeHead(403).end();
        try {
          const body = await readFile(file);
          res.writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'text/html; charset=utf-8' }).end(body);
        } catch {
          res.writeHead(404).end();
        }
      })();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await reports?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function open(markup: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/`);
    await page.evaluate((m) => {
      document.body.innerHTML = m;
    }, markup);
    return page;
  }

  it("a station's day: summary, hourly averages with validity marks, the label in both languages, a CSV download", async () => {
    const page = await open(`<qt-report-station station="${WW}" period="day" date="${D1}"></qt-report-station>`);
    try {
      const summary = page.locator('qt-report-station table[data-testid="summary"] tr[data-parameter="COD"]');
      await summary.waitFor({ timeout: 15_000 });
      const cells = await summary.locator('td').allInnerTexts();
      // unit, limit, count, min, max, mean, valid hours, invalid half-hours, validity, availability, exceedances;
      // figures in the report's language: "," decimals in Vietnamese (the English month below has ".").
      expect(cells).toEqual(['mg/L', '≤ 100 (QCVN 40:2011/BTNMT B)', '262', '50', '500', '64,88', '21/24', '5', 'Hợp lệ', '90,97', '3']);
      const note = await page.locator('qt-report-station [data-testid="validity-note"]').innerText();
      expect(note.toLowerCase()).toContain(LABEL_VI.toLowerCase());
      expect(note).toContain(LABEL);
      // Every table repeats the label in its caption.
      const captions = await page.locator('qt-report-station caption').allInnerTexts();
      expect(captions.length).toBeGreaterThanOrEqual(2);
      for (const c of captions) expect(c.toLowerCase()).toContain(LABEL_VI.toLowerCase());
      const hour2 = page.locator('qt-report-station table[data-testid="hourly"] tr[data-hour="02:00"] td').first();
      expect(await hour2.getAttribute('data-valid')).toBe('false');
      expect(await hour2.innerText()).toBe('500*');
      expect(await page.locator('qt-report-station table[data-testid="hourly"] tr[data-hour="10:00"] td').first().innerText()).toBe(
        '150 ▲',
      );

      const href = await page.locator('qt-report-station [data-testid="csv-link"]').getAttribute('href');
      expect(href).toBe(`/api/reports/stations/${WW}/day?date=${D1}&format=csv`);
      const download = await page.evaluate(async (h) => {
        const res = await fetch(h!);
        return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition') };
      }, href);
      expect(download).toEqual({
        status: 200,
        type: 'text/csv; charset=utf-8; header=present',
        disposition: `attachment; filename="bao-cao-${WW}-${D1}.csv"`,
      });
    } finally {
      await page.close();
    }
  });

  it('prints on A4: buttons hidden, the rules printed, the page box A4 portrait', async () => {
    const page = await open(`<qt-report-station station="${WW}" period="day" date="${D1}"></qt-report-station>`);
    try {
      await page.locator('qt-report-station table[data-testid="summary"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('qt-report-station .validity-note ul').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('qt-report-station .actions').isVisible()).toBe(false);
      expect(await page.locator('qt-report-station .validity-note ul').isVisible()).toBe(true);
      const pageRule = await page.evaluate(() =>
        [...document.styleSheets]
          .flatMap((s) => [...s.cssRules])
          .map((r) => r.cssText)
          .find((t) => t.startsWith('@page')),
      );
      expect(pageRule).toMatch(/size: a4/i);
      const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
      const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf);
      // A4 is 210 x 297 mm = 595.3 x 841.9 pt.
      expect(Number(box![1])).toBeCloseTo(595.3, -1);
      expect(Number(box![2])).toBeCloseTo(841.9, -1);
      const pages = pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
      expect(pages).toBeGreaterThanOrEqual(1);
      await mkdir('test-results', { recursive: true });
      await writeFile('test-results/report-station-day.pdf', Buffer.from(pdf, 'latin1'));
      await page.setViewportSize({ width: 794, height: 1123 });
      await page.screenshot({ path: 'test-results/report-station-day-print.png', fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("a station's month and a zone's day, in English on request", async () => {
    const page = await open(`<qt-report-station station="${WW}" period="month" date="2026-03" locale="en"></qt-report-station>
      <qt-report-zone zone="${ZONE}" date="${D1}"></qt-report-zone>`);
    try {
      const day = page.locator(`qt-report-station table[data-testid="daily"] tr[data-date="${D1}"]`);
      await day.waitFor({ timeout: 15_000 });
      await page.locator('qt-report-zone table[data-testid="zone"]').waitFor({ timeout: 15_000 });
      await mkdir('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/report-month-zone.png', fullPage: true });
      expect(await page.locator('qt-report-station table[data-testid="daily"] tbody tr').count()).toBe(31);
      expect(await day.locator('td').first().innerText()).toBe('64.88 (3▲)');
      const note = await page.locator('qt-report-station [data-testid="validity-note"]').innerText();
      expect(note.startsWith('Validity rules adopted from US/EU practice')).toBe(true);

      const stack = page.locator('qt-report-zone tbody[data-station="TEST-STACK1"]');
      await stack.waitFor({ timeout: 15_000 });
      expect(await stack.locator('[data-testid="station-availability"]').innerText()).toBe('50 %');
      expect(await stack.locator('tr[data-parameter="SO2"] td').allInnerTexts()).toEqual([
        'mg/Nm3',
        '≤ 500 (QCVN 19:2009/BTNMT B)',
        '720',
        '300',
        '300',
        '300',
        '12/24',
        '24',
        'Không hợp lệ',
        '50',
        '0',
      ]);
      expect((await page.locator('qt-report-zone [data-testid="validity-note"]').innerText()).toLowerCase()).toContain(
        LABEL_VI.toLowerCase(),
      );
      expect(await page.locator('qt-report-zone [data-testid="csv-link"]').getAttribute('href')).toBe(
        `/api/reports/zones/${ZONE}/day?date=${D1}&format=csv`,
      );
    } finally {
      await page.close();
    }
  });

  it('follows attribute changes and reports errors it is given', async () => {
    const page = await open(`<qt-report-station station="NOPE-1" period="day" date="${D1}"></qt-report-station>`);
    try {
      await page.locator('qt-report-station [role="alert"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('qt-report-station [role="alert"]').innerText()).toContain('NOPE-1');
      await page.evaluate((id) => document.querySelector('qt-report-station')!.setAttribute('station', id), WW);
      await page.locator('qt-report-station table[data-testid="summary"]').waitFor({ timeout: 15_000 });
    } finally {
      await page.close();
    }
  });
});
