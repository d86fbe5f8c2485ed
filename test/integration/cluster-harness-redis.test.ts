import { Redis } from 'ioredis';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../core/index.js';
import { roleOf, startRedisSet, type RedisSet } from '../helpers/cluster-harness.js';
import { ping } from '../helpers/redis-harness.js';

const run = promisify(execFile);

// The harness itself (docs/CLUSTER.md, "Failure cases"): Sentinel promotes the replica when the
// primary is lost, and `min-replicas-to-write 1` makes a lone primary refuse writes rather than
// take ones no replica holds.
describe('startRedisSet', () => {
  let set: RedisSet | undefined;
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await set?.stop();
    set = undefined;
  });

  it('promotes the replica when the primary is killed; the new primary refuses writes until a replica is back', async () => {
    set = await startRedisSet({ password: 's3cret' });
    expect(set.nodes).toHaveLength(2);
    expect(set.sentinels).toHaveLength(3);
    const [first, replica] = set.nodes as [(typeof set.nodes)[0], (typeof set.nodes)[0]];
    expect(await set.primaryPortBySentinel()).toBe(first.port);
    expect(await roleOf(replica.port, 's3cret')).toBe('slave');
    for (const n of set.nodes) {
      const c = new Redis(n.url, { lazyConnect: true });
      c.on('error', () => undefined); // this one's server is killed below
      clients.push(c);
      await c.connect();
      expect(await c.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
      expect(await c.config('GET', 'min-replicas-to-write')).toEqual(['min-replicas-to-write', '1']);
    }

    // Through Sentinel, as a centre connects (REDIS_SENTINELS): a write a replica holds.
    const viaSentinel = new Redis({
      sentinels: set.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: set.name,
      password: 's3cret',
      sentinelPassword: 's3cret',
    });
    viaSentinel.on('error', () => undefined);
    clients.push(viaSentinel);
    await viaSentinel.set('k', 'before');
    expect(await viaSentinel.wait(1, 2000)).toBe(1);

    const killed = await set.killPrimary();
    expect(killed).toBe(first);
    const promoted = await set.waitFailover();
    expect(promoted).toBe(replica);
    expect(await set.primaryPortBySentinel()).toBe(replica.port);

    // The acknowledged write survived the loss of the primary.
    const direct = new Redis(promoted.url, { lazyConnect: true });
    direct.on('error', () => undefined);
    clients.push(direct);
    await direct.connect();
    expect(await direct.get('k')).toBe('before');
    // Alone, the new primary refuses writes (NOREPLICAS): refused, never acknowledged and lost.
    await expect(direct.set('k', 'alone')).rejects.toThrow(/NOREPLICAS/);

    // The lost machine comes back: Sentinel makes it a replica, and writes are taken again.
    const back = await set.restart(killed);
    await vi.waitFor(async () => expect(await roleOf(back.port, 's3cret')).toBe('slave'), { timeout: 30_000, interval: 200 });
    await vi.waitFor(async () => expect(await direct.set('k', 'after')).toBe('OK'), { timeout: 30_000, interval: 200 });
    expect(await direct.wait(1, 2000)).toBe(1);
    // ioredis followed the failover.
    await vi.waitFor(async () => expect(await viaSentinel.get('k')).toBe('after'), { timeout: 30_000, interval: 200 });
  });

  it('a primary that hangs and comes back is demoted; what it took meanwhile no replica acknowledges (WAIT 0)', async () => {
    set = await startRedisSet();
    const [old, replica] = set.nodes as [(typeof set.nodes)[0], (typeof set.nodes)[0]];
    const stale = new Redis(old.url, { maxRetriesPerRequest: 1 });
    stale.on('error', () => undefined);
    clients.push(stale);
    await stale.set('k', 'before');
    expect(await stale.wait(1, 2000)).toBe(1);

    set.freeze(old);
    try {
      expect(await set.waitFailover()).toBe(replica);
    } finally {
      set.thaw(old);
    }
    // Until Sentinel demotes it, the old primary may still take a write (its replica's last ack is
    // within min-replicas-max-lag); WAIT is what tells the centre no replica holds it.
    const late = await stale.set('k', 'split').then(
      async () => stale.wait(1, 500),
      () => 0,
    );
    expect(late).toBe(0);
    await vi.waitFor(async () => expect(await roleOf(old.port)).toBe('slave'), { timeout: 30_000, interval: 200 });
    const promoted = new Redis(replica.url);
    promoted.on('error', () => undefined);
    clients.push(promoted);
    expect(await promoted.get('k')).toBe('before');
  });

  it('never uses the default ports, and stop() ends every process', async () => {
    set = await startRedisSet({ replicas: 2, minReplicasToWrite: 1 });
    const ports = [...set.nodes, ...set.sentinels].map((s) => s.port);
    expect(ports).not.toContain(6379);
    expect(ports).not.toContain(26379);
    expect(set.env.REDIS_SENTINELS).toBe(set.sentinels.map((s) => `127.0.0.1:${s.port}`).join(','));
    const processes = [...set.nodes, ...set.sentinels].map((s) => s.process);
    await set.stop();
    set = undefined;
    for (const p of processes) expect(p.exitCode !== null || p.signalCode !== null).toBe(true);
    for (const port of ports) expect(await ping(port)).toBe(false);
  });
});

// The examples in ops/redis/ parse: each starts with its addresses and paths overridden for loopback.
describe('ops/redis examples', () => {
  it.each(['primary.conf', 'replica.conf'])('redis-server accepts %s', async (name) => {
    const dir = await mkdtemp(join(tmpdir(), 'quantrac-ops-redis-'));
    const port = await freePort();
    const child = execFile('redis-server', [
      join('ops/redis', name),
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--replicaof',
      'no',
      'one',
    ]);
    try {
      await vi.waitFor(async () => expect(await ping(port)).toBe(true), { timeout: 15_000, interval: 100 });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('redis-sentinel accepts sentinel.conf', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quantrac-ops-sentinel-'));
    const port = await freePort();
    const file = join(dir, 'sentinel.conf');
    await copyFile('ops/redis/sentinel.conf', file);
    const child = execFile('redis-sentinel', [file, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir]);
    try {
      await vi.waitFor(async () => expect(await ping(port)).toBe(true), { timeout: 15_000, interval: 100 });
      const { stdout } = await run('redis-cli', ['-p', String(port), '--no-auth-warning', '-a', 'change-me', 'SENTINEL', 'masters']);
      expect(stdout).toContain('quantrac');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
