import { BehaviorSubject, type Observable } from 'rxjs';
import type { StorageCondition } from '../core/index.js';
import { everyUnref, systemScheduler, type SchedulerLike } from '../platform/index.js';
import { entryTime, parseEntries } from './log-entries.js';
import { groupPosition } from './log-trimmer.js';
import type { Redis } from './redis-connection.js';

export interface LogBacklogOptions {
  redis: Redis;
  key: string;
  /** The backlog is raised when the oldest entry not yet delivered is older than this, ms (INGEST_BACKLOG_ALERT_S). */
  backlogAlertMs: number;
  scheduler?: SchedulerLike;
  /** How often to look, ms (default 1000). */
  everyMs?: number;
}

export interface LogBacklog {
  /** The storage condition of cluster mode (ingest's `storageFrom`): `backlog` while delivery to InfluxDB lags. */
  readonly storage$: Observable<StorageCondition>;
  /** Age of the oldest entry the group has not delivered, ms (undefined: none). */
  oldestAgeMs(): Promise<number | undefined>;
  close(): void;
}

const LAGGING = ['influxdb'];

/**
 * The storage condition in cluster mode (docs/ARCHITECTURE.md, "Cluster mode"; the spool's is
 * ingest/storage-condition.ts): the log has no disk budget of this node's, so there is no
 * backpressure; `backlog` is raised, naming `influxdb`, while the oldest entry group `influx`
 * has not delivered (pending, or not yet read) is older than INGEST_BACKLOG_ALERT_S. Every node
 * sees the same group, so each raises the same condition. A failed look keeps the last one.
 */
export function createLogBacklog(options: LogBacklogOptions): LogBacklog {
  const { redis, key, backlogAlertMs } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const state$ = new BehaviorSubject<StorageCondition>({ backlog: false, spoolBytes: 0, budgetBytes: 0, backpressure: 'none' });

  const oldestAgeMs = async (): Promise<number | undefined> => {
    const { lastDelivered, oldestPending } = await groupPosition(redis, key);
    // A pending entry was read, so it is older than any not yet read; with none, the first after the last read.
    const oldest =
      oldestPending ??
      parseEntries(await redis.xrange(key, lastDelivered === undefined ? '-' : `(${lastDelivered}`, '+', 'COUNT', 1))[0]?.id;
    return oldest === undefined ? undefined : Math.max(0, scheduler.now() - entryTime(oldest));
  };
  const look = async (): Promise<void> => {
    const age = await oldestAgeMs();
    const backlog = age !== undefined && age > backlogAlertMs;
    const prev = state$.value;
    if (backlog === prev.backlog) return;
    state$.next(
      backlog
        ? { backlog: true, spoolBytes: 0, budgetBytes: 0, backpressure: 'none', since: scheduler.now(), lagging: LAGGING }
        : { backlog: false, spoolBytes: 0, budgetBytes: 0, backpressure: 'none' },
    );
  };
  const tick = everyUnref(scheduler, () => void look().catch(() => undefined), options.everyMs ?? 1000);
  return {
    storage$: state$.asObservable(),
    oldestAgeMs,
    close() {
      tick.unsubscribe();
      state$.complete();
    },
  };
}
