import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSeriesIndex, loadConfig, type AlertEvent, type Presence, type Reading } from '../../core/index.js';
import { Registry } from 'prom-client';
import { createReadingBatcher, createReadingUnpacker, startAlertsWorker, type AlertsWorker } from '../../alerts/index.js';
import { alertsTestCatalogue, STATION, STATION_B, ZONE } from '../helpers/alerts-fixture.js';
import { captureLog } from '../helpers/log-capture.js';
import { pruneBundles } from '../../alerts/worker-bundle.js';

const reading = (station: string, parameter: string, value: number, status: Reading['status'] = '00', ts = Date.now()): Reading => ({
  station,
  zone: ZONE,
  parameter,
  value,
  unit: parameter === 'pH' ? 'pH' : 'mg/L',
  status,
  ts,
  receivedAt: ts + 5,
});

describe('reading batches for the alerts worker', () => {
  it('packs readings into one buffer and unpacks the same readings, with zone and unit from the catalogue', () => {
    const catalogue = alertsTestCatalogue();
    const index = createSeriesIndex(catalogue);
    const batcher = createReadingBatcher(index, 2); // grows past its first capacity
    const sent = [
      reading(STATION, 'COD', 81.25, '02', 1_700_000_000_123),
      reading(STATION, 'pH', -0.5),
      reading(STATION_B, 'COD', 1e9, '01'),
    ];
    for (const r of sent) expect(batcher.push(r)).toBe(true);
    expect(batcher.push(reading('NOT-A-STATION', 'COD', 1))).toBe(false);
    expect(batcher.push(reading(STATION, 'NOx', 1))).toBe(false);
    const batch = batcher.take()!;
    expect(batch.n).toBe(3);
    expect(batcher.take()).toBeUndefined();
    const back = [...createReadingUnpacker(index, catalogue)(batch)];
    expect(back).toEqual(sent.map((r) => ({ ...r, zone: catalogue.zoneOf(r.station)!.id })));
  });
});

