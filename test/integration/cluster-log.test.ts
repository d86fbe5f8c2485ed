import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createLogger, QuantracError, type ClusterSettings, type Reading, type StorageCondition } from '../../core/index.js';
import {
  createFanoutReader,
  createLogBacklog,
  createGroupDelivery,
  createLogTrimmer,
  createLogWriter,
  createRedisConnection,
  logKey,
  type GroupDelivery,
  type LogWriter,
  type Redis,
} from '../../cluster/index.js';
import { createInfluxClient, encodeReading, type InfluxClient } from '../../ingest/index.js';
import { countReadings } from '../helpers/influx-query.js';
import { startRedis, type RedisServer } from '../helpers/redis-harness.js';

const log = createLogger({ level: 'silent' });
const unitOf = (_s: string, p: string): string => (p === 'O2' ? '%' : 'mg/Nm3');

function reading(station: string, i: number, base: number): Reading {
  return {
    station,
    zone: 'Z-1',
    parameter: i % 2 === 0 ? 'SO2' : 'O2',
    value: i + 0.5,
    unit: '',
    status: '00',
    ts: base + i,
    receivedAt: 0,
  };
}

/** One message's text as ingest's admit path encodes it. */
const message = (station: string, from: number, n: number, base: number): string =>
  `${Array.from({ length: n }, (_, k) => encodeReading(reading(station, from + k, base))).join('\n')}\n`;

