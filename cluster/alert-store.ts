import type { Redis } from 'ioredis';
import { AlertSchema, SilenceSchema, type Alert, type Logger, type Silence } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import { shardOf } from './shard-hash.js';

/**
 * Writes a hash field (KEYS[2], ARGV[2]; ARGV[3] empty deletes it) only while the station's shard
 * lease (KEYS[1]) is this node's (ARGV[1]): a node that lost a shard cannot overwrite what its
 * new owner wrote since.
 */
const WRITE_IF_OWNER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[2], ARGV[2]) else redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) end
return 1`;

export interface AlertStore {
  loadOpen(stations?: readonly string[]): Promise<Alert[]>;
  saveAlert(alert: Alert): void;
  loadSilences(stations?: readonly string[]): Promise<Silence[]>;
  saveSilence(silence: Silence): void;
  writesDone(): Promise<void>;
}

/**
 * The open alerts (`<prefix>alerts:open`: alert id -> Alert JSON) and the maintenance windows
 * (`<prefix>alerts:silences`: id -> Silence JSON) of the cluster (docs/ARCHITECTURE.md, "Cluster
 * mode"), written by each station's owner on every change, read by a node that takes a shard over.
 */
export function createAlertStore(p: { redis: Redis; prefix: string; nodeId: string; clock: Clock; log: Logger }): AlertStore {
  const { redis, prefix, nodeId, log } = p;
  const openKey = `${prefix}alerts:open`;
  const silencesKey = `${prefix}alerts:silences`;
  const leaseKey = (station: string): string => `${prefix}lease:shard:${shardOf(station)}`;
  const writes = new Set<Promise<unknown>>();
  const write = (station: string, key: string, field: string, value: string): void => {
    const w = redis.eval(WRITE_IF_OWNER, 2, leaseKey(station), key, nodeId, field, value).then(
      (done) => {
        if (done !== 1) log.debug({ station, field }, 'alert change not written: the station moved to another node');
      },
      (err: Error) => log.warn({ err, station, field }, 'could not write an alert change to Redis'),
    );
    writes.add(w);
    void w.finally(() => writes.delete(w));
  };
  const parseAll = <T>(fields: Record<string, string>, parse: (v: unknown) => T | undefined): T[] => {
    const out: T[] = [];
    for (const text of Object.values(fields)) {
      try {
        const v = parse(JSON.parse(text));
        if (v !== undefined) out.push(v);
      } catch {
        log.warn({ text: text.slice(0, 200) }, 'unreadable entry in the cluster alert state');
      }
    }
    return out;
  };
  const of = (stations?: readonly string[]) => {
    const set = stations && new Set(stations);
    return (s: string): boolean => !set || set.has(s);
  };
  return {
    async loadOpen(stations) {
      const keep = of(stations);
      return parseAll(await redis.hgetall(openKey), (v) => AlertSchema.parse(v)).filter((a) => keep(a.station));
    },
    saveAlert: (a) => write(a.station, openKey, a.id, a.state === 'resolved' ? '' : JSON.stringify(a)),
    async loadSilences(stations) {
      const keep = of(stations);
      const now = p.clock.now();
      const all = parseAll(await redis.hgetall(silencesKey), (v) => SilenceSchema.parse(v));
      const ended = all.filter((s) => s.until <= now).map((s) => s.id);
      if (ended.length > 0) await redis.hdel(silencesKey, ...ended);
      return all.filter((s) => s.until > now && keep(s.station));
    },
    saveSilence: (s) => write(s.station, silencesKey, s.id, JSON.stringify(s)),
    async writesDone() {
      while (writes.size > 0) await Promise.allSettled([...writes]);
    },
  };
}
