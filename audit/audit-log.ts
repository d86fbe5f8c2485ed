import { chmod, mkdir } from 'node:fs/promises';
import type { Registry } from 'prom-client';
import type { AuditEntry, AuditLog, Logger } from '../core/index.js';
import { everyUnref, systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { pruneAuditFiles } from './audit-files.js';
import { auditLine, toRecord } from './audit-line.js';
import { registerAuditMetrics } from './audit-metrics.js';
import { queryAuditDir, type AuditFilter, type AuditQueryResult } from './audit-query.js';
import { AuditWriter } from './audit-writer.js';

export interface AuditLogOptions {
  /** DATA_DIR/audit: created with mode 0700. */
  dir: string;
  /** Files whose entries are all older than this many days are removed (AUDIT_RETENTION_DAYS). */
  retentionDays: number;
  /** Entry times; defaults to the scheduler's clock. */
  clock?: Clock;
  /** Retry waits and the daily retention sweep (virtual time in tests). */
  scheduler?: SchedulerLike;
  log: Logger;
  /** The centre's metrics registry; the `quantrac` command passes none. */
  registry?: Registry;
  /** Entries held in memory while writes fail (default 10,000). */
  maxQueued?: number;
  /** The same bound in characters of queued lines (default 8 Mi). */
  maxQueuedChars?: number;
  /** false: no sweep at start nor daily (a one-shot command leaves retention to the centre). */
  retention?: boolean;
}

/** The audit log's handle: record (core/ports.ts AuditLog), read, and close. */
export interface AuditLogHandle extends AuditLog {
  query(filter: AuditFilter): Promise<AuditQueryResult>;
  /** Resolves when every entry recorded so far is on disk (or its write is still failing: then it waits). */
  flush(): Promise<void>;
  /** Entries recorded and not yet on disk (after close: those lost). */
  readonly queued: number;
  /** Removes files past retention now; returns their paths. */
  sweep(): Promise<string[]>;
  /** Writes what is queued and closes; later records are dropped. */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/**
 * The append-only audit log (docs/SECURITY.md, "Audit log"): JSON lines in
 * `<dir>/audit-YYYY-MM-DD.jsonl` (the entry's UTC day), mode 0600. `record()` never throws and
 * never waits for the disk; entries are written in order, in fdatasync'd batches. Retention by
 * age runs at start and once a day.
 */
export async function createAuditLog(options: AuditLogOptions): Promise<AuditLogHandle> {
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const { dir, log } = options;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Entries name users and addresses (docs/SECURITY.md): only the centre's own user reads them.
  await chmod(dir, 0o700).catch((err: Error) => log.warn({ err, dir }, 'could not make the audit directory private (0700)'));
  const w = new AuditWriter({
    dir,
    log,
    clock,
    scheduler,
    maxQueued: options.maxQueued,
    maxQueuedChars: options.maxQueuedChars,
    onCount: (kind, n) => metrics.count(kind, n),
  });
  const metrics = registerAuditMetrics(options.registry, () => w.queued);

  const sweep = async (): Promise<string[]> => {
    try {
      const removed = await pruneAuditFiles(dir, options.retentionDays, clock.now());
      if (removed.length > 0)
        log.info({ files: removed.length, retentionDays: options.retentionDays }, 'audit files past retention removed');
      return removed;
    } catch (err) {
      log.warn({ err }, 'audit retention sweep failed; tried again in a day');
      return [];
    }
  };
  const retention = options.retention !== false;
  if (retention) await sweep();
  const daily = retention ? everyUnref(scheduler, () => void sweep(), DAY_MS) : undefined;
  let closed = false;

  return {
    record(entry: AuditEntry): void {
      try {
        if (closed) {
          metrics.count('dropped', 1);
          return;
        }
        const now = clock.now();
        w.push(now, auditLine(toRecord(entry, now)));
      } catch (err) {
        // A caller's action must still answer: an entry that cannot even be formed is logged.
        log.error({ err }, 'audit entry not recorded');
      }
    },
    async query(filter) {
      const result = await queryAuditDir(dir, filter);
      if (result.skipped > 0) metrics.count('badLines', result.skipped);
      return result;
    },
    get queued() {
      return w.queued;
    },
    flush: () => w.flush(),
    sweep,
    async close() {
      if (closed) return;
      closed = true;
      daily?.unsubscribe();
      await w.close();
    },
  };
}