describe('the replicated log on a real Redis primary and replica', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let settings: ClusterSettings;
  const connections: Redis[] = [];
  const connect = (role: string, blocking = false): Redis => {
    const r = createRedisConnection(settings, role, { log, blocking });
    connections.push(r);
    return r;
  };
  let writer: LogWriter;
  let influx: InfluxClient;
  let admin: Redis;

  beforeAll(async () => {
    primary = await startRedis({ config: { 'min-replicas-to-write': '1' } });
    replica = await startRedis({ replicaOf: { port: primary.port } });
    settings = {
      redis: { url: primary.url },
      nodeId: 'node-a',
      waitReplicas: 1,
      waitTimeoutMs: 1000,
      leaseMs: 1000,
      keyPrefix: `t${Date.now() % 100000}:`,
    };
    admin = connect('admin');
    await vi.waitFor(
      async () => {
        const role = (await admin.role()) as unknown[];
        expect((role[2] as unknown[]).length).toBe(1);
      },
      { timeout: 15_000, interval: 100 },
    );
    writer = createLogWriter({ redis: connect('log-writer'), settings, log });
    influx = createInfluxClient({ api: 'v1', url: inject('influxUrl'), db: `cluster_log_${Date.now()}` });
    await influx.ensureDatabase();
  });
  afterAll(async () => {
    await writer?.close();
    for (const c of connections) c.disconnect();
    await replica?.stop();
    await primary?.stop();
  });

  it('an append resolves only once the replica holds it, in one entry per group commit', async () => {
    const base = Date.now() - 60_000;
    const replicaConn = createRedisConnection({ ...settings, redis: { url: replica.url } }, 'replica-reader', { log });
    connections.push(replicaConn);
    const before = await replicaConn.xlen(logKey(settings.keyPrefix));
    await Promise.all([writer.append(message('ST-AAA', 0, 3, base), 3), writer.append(message('ST-BBB', 0, 2, base), 2)]);
    // WAIT said the replica holds it: it is there without waiting for anything more.
    expect(await replicaConn.xlen(logKey(settings.keyPrefix))).toBe(before + 1);
    const last = (await replicaConn.xrevrange(logKey(settings.keyPrefix), '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    expect(last[0]?.[1]).toEqual(['n', 'node-a', 'lp', message('ST-AAA', 0, 3, base) + message('ST-BBB', 0, 2, base), 'c', '5']);
    await vi.waitFor(() => expect(writer.health()).toMatchObject({ writable: true, replicas: 1 }), { timeout: 5000, interval: 100 });
  });

  it('fan-out readers on two nodes both see every reading appended after their start', async () => {
    const readers = [1, 2].map(() => createFanoutReader({ redis: connect('fanout', true), settings, unitOf, log, blockMs: 200 }));
    const seen: Reading[][] = [[], []];
    readers.forEach((r, k) => r.readings$.subscribe((x) => seen[k]!.push(x)));
    await Promise.all(readers.map((r) => r.started));
    const base = Date.now() - 30_000;
    for (let m = 0; m < 20; m++) await writer.append(message(m % 2 ? 'ST-AAA' : 'ST-BBB', m * 5, 5, base), 5);
    await writer.append('alert_event,station=ST-AAA,type=opened alert="{}" 1\n', 0);
    for (const s of seen) await vi.waitFor(() => expect(s.length).toBe(100), { timeout: 10_000, interval: 50 });
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]![1]).toMatchObject({
      station: 'ST-BBB',
      zone: 'Z-1',
      parameter: 'O2',
      unit: '%',
      value: 1.5,
      status: '00',
      ts: base + 1,
    });
    expect(Math.abs(seen[0]![0]!.receivedAt - Date.now())).toBeLessThan(10_000);
    await Promise.all(readers.map((r) => r.close()));
  });

  it('two consumers deliver every entry once; a consumer killed mid-batch has its entries taken over', async () => {
    const key = logKey(settings.keyPrefix);
    const base = Date.now() - 20_000;
    const delivered = new Map<string, number>();
    const store =
      (name: string) =>
      async (buf: Buffer): Promise<void> => {
        await influx.write(buf);
        for (const line of buf.toString().split('\n')) if (line.includes('ST-CCC')) delivered.set(line, (delivered.get(line) ?? 0) + 1);
        void name;
      };
    // Node C takes one batch and dies holding it: its store never ends, its connection is cut.
    let cGot!: () => void;
    const cHasBatch = new Promise<void>((r) => (cGot = r));
    const cRedis = connect('delivery-c', true);
    const c = createGroupDelivery({
      redis: cRedis,
      settings: { ...settings, nodeId: 'node-c' },
      store: () => {
        cGot();
        return new Promise<void>(() => undefined);
      },
      log,
      count: 5,
      blockMs: 200,
      drainMs: 100,
    });
    for (let m = 0; m < 10; m++) await writer.append(message('ST-CCC', m * 4, 4, base), 4);
    await cHasBatch;
    cRedis.disconnect();
    const pendingOnC = (await admin.xpending(key, 'influx', '-', '+', 100, 'node-c')) as unknown[];
    expect(pendingOnC.length).toBeGreaterThan(0);
    // The storage condition sees the entries held by the dead node, and clears once they are delivered.
    const backlog = createLogBacklog({ redis: admin, key, backlogAlertMs: 300, everyMs: 100 });
    const conditions: StorageCondition[] = [];
    backlog.storage$.subscribe((c) => conditions.push(c));
    await vi.waitFor(() => expect(conditions.at(-1)).toMatchObject({ backlog: true, lagging: ['influxdb'] }), {
      timeout: 5000,
      interval: 50,
    });

    const consumers: GroupDelivery[] = ['node-a', 'node-b'].map((nodeId) =>
      createGroupDelivery({
        redis: connect(`delivery-${nodeId}`, true),
        settings: { ...settings, nodeId },
        store: store(nodeId),
        log,
        count: 3,
        blockMs: 200,
      }),
    );
    for (let m = 10; m < 40; m++) await writer.append(message('ST-CCC', m * 4, 4, base), 4);
    await vi.waitFor(() => expect(delivered.size).toBe(160), { timeout: 20_000, interval: 100 });
    await vi.waitFor(async () => expect(((await admin.xpending(key, 'influx')) as unknown[])[0]).toBe(0), {
      timeout: 10_000,
      interval: 100,
    });
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    expect(await countReadings(influx, `WHERE "station" = 'ST-CCC'`)).toBe(160);
    await vi.waitFor(() => expect(conditions.at(-1)).toMatchObject({ backlog: false }), { timeout: 5000, interval: 50 });
    backlog.close();

    // Everything delivered: the trimmer removes what nobody needs (no retention slack here).
    const trimmer = createLogTrimmer({ redis: admin, settings, log, retainMs: 0, everyMs: 60_000 });
    expect(await trimmer.trim()).toBeGreaterThan(0);
    expect(await admin.xlen(key)).toBeLessThanOrEqual(1);
    trimmer.close();
    await Promise.all([...consumers.map((d) => d.close()), c.close()]);
  });

  it('with the replica gone, an append is refused (retryable), never acknowledged', async () => {
    await replica.kill();
    const base = Date.now() - 10_000;
    const err = await writer.append(message('ST-DDD', 0, 2, base), 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(QuantracError);
    expect(err).toMatchObject({ code: 'ERR_NOT_REPLICATED', retryable: true });
    await vi.waitFor(() => expect(writer.health()).toMatchObject({ writable: false }), { timeout: 5000, interval: 100 });
  });
});
