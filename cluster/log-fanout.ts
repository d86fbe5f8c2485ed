import { Subject, type Observable } from 'rxjs';
import type { ClusterSettings, Logger, Reading } from '../core/index.js';
import { systemScheduler, type SchedulerLike } from '../platform/index.js';
import { decodeReadings, type UnitOf } from './log-decode.js';
import { entryTime, runLoop, streamEntries } from './log-entries.js';
import { logKey, noLogMetrics, type LogMetrics } from './log-metrics.js';
import type { Redis } from './redis-connection.js';

export interface FanoutReaderOptions {
  /** A blocking connection of its own (createRedisConnection with `blocking`); close() disconnects it. */
  redis: Redis;
  settings: Pick<ClusterSettings, 'keyPrefix'>;
  /** The unit of a station's parameter, from the catalogue. */
  unitOf: UnitOf;
  log: Logger;
  metrics?: LogMetrics;
  scheduler?: SchedulerLike;
  /** Entries per read (default 256) and how long a read blocks, ms (default 1000). */
  count?: number;
  blockMs?: number;
}

export interface FanoutReader {
  /** Every reading appended to the log by any node from the reader's start on; ingest's readings$ in cluster mode. */
  readonly readings$: Observable<Reading>;
  /** Resolves once the reader knows where the log ends (its start position), for tests and start-up order. */
  readonly started: Promise<void>;
  close(): Promise<void>;
}

/**
 * The fan-out reader (docs/ARCHITECTURE.md, "Cluster mode", "Fan-out for live views and
 * rules"): plain XREAD over `qt:log` (no group: every node reads everything), from the end of
 * the log at start, so a dashboard on any node sees every station and the alert rules the
 * readings of the stations they own. A reading's `receivedAt` is the entry's time (when Redis
 * took it). The position is the last id read, never `$` again: `$` on each read would miss
 * what was added between two reads. What a subscriber throws is logged, never ends the reader.
 */
export function createFanoutReader(options: FanoutReaderOptions): FanoutReader {
  const { redis, log, unitOf } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const metrics = options.metrics ?? noLogMetrics;
  const key = logKey(options.settings.keyPrefix);
  const count = options.count ?? 256;
  const blockMs = options.blockMs ?? 1000;
  const readings$ = new Subject<Reading>();
  const abort = new AbortController();
  let position: string | undefined;
  let stopped = false;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let subscriberFaults = 0;
  let emitted = 0;
  const emit = (r: Reading): void => {
    emitted++;
    try {
      readings$.next(r);
    } catch (err) {
      if (subscriberFaults++ % 10_000 === 0) log.error({ err, faults: subscriberFaults }, 'a live reading subscriber failed');
    }
  };

  const step = async (): Promise<void> => {
    if (position === undefined) {
      const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, unknown]>;
      position = last[0]?.[0] ?? '0-0';
      markStarted();
      return;
    }
    const entries = streamEntries(await redis.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, position));
    emitted = 0;
    let skipped = 0;
    for (const e of entries) {
      position = e.id;
      if (e.lp !== undefined) skipped += decodeReadings(e.lp, entryTime(e.id), unitOf, emit);
    }
    if (entries.length > 0) metrics.fanout(emitted, skipped);
  };
  const onError = (err: unknown, failures: number): void => {
    if (failures <= 3 || failures % 50 === 0) log.warn({ err: (err as Error).message, failures }, 'log fan-out read failed; retrying');
  };
  const running = runLoop(step, () => stopped, onError, scheduler, abort.signal);

  return {
    readings$: readings$.asObservable(),
    started,
    async close() {
      stopped = true;
      abort.abort();
      redis.disconnect();
      await running;
      readings$.complete();
    },
  };
}
