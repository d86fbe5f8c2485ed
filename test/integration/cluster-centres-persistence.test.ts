import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/index.js';
import { createPersistenceConnection, settleWillDeletes } from '../../cluster/broker-persistence.js';
import { startRedis, type RedisServer } from '../helpers/redis-harness.js';

// Found by the cluster acceptance test (cluster-centres.test.ts): during a Redis failover every
// centre exited on an unhandled `NOREPLICAS` rejection of a command aedes-persistence-redis fires
// without awaiting (delWill's `lrem`). Here a primary with `min-replicas-to-write 1` and no replica
// refuses every write, as a just-promoted replica does (docs/CLUSTER.md, "Durability").
const aedesPersistenceRedis = createRequire(import.meta.url)('aedes-persistence-redis') as (o: object) => {
  delWill(client: { id: string; brokerId?: string }): Promise<unknown>;
};

describe("the broker store's connection (cluster/broker-persistence.ts)", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ config: { 'min-replicas-to-write': '1' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("a stored will's delete that Redis refuses resolves as no will, so Aedes' CONNECT (`delWill(client).finally(...)`) leaves nothing unhandled", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const log = createLogger({ level: 'silent' });
    const conn = createPersistenceConnection({ port: server.port, host: '127.0.0.1', keyPrefix: 'qt:' }, log);
    const persistence = settleWillDeletes(aedesPersistenceRedis({ conn, maxSessionDelivery: 10 }), log);
    try {
      // As lib/handlers/connect.js storeWill does it.
      const connected = new Promise<void>((resolve) => void (persistence.delWill({ id: 'gw-2:gw' }) as Promise<unknown>).finally(resolve));
      await connected;
      expect(await persistence.delWill({ id: 'gw-2:gw', brokerId: 'node-a' })).toBeUndefined();
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      conn.disconnect();
    }
  });

  it('a write Redis refuses fails the awaited command, and the fired-and-forgotten ones do not end the process', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const conn = createPersistenceConnection({ port: server.port, host: '127.0.0.1', keyPrefix: 'qt:' }, createLogger({ level: 'silent' }));
    const persistence = aedesPersistenceRedis({ conn, maxSessionDelivery: 10 });
    try {
      // delWill: `lrem` fired and dropped, then `getBuffer`, then an awaited `del`, both writes refused.
      await expect(persistence.delWill({ id: 'gw-1:gw', brokerId: 'node-a' })).rejects.toThrow(/NOREPLICAS/);
      expect(await conn.ping()).toBe('PONG'); // replies come in order: the dropped one has settled
      await new Promise((r) => setImmediate(r)); // Node reports unhandled rejections after the microtasks
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      conn.disconnect(); // the store never had a broker set up, so its destroy() has nothing to unsubscribe
    }
  });
});
