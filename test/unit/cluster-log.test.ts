import { describe, expect, it } from 'vitest';
import { createLogger, freePort, QuantracError, type ClusterSettings, type Reading } from '../../core/index.js';
import { createLogWriter, createRedisConnection, decodeReadings, redisConnectionOptions, type Redis } from '../../cluster/index.js';
import { compareIds } from '../../cluster/log-trimmer.js';
import { parseEntries, streamEntries } from '../../cluster/log-entries.js';
import { encodeReading } from '../../ingest/index.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const log = createLogger({ level: 'silent' });
const settings = { nodeId: 'n1', waitReplicas: 1, waitTimeoutMs: 100, keyPrefix: 'qt:' };

/** A fake connection: records each pipeline, answers WAIT with `replicas`, and holds exec until released. */
function fakeRedis(replicas: () => number) {
  const pipelines: Array<Array<[string, ...unknown[]]>> = [];
  const releases: Array<() => void> = [];
  const redis = {
    status: 'ready',
    role: async () => ['master', 0, Array.from({ length: replicas() }, () => ['127.0.0.1', '1', '0'])],
    pipeline() {
      const cmds: Array<[string, ...unknown[]]> = [];
      const p = {
        xadd: (...a: unknown[]) => (cmds.push(['xadd', ...a]), p),
        wait: (...a: unknown[]) => (cmds.push(['wait', ...a]), p),
        exec: () =>
          new Promise((resolve) => {
            pipelines.push(cmds);
            releases.push(() => resolve(cmds.map((c) => [null, c[0] === 'wait' ? replicas() : '1-0'])));
          }),
      };
      return p;
    },
  };
  return { redis: redis as unknown as Redis, pipelines, release: () => releases.shift()?.() };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('the log writer', () => {
  it('group commit: one turn is one pipeline; what arrives while it is in flight goes in the next one', async () => {
    const vt = createVirtualTime();
    const f = fakeRedis(() => 1);
    const w = createLogWriter({ redis: f.redis, settings, log, scheduler: vt.scheduler });
    const done: string[] = [];
    const a = w.append('a 1\n', 1).then(() => done.push('a'));
    const b = w.append('b 1\n', 1).then(() => done.push('b'));
    await turn();
    expect(f.pipelines).toHaveLength(1);
    expect(f.pipelines[0]).toEqual([
      ['xadd', 'qt:log', '*', 'n', 'n1', 'lp', 'a 1\nb 1\n', 'c', '2'],
      ['wait', 1, 100],
    ]);
    const c = w.append('c 1\n', 1).then(() => done.push('c'));
    const d = w.append('d 1\n', 1).then(() => done.push('d'));
    await turn();
    expect(f.pipelines).toHaveLength(1); // held until the first answers
    expect(done).toEqual([]);
    f.release();
    await Promise.all([a, b]);
    await turn();
    expect(f.pipelines).toHaveLength(2);
    expect(f.pipelines[1]![0]).toEqual(['xadd', 'qt:log', '*', 'n', 'n1', 'lp', 'c 1\nd 1\n', 'c', '2']);
    f.release();
    await Promise.all([c, d]);
    expect(done).toEqual(['a', 'b', 'c', 'd']);
    await w.close();
  });

  it('fewer replicas than REDIS_WAIT_REPLICAS: every append of the batch is refused, retryable, and health says so', async () => {
    const vt = createVirtualTime();
    let replicas = 0;
    const f = fakeRedis(() => replicas);
    const w = createLogWriter({ redis: f.redis, settings, log, scheduler: vt.scheduler });
    const results = [w.append('a 1\n', 1), w.append('b 1\n', 1)].map((p) =>
      p.then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    await turn();
    f.release();
    for (const r of await Promise.all(results)) {
      expect(r).toBeInstanceOf(QuantracError);
      expect(r).toMatchObject({ code: 'ERR_NOT_REPLICATED', retryable: true });
    }
    expect(w.health()).toMatchObject({ writable: false, replicas: 0, waitReplicas: 1 });
    replicas = 1;
    vt.advanceBy(2000);
    await turn();
    expect(w.health()).toEqual({ writable: true, reasons: [], replicas: 1, waitReplicas: 1 });
    await w.close();
    await expect(w.append('x\n', 1)).rejects.toMatchObject({ code: 'ERR_LOG_CLOSED', retryable: true });
  });

  it('a large group commit is several entries in one pipeline, a message never split', async () => {
    const f = fakeRedis(() => 1);
    const w = createLogWriter({ redis: f.redis, settings, log, scheduler: createVirtualTime().scheduler, maxEntryBytes: 50 });
    const line = (s: string): string => `reading,parameter=P,station=${s} value=1 1\n`;
    const all = Promise.all([w.append(line('A'), 1), w.append(line('B'), 1), w.append('#seq X 1\n', 0)]);
    await turn();
    f.release();
    await all;
    const xadds = f.pipelines[0]!.filter((c) => c[0] === 'xadd');
    expect(xadds.map((c) => c[6])).toEqual([line('A'), line('B') + '#seq X 1\n']);
    expect(xadds.map((c) => c[8])).toEqual(['1', '1']);
    await w.close();
  });
});

describe('the fan-out decoder', () => {
  const unitOf = (_s: string, p: string): string | undefined => (p === 'O2' ? '%' : undefined);
  const r = (over: Partial<Reading>): Reading => ({
    station: 'ST-A',
    zone: 'Z1',
    parameter: 'O2',
    value: 20.5,
    unit: '%',
    status: '01',
    ts: 1_700_000_000_123,
    receivedAt: 42,
    ...over,
  });

  it('decodes reading lines (plain and escaped), passes over comments and alert events, counts what it cannot read', () => {
    const escaped = r({ station: 'ST-B', zone: 'Zone 1,x', parameter: 'P M=x', value: -3 });
    const lp = [
      '#seq ST-A 7',
      encodeReading(r({})),
      'alert_event,station=ST-A,type=opened alert="{}" 1',
      encodeReading(escaped),
      'reading,parameter=O2,station=ST-A,status=09,zone=Z1 value=1 5',
      'reading,parameter=O2 broken',
      '',
    ].join('\n');
    const out: Reading[] = [];
    expect(decodeReadings(lp, 42, unitOf, (x) => out.push(x))).toBe(2);
    expect(out).toEqual([r({}), { ...escaped, unit: '' }]);
  });
});

describe('stream replies and ids', () => {
  it('parses entries, trimmed ones without text, and orders ids numerically', () => {
    expect(streamEntries([['qt:log', [['1-0', ['n', 'a', 'lp', 'x\n', 'c', '3']]]]])).toEqual([
      { id: '1-0', node: 'a', lp: 'x\n', count: 3 },
    ]);
    expect(parseEntries([['2-1', null]])).toEqual([{ id: '2-1', count: 0 }]);
    expect(streamEntries(null)).toEqual([]);
    expect(compareIds('9-5', '10-0')).toBe(-1);
    expect(compareIds('10-2', '10-10')).toBe(-1);
    expect(compareIds('10-2', '10-2')).toBe(0);
  });
});

describe('the Redis connection', () => {
  const base: ClusterSettings = {
    redis: { url: 'redis://127.0.0.1:1' },
    nodeId: 'n1',
    waitReplicas: 1,
    waitTimeoutMs: 2000,
    leaseMs: 10_000,
    keyPrefix: 'qt:',
  };

  it('options: Sentinels with the password for both, bounded retries for commands, none for blocking readers', () => {
    const sentinel = { ...base, redis: { sentinels: [{ host: 'a', port: 26379 }], name: 'quantrac' }, password: 'pw' };
    expect(redisConnectionOptions(sentinel, 'log-writer')).toMatchObject({
      sentinels: [{ host: 'a', port: 26379 }],
      name: 'quantrac',
      password: 'pw',
      sentinelPassword: 'pw',
      connectionName: 'quantrac:n1:log-writer',
      maxRetriesPerRequest: 3,
      commandTimeout: 7000,
    });
    const blocking = redisConnectionOptions(base, 'log-fanout', true);
    expect(blocking.maxRetriesPerRequest).toBeNull();
    expect(blocking.commandTimeout).toBeUndefined();
    expect(blocking).not.toHaveProperty('sentinels');
  });

  it('with nothing listening, errors are logged, not thrown, and a command fails within a bounded time', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const spy = createLogger({ level: 'warn', destination: { write: (l: string) => void lines.push(l) } });
    const redis = createRedisConnection({ ...base, redis: { url: `redis://127.0.0.1:${port}` } }, 'test', { log: spy });
    const t0 = Date.now();
    await expect(redis.ping()).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(lines.join('')).toContain('Redis connection error');
    redis.disconnect();
  });
});