describe('the alerts worker (a real worker thread; InfluxDB and the spool are fakes here)', () => {
  let dir: string;
  let alerts: AlertsWorker | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-alerts-worker-'));
    await writeFile(join(dir, 'rules.json'), JSON.stringify({ version: 1, defaults: { threshold: { forS: 0 } } }));
    await writeFile(join(dir, 'notify.json'), JSON.stringify({ version: 1, routing: [] }));
  });
  afterEach(async () => {
    await alerts?.close();
    alerts = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (workerEntry?: URL, env: Record<string, string> = {}) => {
    const readings$ = new Subject<Reading>();
    const presence$ = new Subject<Presence>();
    const stored: string[] = [];
    const published: string[] = [];
    /** How many open alerts open() showed as each publication went out. */
    const openAtPublish: number[] = [];
    const queries: string[] = [];
    const logs = captureLog('info');
    const config = loadConfig({
      DATA_DIR: dir,
      ALERTS_RULES_FILE: join(dir, 'rules.json'),
      ALERTS_NOTIFY_FILE: join(dir, 'notify.json'),
      ...env,
    });
    const registry = new Registry();
    alerts = await startAlertsWorker({
      registry,
      restartMs: 50,
      ...(workerEntry ? { workerEntry } : {}),
      config,
      catalogue: alertsTestCatalogue(),
      readings$,
      presence$,
      append: async (lines) => {
        stored.push(...lines);
      },
      query: async (q) => {
        queries.push(q);
        return [];
      },
      publish: async (topic) => {
        published.push(topic);
        openAtPublish.push(alerts?.open().length ?? -1);
      },
      log: logs.log,
    });
    const events: AlertEvent[] = [];
    alerts.events$.subscribe((e) => events.push(e));
    return { alerts, readings$, presence$, stored, published, openAtPublish, queries, events, logs, registry };
  };

  it('raises an alert from readings sent in batches; open() shows it by the time its event arrives; the event is stored and published', async () => {
    const w = await start();
    expect(w.queries.some((q) => q.includes('alert_event'))).toBe(true); // restored from InfluxDB at start
    const seenAtEvent: number[] = [];
    w.alerts.events$.subscribe(() => seenAtEvent.push(w.alerts.open().length));
    for (let i = 0; i < 1000; i++) w.readings$.next(reading(STATION_B, 'COD', 20));
    w.readings$.next(reading(STATION, 'COD', 300));
    await vi.waitFor(() => expect(w.events.map((e) => e.type)).toEqual(['raised']), { timeout: 5000, interval: 10 });
    expect(seenAtEvent).toEqual([1]);
    const [alert] = w.alerts.open();
    expect(alert).toMatchObject({ id: `${STATION}|COD|threshold`, station: STATION, zone: ZONE, state: 'firing', value: 300 });
    expect(w.alerts.open({ station: STATION_B })).toEqual([]);
    await w.alerts.flush();
    expect(w.stored.filter((l) => l.startsWith('alert_event'))).toHaveLength(1);
    expect(w.published).toEqual([`alerts/${ZONE}/${STATION}`]);
    expect(w.openAtPublish).toEqual([1]); // an MQTT subscriber told of it finds it in open()
  });

  it('acknowledges and silences by calls; open() and silences() answer the new state once the call returns; errors keep their code', async () => {
    const w = await start();
    w.readings$.next(reading(STATION, 'COD', 300));
    const id = `${STATION}|COD|threshold`;
    // The call is sent after the reading, so the worker has evaluated it when it answers.
    expect(await w.alerts.acknowledge(id, 'nguyen.van.a', 'on site')).toMatchObject({
      id,
      state: 'acknowledged',
      acknowledgedBy: 'nguyen.van.a',
      note: 'on site',
    });
    expect(w.alerts.open()).toMatchObject([{ id, state: 'acknowledged' }]);
    expect(await w.alerts.acknowledge('nope|COD|threshold', 'x')).toBeUndefined();
    const silence = await w.alerts.silence({ station: STATION_B, until: Date.now() + 60_000, by: 'pham.d', reason: 'maintenance' });
    expect(w.alerts.silences()).toEqual([silence]);
    await expect(w.alerts.silence({ station: STATION_B, parameter: 'pH', until: Date.now() + 60_000, by: 'x' })).rejects.toMatchObject({
      code: 'ERR_SILENCE',
    });
    await vi.waitFor(() => expect(w.events.map((e) => e.type)).toEqual(['raised', 'acknowledged']), { timeout: 5000, interval: 10 });
  });

  it("logs through the main thread's logger, with the worker's bindings", async () => {
    const w = await start();
    w.readings$.next(reading(STATION, 'COD', 300));
    await vi.waitFor(
      () =>
        expect(w.logs.lines().find((l) => l.type === 'raised')).toMatchObject({
          level: 30,
          alert: `${STATION}|COD|threshold`,
          held: false,
        }),
      { timeout: 5000, interval: 10 },
    );
  });

  it('starts a worker that died again: it restores open alerts from InfluxDB, and rules run on the readings that follow', async () => {
    const w = await start();
    const restores = (): number => w.queries.filter((q) => q.includes('alert_event')).length;
    expect(restores()).toBe(1);
    await w.alerts.terminateWorker();
    await expect(w.alerts.acknowledge('x', 'y')).rejects.toMatchObject({ code: 'ERR_ALERTS' });
    await vi.waitFor(() => expect(restores()).toBe(2), { timeout: 5000, interval: 10 });
    expect(w.logs.lines('the alerts worker stopped; starting it again')).toHaveLength(1);
    await vi.waitFor(
      async () => {
        w.readings$.next(reading(STATION, 'COD', 300));
        await w.alerts.flush();
        expect(w.events.map((e) => e.type)).toEqual(['raised']);
      },
      { timeout: 5000, interval: 50 },
    );
    expect((await w.registry.getSingleMetric('quantrac_alerts_worker_restarts_total')!.get()).values[0]!.value).toBe(1);
  });

  it('runs from its TypeScript through tsx (worker-boot.mjs) where the bundle cannot be written', async () => {
    const w = await start(new URL('../../alerts/worker-boot.mjs', import.meta.url));
    w.readings$.next(reading(STATION, 'COD', 300));
    await w.alerts.flush();
    await vi.waitFor(() => expect(w.events.map((e) => e.type)).toEqual(['raised']), { timeout: 5000, interval: 10 });
  });

  it('fails to start, saying why, when the worker cannot load its rules', async () => {
    await expect(start(undefined, { ALERTS_RULES_FILE: join(dir, 'missing.json') })).rejects.toMatchObject({
      code: 'ERR_ALERTS_START',
      message: expect.stringContaining('missing.json'),
    });
  });
});

describe('the bundle cache (worker-bundle.ts)', () => {
  it('removes bundles of earlier versions and half-written files once a day old, never the current one or other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qt-bundles-'));
    try {
      const dayAgo = new Date(Date.now() - 25 * 3_600_000);
      const files = [
        'alerts-worker-aaaa.mjs',
        'alerts-worker-bbbb.mjs',
        'alerts-worker-cccc.mjs.123.456.tmp',
        'alerts-worker-dddd.mjs',
        'other.mjs',
      ];
      for (const f of files) await writeFile(join(dir, f), 'x');
      for (const f of ['alerts-worker-aaaa.mjs', 'alerts-worker-cccc.mjs.123.456.tmp', 'alerts-worker-dddd.mjs', 'other.mjs'])
        await utimes(join(dir, f), dayAgo, dayAgo);
      // dddd is the current bundle (old, but in use); bbbb is recent (a centre of that version may be starting).
      const removed = await pruneBundles(dir, join(dir, 'alerts-worker-dddd.mjs'));
      expect(removed.sort()).toEqual(['alerts-worker-aaaa.mjs', 'alerts-worker-cccc.mjs.123.456.tmp']);
      expect((await readdir(dir)).sort()).toEqual(['alerts-worker-bbbb.mjs', 'alerts-worker-dddd.mjs', 'other.mjs']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
