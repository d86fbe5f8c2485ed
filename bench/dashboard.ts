/**
 * `npx tsx bench/dashboard.ts`: the dashboard at national scale (its bars: docs/PERFORMANCE.md,
 * "Targets"). The real dashboard server (HTTP, login, the live hub) is fed a synthetic
 * `readings$` of 2,000 stations x 8 parameters at one message a second (16,000 readings/s;
 * dashboard-load.ts); a WebSocket client measures the bytes and frames each client receives
 * (dashboard-stream.ts), and headless Chromium, logged in, measures frames per second with
 * requestAnimationFrame on the overview table, the map and a station page (dashboard-fps.ts).
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
import { createLogger, parseCatalogue, type Alert, type Catalogue, type CatalogueFile, type Reading } from '../core/index.js';
import { createDashboard, type Dashboard } from '../dashboard/index.js';
import { WEB_DIST } from '../main.js';
import { loginWith } from '../test/helpers/dashboard-session.js';
import { benchCatalogue } from './bench-catalogue.js';
import { measureViewsFps } from './dashboard-fps.js';
import { startSyntheticLoad } from './dashboard-load.js';
import { measureLiveStream } from './dashboard-stream.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

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
  const dashboard = await startBenchDashboard(catalogue, readings$, dir);
  const { password } = await dashboard.users.add('bench', 'viewer');
  const load = startSyntheticLoad(catalogue, readings$, { stations: stationCount, rate });

  try {
    const { cookie } = await loginWith(dashboard.url, 'bench', password);
    const origin = new URL(dashboard.url).origin;
    // 1. A WebSocket client: bytes and frames per second (after the snapshot), in the page's
    // encoding (binary deltas), then in compact JSON (tools). One at a time: the shared stream
    // is paced by the largest encoding in use.
    const stream = (format: 'binary' | 'compact'): ReturnType<typeof measureLiveStream> =>
      measureLiveStream({ dashboardUrl: dashboard.url, headers: { cookie, origin }, format, seconds, emitted: () => load.emitted, log });
    const binary = await stream('binary');
    const compact = await stream('compact');

    // 2. Chromium: log in, then frames per second on each view.
    const fps = await measureViewsFps({ dashboardUrl: dashboard.url, username: 'bench', password, catalogue, seconds, log });
    const out = {
      bench: 'dashboard',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model },
      stations: stationCount,
      parametersPerStation: 8,
      messagesPerStationPerS: rate,
      // The rate while the last client (compact) counted.
      readingsPerS: Math.round(compact.readingsPerS),
      /** The page's encoding. */
      liveClient: binary.figure,
      compactClient: compact.figure,
      hub: dashboard.hub.stats(),
      browser: { fps, barFps: 30 },
      pass: binary.figure.bytesPerS <= 300_000 && compact.figure.bytesPerS <= 300_000 && Object.values(fps).every((f) => f.fps >= 30),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    load.stop();
    await dashboard.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The real dashboard server on a free port, its users in `dir`, with a dozen open alerts and no alert actions. */
async function startBenchDashboard(catalogue: Catalogue, readings$: Subject<Reading>, dir: string): Promise<Dashboard> {
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
  return createDashboard({
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
}

void main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
