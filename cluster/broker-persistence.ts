import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../core/index.js';

/**
 * The connection aedes-persistence-redis works on, made here rather than by it (its `conn`
 * option), so a refused write cannot end the process. Some of its commands are fired and never
 * awaited (asyncPersistence.js: putWill's and delWill's `lrem`, the will list's clean-up): when
 * Redis refuses them (`NOREPLICAS` from a promoted replica with none of its own, or a primary cut
 * off, docs/CLUSTER.md "Durability"), their rejection was unhandled and Node exited, taking every
 * centre down in the middle of a Redis failover. Every command's promise here gets a handler
 * that ignores it; callers that await a command still get its error. A dropped `lrem` failing
 * leaves a stale key in the will list, which the library removes when it finds no will under it.
 */
export function createPersistenceConnection(options: RedisOptions, log: Logger): Redis {
  // The ioredis aedes-persistence-redis itself resolves (it may bundle a version of its own).
  const require = createRequire(import.meta.url);
  const own = createRequire(require.resolve('aedes-persistence-redis'))('ioredis') as { Redis: new (o: RedisOptions) => Redis };
  const db = new own.Redis(options);
  db.on('error', (err: Error) => log.warn({ err }, 'cluster: broker store connection to Redis failed; retrying'));
  return new Proxy(db, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) result.catch(() => undefined);
        return result;
      };
    },
  });
}

/** The part of aedes-persistence-redis' store this file changes. */
export interface WillStore {
  delWill(client: { id: string; brokerId?: string }, cb?: (err: Error | null) => void): Promise<unknown> | void;
}

/**
 * Aedes deletes a client's stored will at every CONNECT with `delWill(client).finally(...)`
 * (lib/handlers/connect.js, storeWill): the promise `.finally` returns rejects when the delete
 * does, and nobody handles it, so one write Redis refused during a failover ended the process.
 * Aedes means to go on either way, so a failed delete is logged and resolves as "no will"; the
 * periodic will sweep, whose failure Aedes reported as 'error', logs it here instead (it may then
 * publish that will again at its next sweep: a will is best effort).
 */
export function settleWillDeletes<T extends WillStore>(store: T, log: Logger): T {
  const del = store.delWill.bind(store);
  store.delWill = (client, cb) => {
    if (cb) return del(client, cb);
    return (del(client) as Promise<unknown>).catch((err: Error) => {
      log.warn({ err, clientId: client.id }, 'cluster: deleting a stored will failed; going on');
      return undefined;
    });
  };
  return store;
}
