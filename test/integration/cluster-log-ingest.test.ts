import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createLogger, loadCatalogue, readingsTopic, type Catalogue, type ClusterSettings, type Reading } from '../../core/index.js';
import { createReplicatedLog, type ReplicatedLog } from '../../cluster/index.js';
import { createInfluxClient, createIngest, listDeadLetters, type DeadLetter, type Ingest } from '../../ingest/index.js';
import { countReadings } from '../helpers/influx-query.js';
import { startRedis, type RedisServer } from '../helpers/redis-harness.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));
const log = createLogger({ level: 'silent' });

/** One node: ingest with the replicated log in place of the spool, fed readings$ by the fan-out. */
async function startNode(nodeId: string, redisUrl: string, catalogue: Catalogue, db: string, dataDir: string) {
  const settings: ClusterSettings = {
    redis: { url: redisUrl },
    nodeId,
    waitReplicas: 1,
    waitTimeoutMs: 1000,
    leaseMs: 2000,
    keyPrefix: 'ki:',
  };
  const replicated: ReplicatedLog = createReplicatedLog({
    settings,
    log,
    unitOf: (s, p) => catalogue.stationParameter(s, p)?.unit,
    backlogAlertMs: 60_000,
  });
  const influx = createInfluxClient({ api: 'v1', url: inject('influxUrl'), db });
  const ingest: Ingest = await createIngest({
    catalogue,
    influx,
    log,
    window: { maxAgeMs: 30 * 86_400_000, maxAheadMs: 300_000 },
    dataDir: join(dataDir, nodeId),
    durableLog: replicated.writer,
    readingsFrom: replicated.readings$,
    storageFrom: replicated.storage$,
  });
  replicated.startDelivery(ingest.storeLines!);
  await replicated.started;
  return { ingest, replicated, influx };
}

describe('ingest in cluster mode: admit through the replicated log', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let catalogue: Catalogue;
  let dataDir: string;
  let nodes: Array<Awaited<ReturnType<typeof startNode>>> = [];

  beforeAll(async () => {
    catalogue = await loadCatalogue(SEED);
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-cluster-ingest-'));
    primary = await startRedis({ config: { 'min-replicas-to-write': '1' } });
    replica = await startRedis({ replicaOf: { port: primary.port } });
    const db = `cluster_ingest_${Date.now()}`;
    await createInfluxClient({ api: 'v1', url: inject('influxUrl'), db }).ensureDatabase();
    nodes = [
      await startNode('node-1', primary.url, catalogue, db, dataDir),
      await startNode('node-2', primary.url, catalogue, db, dataDir),
    ];
    await vi.waitFor(() => expect(nodes[0]!.ingest.health()).toMatchObject({ status: 'ok', log: { writable: true, replicas: 1 } }), {
      timeout: 15_000,
      interval: 100,
    });
  });
  afterAll(async () => {
    for (const n of nodes) {
      await n.replicated.close();
      await n.ingest.close();
    }
    await replica?.stop();
    await primary?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('messages admitted on either node: every node sees each reading once, InfluxDB stores each once', async () => {
    const seen: Reading[][] = nodes.map(() => []);
    nodes.forEach((n, k) => n.ingest.readings$.subscribe((r) => seen[k]!.push(r)));
    const stations = catalogue.stations.slice(0, 4);
    const t0 = Date.now() - 60_000;
    let expected = 0;
    await Promise.all(
      stations.flatMap((s, si) =>
        Array.from({ length: 10 }, async (_, i) => {
          const readings = s.parameters.map((p, pi) => ({ parameter: p.parameter, value: i + pi / 10, unit: p.unit }));
          expected += readings.length;
          const res = await nodes[(si + i) % 2]!.ingest.admit({
            topic: readingsTopic(s.id),
            payload: Buffer.from(JSON.stringify({ station: s.id, ts: t0 + i * 1000, seq: i, readings })),
          });
          expect(res).toEqual({ accepted: readings.length, rejected: 0 });
        }),
      ),
    );
    for (const s of seen) await vi.waitFor(() => expect(s.length).toBe(expected), { timeout: 10_000, interval: 50 });
    const key = (r: Reading): string => `${r.station}|${r.parameter}|${r.ts}|${r.value}|${r.unit}|${r.zone}`;
    expect(new Set(seen[0]!.map(key)).size).toBe(expected);
    expect(seen[1]!.map(key).sort()).toEqual(seen[0]!.map(key).sort());
    expect(seen[0]![0]!.unit).not.toBe('');
    await nodes[1]!.ingest.delivered(20_000);
    expect(await countReadings(nodes[0]!.influx)).toBe(expected);
  });

  it('a line InfluxDB refuses is isolated and dead-lettered on the node that delivered it; the rest is stored', async () => {
    const ts = Date.now() - 30_000;
    const good = `reading,parameter=SO2,station=ST-GOOD,status=00,zone=Z value=1.5 ${ts}\n`;
    const bad = `reading,parameter=SO2,station=ST-BAD,status=00,zone=Z value=oops ${ts}\n`;
    await nodes[0]!.replicated.writer.append(good + bad + good.replace('1.5', '2.5').replace(`${ts}`, `${ts + 1}`), 2);
    await vi.waitFor(async () => expect(await countReadings(nodes[0]!.influx, `WHERE "station" = 'ST-GOOD'`)).toBe(2), {
      timeout: 20_000,
      interval: 200,
    });
    await vi.waitFor(
      async () => {
        const letters: DeadLetter[] = [];
        for (const id of ['node-1', 'node-2'])
          for await (const d of listDeadLetters({ dir: join(dataDir, id, 'deadletters') })) letters.push(d);
        expect(letters).toMatchObject([{ kind: 'line', station: 'ST-BAD', codes: ['influx_rejected'], line: bad.trimEnd() }]);
      },
      { timeout: 10_000, interval: 200 },
    );
  });

  it('with the replica gone, admit is refused (no PUBACK) and /healthz says failing', async () => {
    await replica.kill();
    const s = catalogue.stations[0]!;
    const p = s.parameters[0]!;
    const admitted = nodes[0]!.ingest.admit({
      topic: readingsTopic(s.id),
      payload: Buffer.from(
        JSON.stringify({ station: s.id, ts: Date.now() - 1000, readings: [{ parameter: p.parameter, value: 1, unit: p.unit }] }),
      ),
    });
    await expect(admitted).rejects.toMatchObject({ code: 'ERR_NOT_REPLICATED', retryable: true });
    await vi.waitFor(() => expect(nodes[0]!.ingest.health()).toMatchObject({ status: 'failing', log: { writable: false } }), {
      timeout: 10_000,
      interval: 100,
    });
  });
});
