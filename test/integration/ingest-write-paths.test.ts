import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createLogger, freePort, loadCatalogue, readingsTopic, type Catalogue, type InfluxTarget } from '../../core/index.js';
import { createInfluxClient, createIngest, listDeadLetters, type DeadLetter, type Ingest } from '../../ingest/index.js';
import { testDatabase } from '../helpers/centre.js';
import { storedReadings } from '../helpers/influx-query.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));
const VICTORIA = '/usr/bin/victoria-metrics';
const log = createLogger({ level: 'silent' });

/** Admits `n` messages of all a station's parameters through ingest; returns what should be stored. */
async function admitMessages(ingest: Ingest, catalogue: Catalogue, n: number): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  const stations = catalogue.stations.slice(0, 3);
  const t0 = Date.now() - 60_000;
  await Promise.all(
    stations.flatMap((s, si) =>
      Array.from({ length: n }, async (_, i) => {
        const ts = t0 + i * 100 + si;
        const readings = s.parameters.map((p, pi) => ({
          parameter: p.parameter,
          value: Math.round((i + pi / 10 + 0.001 * si) * 1000) / 1000,
          unit: p.unit,
        }));
        for (const r of readings) expected.set(`${s.id}|${r.parameter}|${ts}`, r.value);
        const res = await ingest.admit({
          topic: readingsTopic(s.id),
          payload: Buffer.from(JSON.stringify({ station: s.id, ts, seq: i, readings })),
        });
        expect(res).toEqual({ accepted: readings.length, rejected: 0 });
      }),
    ),
  );
  return expected;
}

describe('both InfluxDB write endpoints', () => {
  let catalogue: Catalogue;
  let dataDir: string | undefined;
  let ingest: Ingest | undefined;
  let vm: ChildProcess | undefined;
  let vmDir: string | undefined;

  beforeAll(async () => {
    catalogue = await loadCatalogue(SEED);
  });
  afterEach(async () => {
    await ingest?.close();
    ingest = undefined;
    if (vm && vm.exitCode === null) {
      const exited = new Promise((r) => vm!.once('exit', r));
      vm.kill('SIGTERM');
      await exited;
    }
    vm = undefined;
    for (const d of [dataDir, vmDir]) if (d) await rm(d, { recursive: true, force: true });
    dataDir = vmDir = undefined;
  });

  const start = async (target: InfluxTarget, clientOptions: Parameters<typeof createInfluxClient>[1] = {}): Promise<Ingest> => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-paths-'));
    const influx = createInfluxClient(target, clientOptions);
    await influx.ensureDatabase();
    ingest = await createIngest({
      catalogue,
      influx,
      log,
      window: { maxAgeMs: 30 * 86_400_000, maxAheadMs: 300_000 },
      dataDir,
      settings: { delivery: { batchLines: 50, batchBytes: 1024 * 1024, flushMs: 50, retryMaxMs: 1000, drainMs: 3000 } },
    });
    return ingest;
  };

  it('/write (1.x API) against InfluxDB, gzipped batches (as to a remote InfluxDB)', async () => {
    const db = testDatabase();
    const ing = await start({ api: 'v1', url: inject('influxUrl'), db }, { gzipThreshold: 1000 });
    const expected = await admitMessages(ing, catalogue, 40);
    await ing.delivered(30_000);
    const stored = await storedReadings(ing.influx);
    expect(new Map(stored.map((p) => [`${p.station}|${p.parameter}|${p.time}`, p.value]))).toEqual(expected);
    expect(stored).toHaveLength(expected.size);
  });

  it('a batch InfluxDB refuses (400 partial write) is split: the bad line is dead-lettered, the rest stored', async () => {
    const db = testDatabase();
    const ing = await start({ api: 'v1', url: inject('influxUrl'), db });
    const t = Date.now() - 30_000;
    const good = Array.from({ length: 30 }, (_, i) => `reading,parameter=COD,station=S-${i % 3},status=00,zone=Z value=${i} ${t + i}`);
    // A string into the float field `value`: InfluxDB answers 400 "field type conflict".
    const bad = `reading,parameter=COD,station=S-BAD,status=00,zone=Z value="oops" ${t + 100}`;
    await ing.appendLines([...good.slice(0, 17), bad, ...good.slice(17)]);
    await ing.delivered(30_000);
    const stored = await storedReadings(ing.influx);
    expect(stored.map((p) => p.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const letters: DeadLetter[] = [];
    for await (const r of listDeadLetters({ dir: join(dataDir!, 'deadletters') })) letters.push(r);
    expect(letters).toEqual([expect.objectContaining({ kind: 'line', line: bad, station: 'S-BAD', codes: ['influx_rejected'] })]);
    expect(letters[0]!.errors[0]!.message).toMatch(/400.*field type conflict/);
  });

  it('/api/v2/write against VictoriaMetrics (it speaks the v2 write API)', async () => {
    vmDir = await mkdtemp(join(tmpdir(), 'quantrac-vm-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    vm = spawn(VICTORIA, [`-storageDataPath=${vmDir}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR'], { stdio: 'ignore' });
    await vi.waitFor(async () => expect((await fetch(`${url}/health`)).status).toBe(200), { timeout: 30_000, interval: 100 });

    const ing = await start({ api: 'v2', url, org: 'quantrac', bucket: 'readings', token: 'unused-by-victoria' });
    const expected = await admitMessages(ing, catalogue, 40);
    await ing.delivered(30_000);
    expect(ing.health().influx).toMatchObject({ api: 'v2', consecutiveFailures: 0, lastSuccessAt: expect.any(String) });

    // VictoriaMetrics names the series `reading_value`, with the tags as labels (it keeps about
    // 12 significant digits, which sensor values never exceed).
    const exported = new Map<string, number>();
    await vi.waitFor(
      async () => {
        await fetch(`${url}/internal/force_flush`);
        const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': '{__name__="reading_value"}' })}`);
        exported.clear();
        for (const line of (await res.text()).split('\n').filter(Boolean)) {
          const series = JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
          expect(series.metric.status).toBe('00');
          expect(series.metric.zone).toBe(catalogue.zoneOf(series.metric.station!)!.id);
          series.timestamps.forEach((t, i) => exported.set(`${series.metric.station}|${series.metric.parameter}|${t}`, series.values[i]!));
        }
        expect(exported.size).toBe(expected.size);
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(exported).toEqual(expected);
  });
});
