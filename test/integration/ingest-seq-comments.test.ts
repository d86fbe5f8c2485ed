import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  createLogger,
  freePort,
  loadCatalogue,
  readingsTopic,
  type Catalogue,
  type InfluxTarget,
  type LogCursor,
} from '../../core/index.js';
import { createInfluxClient, createIngest, listDeadLetters, type DeadLetter, type Ingest } from '../../ingest/index.js';
import { testDatabase } from '../helpers/centre.js';
import { countReadings, storedReadings } from '../helpers/influx-query.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));
const VICTORIA = '/usr/bin/victoria-metrics';
const log = createLogger({ level: 'silent' });

/** Everything a cursor can read now, as text, and the points it counted. */
async function readAll(cursor: LogCursor, end: number): Promise<{ text: string; lines: number }> {
  let text = '';
  let lines = 0;
  for (let pos = cursor.position; pos < end;) {
    const r = await cursor.read(pos, 64 * 1024, 10_000);
    text += r.data.toString('utf8');
    lines += r.lines;
    pos = r.end;
  }
  return { text, lines };
}

describe('ingest: the seq kept for forwarding as line-protocol comments (recordSeq)', () => {
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

  const start = async (target: InfluxTarget, recordSeq: boolean): Promise<Ingest> => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-seq-'));
    const influx = createInfluxClient(target);
    await influx.ensureDatabase();
    ingest = await createIngest({
      catalogue,
      influx,
      log,
      window: { maxAgeMs: 30 * 86_400_000, maxAheadMs: 300_000 },
      dataDir,
      settings: { recordSeq, delivery: { batchLines: 25, batchBytes: 1024 * 1024, flushMs: 20, retryMaxMs: 1000, drainMs: 3000 } },
    });
    return ingest;
  };

  /** `n` messages per station (3 stations), each with a seq and all the station's parameters, admitted concurrently. */
  async function admitMessages(ing: Ingest, n: number): Promise<{ readings: number; seqs: string[] }> {
    const t0 = Date.now() - 60_000;
    let readings = 0;
    const seqs: string[] = [];
    await Promise.all(
      catalogue.stations.slice(0, 3).flatMap((s, si) =>
        Array.from({ length: n }, async (_, i) => {
          const rs = s.parameters.map((p, pi) => ({ parameter: p.parameter, value: i + pi / 10, unit: p.unit }));
          readings += rs.length;
          seqs.push(`#seq ${s.id} ${100 + i}`);
          const payload = Buffer.from(JSON.stringify({ station: s.id, ts: t0 + i * 100 + si, seq: 100 + i, readings: rs }));
          expect(await ing.admit({ topic: readingsTopic(s.id), payload })).toEqual({ accepted: rs.length, rejected: 0 });
        }),
      ),
    );
    return { readings, seqs };
  }

  const deadLetters = async (): Promise<DeadLetter[]> => {
    const out: DeadLetter[] = [];
    for await (const r of listDeadLetters({ dir: join(dataDir!, 'deadletters') })) out.push(r);
    return out;
  };

  it('InfluxDB 1.6.7 skips the #seq comment lines: every reading stored once, nothing dead-lettered, points counted without comments', async () => {
    const ing = await start({ api: 'v1', url: inject('influxUrl'), db: testDatabase() }, true);
    const cursor = await ing.openCursor('upstream');
    const { readings, seqs } = await admitMessages(ing, 30);
    await ing.delivered(30_000);
    expect(await countReadings(ing.influx)).toBe(readings);
    expect(await deadLetters()).toEqual([]);
    expect(ing.health().influx.consecutiveFailures).toBe(0);
    expect(ing.health().spool).toMatchObject({ backlogPoints: 0, appendedPoints: readings });

    // The cursor sees each message's comment just before its readings, and counts readings only.
    expect(cursor.backlog().points).toBe(readings);
    const { text, lines } = await readAll(cursor, cursor.position + cursor.backlog().bytes);
    expect(lines).toBe(readings);
    const all = text.split('\n').filter(Boolean);
    const comments = all.filter((l) => l.startsWith('#'));
    expect(comments.sort()).toEqual([...seqs].sort());
    for (let i = 0; i < all.length; i++) {
      if (!all[i]!.startsWith('#')) continue;
      const [, station] = all[i]!.split(' ');
      expect(all[i + 1]).toContain(`station=${station},`);
    }
  });

  it('a refused line beside a comment is dead-lettered alone; the comment is neither stored nor dead-lettered', async () => {
    const ing = await start({ api: 'v1', url: inject('influxUrl'), db: testDatabase() }, true);
    const t = Date.now() - 30_000;
    const good = (i: number): string => `reading,parameter=COD,station=S-${i},status=00,zone=Z value=${i} ${t + i}`;
    const bad = `reading,parameter=COD,station=S-BAD,status=00,zone=Z value="oops" ${t + 100}`;
    await ing.appendLines([good(0), '#seq S-BAD 7', bad, good(1), '#seq S-2 8', good(2)]);
    await ing.delivered(30_000);
    expect((await storedReadings(ing.influx)).map((p) => p.value).sort()).toEqual([0, 1, 2]);
    expect(await deadLetters()).toEqual([expect.objectContaining({ kind: 'line', line: bad })]);
  });

  it('without recordSeq the spool holds no comment line', async () => {
    const ing = await start({ api: 'v1', url: inject('influxUrl'), db: testDatabase() }, false);
    const cursor = await ing.openCursor('upstream');
    const { readings } = await admitMessages(ing, 5);
    const { text, lines } = await readAll(cursor, cursor.position + cursor.backlog().bytes);
    expect(lines).toBe(readings);
    expect(text).not.toContain('#');
    await ing.delivered(30_000);
    expect(await countReadings(ing.influx)).toBe(readings);
  });

  it('deadLetter keeps another part’s refused message with its reasons; bad input is refused and stores nothing', async () => {
    const ing = await start({ api: 'v1', url: inject('influxUrl'), db: testDatabase() }, false);
    const payload = Buffer.from('{"id":"a1","kind":"raised"}');
    await ing.deadLetter({ topic: 'alerts/Z1/ST-001', payload, clientId: 'province-bn' }, [
      { path: 'kind', code: 'unknown_station', message: 'station ST-001 is not in the catalogue\nsecond line' },
    ]);
    await expect(ing.deadLetter({ topic: 'alerts/Z1/ST-001', payload }, [])).rejects.toMatchObject({ code: 'ERR_DEAD_LETTER_INPUT' });
    await ing.close();
    ingest = undefined;
    const letters = await deadLetters();
    expect(letters).toEqual([
      expect.objectContaining({
        kind: 'message',
        topic: 'alerts/Z1/ST-001',
        station: 'ST-001',
        clientId: 'province-bn',
        payload: payload.toString(),
        codes: ['unknown_station'],
      }),
    ]);
    expect(letters[0]!.errors[0]!.message).toBe('station ST-001 is not in the catalogue\nsecond line');
  });

  it('/api/v2/write to VictoriaMetrics accepts the comment lines too', async () => {
    vmDir = await mkdtemp(join(tmpdir(), 'quantrac-vm-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    vm = spawn(VICTORIA, [`-storageDataPath=${vmDir}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR'], { stdio: 'ignore' });
    await vi.waitFor(async () => expect((await fetch(`${url}/health`)).status).toBe(200), { timeout: 30_000, interval: 100 });
    const ing = await start({ api: 'v2', url, org: 'quantrac', bucket: 'readings', token: 'unused-by-victoria' }, true);
    const { readings } = await admitMessages(ing, 10);
    await ing.delivered(30_000);
    expect(await deadLetters()).toEqual([]);
    await vi.waitFor(
      async () => {
        await fetch(`${url}/internal/force_flush`);
        const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': '{__name__="reading_value"}' })}`);
        let n = 0;
        for (const line of (await res.text()).split('\n').filter(Boolean)) n += (JSON.parse(line) as { values: number[] }).values.length;
        expect(n).toBe(readings);
      },
      { timeout: 30_000, interval: 500 },
    );
  });
});
