/**
 * `npx tsx bench/dashboard.ts`: the dashboard at national scale (issue 6). The real dashboard
 * server (HTTP, login, the live hub) is fed a synthetic `readings$` of 2,000 stations x 8
 * parameters at one message a second (16,000 readings/s); a WebSocket client measures the bytes
 * and frames each client receives, and headless Chromium, logged in, measures frames per
 * second with requestAnimationFrame on the overview table, the map and a station page.
 * Prints one JSON object. Bars: >= 30 fps, <= 300 KB/s per client.
 *
 *   npx tsx bench/dashboard.ts [--stations 2000] [--seconds 15] [--rate 1]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Subject } from 'rxjs';
import WebSocket from 'ws';
import { createLogger, parseCatalogue, type Alert, type CatalogueFile, type Reading } from '../core/index.js';
import { createDashboard } from '../dashboard/index.js';
import { WEB_DIST } from '../main.js';
import { launchBrowser } from '../test/helpers/browser.js';
import { loginWith } from '../test/helpers/dashboard-session.js';
import { benchCatalogue } from './bench-catalogue.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPICAL: Record<string, number> = { Flow: 52_000, Temp: 158, P: 101.3, O2: 8.1, PM: 61, SO2: 215, NOx: 340, CO: 210 };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stations: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '15' },
      rate: { type: 'string', default: '1' },
    },
  });
  const stationCount = Number(values.stations);
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const log = (msg: string): void => void process.stderr.write(`[bench:dashboard] ${msg}\n`);
  const base = JSON.parse(await readFile(join(ROOT, 'seeds', 'catalogue.json'), 'utf8')) as CatalogueFile;
  const catalogue = parseCatalogue(benchCatalogue(base, stationCount));
  const dir = await mkdtemp(join(tmpdir(), 'quantrac-bench-dash-'));
  const readings$ = new Subject<Reading>();
  const alerts: Alert[] = catalogue.stations.slice(0, 12).map((s, i) => ({
    id: `${s.id}|SO2|threshold`,
    station: s.id,
    zone: catalogue.zoneOf(s.id)!.id,
    parameter: 'SO2',
    rule: 'threshold',
    severity: i % 3 === 0 ? 'critical' : 'warning',
    state: 'firing',
    message: 'SO2 above the limit',
    value: 600,
    limit: 500,
    unit: 'mg/Nm3',
    since: Date.now() - 60_000,
    updatedAt: Date.now(),
  }));
  const dashboard = await createDashboard({
    host: '127.0.0.1',
    port: 0,
    catalogue,
    readings$,
    staticDir: WEB_DIST,
    log: createLogger({ level: 'silent' }),
    usersFile: join(dir, 'users.json'),
    passwordCost: 1024,
    alerts: {
      open: () => alerts,
      history: async () => [],
      acknowledge: () => undefined,
      silence: () => {
        throw new Error('not in the bench');
      },
      silences: () => [],
    },
  });
  const { password } = await dashboard.users.add('bench', 'viewer');

  // The load: every 50 ms, a twentieth of the stations send a message with all 8 parameters.
  const templates = catalogue.stations.map((s) =>
    s.parameters.map((p) => ({
      station: s.id,
      zone: catalogue.zoneOf(s.id)!.id,
      parameter: p.parameter,
      unit: p.unit,
      status: '00' as const,
    })),
  );
  let cursor = 0;
  let emitted = 0;
  const stepMs = 50;
  const perStep = (stationCount * rate * stepMs) / 1000;
  const load = setInterval(() => {
    const now = Date.now();
    for (let i = 0; i < perStep; i++) {
      for (const t of templates[cursor++ % templates.length]!) {
        readings$.next({ ...t, ts: now, receivedAt: now, value: (TYPICAL[t.parameter] ?? 10) * (0.9 + 0.2 * Math.random()) });
        emitted += 1;
      }
    }
  }, stepMs);

  try {
    const { cookie } = await loginWith(dashboard.url, 'bench', password);
    const origin = new URL(dashboard.url).origin;
    // 1. A WebSocket client: bytes and frames per second (after the snapshot), in the page's
    // encoding (binary deltas), then in compact JSON (tools). One at a time: the shared stream
    // is paced by the largest encoding in use.
    let readingsPerS = 0;
    const measure = async (format: 'binary' | 'compact'): Promise<Record<string, number>> => {
      const ws = new WebSocket(`${dashboard.url.replace('http', 'ws')}/ws?format=${format}`, { headers: { cookie, origin } });
      const figure = { bytes: 0, frames: 0, snapshotBytes: 0 };
      let counting = false;
      ws.on('message', (data: Buffer) => {
        if (figure.snapshotBytes === 0) figure.snapshotBytes = data.length;
        else if (counting) {
          figure.bytes += data.length;
          figure.frames += 1;
        }
      });
      await new Promise((r, j) => {
        ws.once('open', r);
        ws.once('error', j);
      });
      await sleep(2000);
      log(`measuring the live stream (${format}) for ${seconds} s`);
      const emittedBefore = emitted;
      counting = true;
      const t0 = Date.now();
      await sleep(seconds * 1000);
      counting = false;
      const wsSeconds = (Date.now() - t0) / 1000;
      readingsPerS = (emitted - emittedBefore) / wsSeconds;
      ws.terminate();
      return {
        bytesPerS: Math.round(figure.bytes / wsSeconds),
        kbPerS: Math.round(figure.bytes / wsSeconds / 1000),
        framesPerS: Number((figure.frames / wsSeconds).toFixed(2)),
        snapshotBytes: figure.snapshotBytes,
        barKbPerS: 300,
      };
    };
    const binary = await measure('binary');
    const compact = await measure('compact');

    // 2. Chromium: log in, then frames per second on each view.
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(dashboard.url);
    await page.fill('input[name=username]', 'bench');
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.locator('[data-station][data-parameter][data-ts]').first().waitFor({ timeout: 60_000 });
    const fps: Record<string, FpsFigure> = {};
    const views: Array<[string, string, (() => Promise<void>) | undefined]> = [
      ['overview', '#/', undefined],
      [
        'overview-scrolled',
        '#/',
        async () => {
          await page.mouse.move(800, 600);
          await page.mouse.wheel(0, 40_000);
        },
      ],
      ['map', '#/map', undefined],
      ['map-zone', `#/zone/${catalogue.zones[0]!.id}?view=map`, undefined],
      ['station', `#/station/${catalogue.stations[5]!.id}?parameter=SO2`, undefined],
    ];
    for (const [name, hash, prepare] of views) {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await sleep(2500);
      await prepare?.();
      await sleep(500);
      fps[name] = (await page.evaluate(`(${MEASURE_FPS})(${(seconds * 1000) / 2})`)) as FpsFigure;
      log(`${name}: ${fps[name]!.fps.toFixed(1)} fps`);
    }
    await browser.close();
    const out = {
      bench: 'dashboard',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model },
      stations: stationCount,
      parametersPerStation: 8,
      messagesPerStationPerS: rate,
      readingsPerS: Math.round(readingsPerS),
      /** The page's encoding. */
      liveClient: binary,
      compactClient: compact,
      hub: dashboard.hub.stats(),
      browser: { fps, barFps: 30 },
      pass: binary.bytesPerS! <= 300_000 && compact.bytesPerS! <= 300_000 && Object.values(fps).every((f) => f.fps >= 30),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    clearInterval(load);
    await dashboard.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs in the page: frames per second by requestAnimationFrame over `ms`, with the slow
 * frames. A string, so that the bundler's helpers (tsx names functions) never reach the page.
 */
const MEASURE_FPS = `(ms) => new Promise((resolve) => {
  const gaps = [];
  let last = performance.now();
  const start = last;
  const step = (t) => {
    gaps.push(t - last);
    last = t;
    if (t - start < ms) { requestAnimationFrame(step); return; }
    const sorted = [...gaps].sort((a, b) => a - b);
    resolve({
      fps: (gaps.length * 1000) / (t - start),
      p95FrameMs: Number(sorted[Math.floor(sorted.length * 0.95)].toFixed(1)),
      maxFrameMs: Number(sorted[sorted.length - 1].toFixed(1)),
      longFrames: gaps.filter((g) => g > 50).length,
    });
  };
  requestAnimationFrame(step);
})`;

interface FpsFigure {
  fps: number;
  p95FrameMs: number;
  maxFrameMs: number;
  longFrames: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
