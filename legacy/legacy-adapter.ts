import { mkdir } from 'node:fs/promises';
import type { Registry } from 'prom-client';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Catalogue, Logger, RejectionNotice } from '../core/index.js';
import {
  createRateLimitedLog,
  systemClock,
  systemScheduler,
  type Clock,
  type RateLimitedLog,
  type SchedulerLike,
} from '../platform/index.js';
import { createDropScanner } from './drop-scanner.js';
import { createFileProcessor } from './file-processor.js';
import { createLegacyMetrics } from './legacy-metrics.js';
import type { LegacyAdmit, LegacyFileResult } from './legacy-types.js';
import { createLineAdmission } from './line-admission.js';
import { DEFAULT_MAX_BAD_LINES } from './parse-legacy-file.js';

/** Default LEGACY_MAX_FILE_BYTES: a cycle's file is a few hundred bytes, a day of one station's cycles some 100 KiB. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface LegacyAdapterOptions {
  /** Where the province's FTP server writes (subfolders too, e.g. one per FTP account). */
  dropDir: string;
  archiveDir: string;
  rejectedDir: string;
  catalogue: Catalogue;
  admit: LegacyAdmit;
  /** Ingest's rejection events, to name each rejected line's reason (matched by payload). */
  rejections$?: Observable<{ payload: Buffer; notice: RejectionNotice }>;
  log: Logger;
  /** Scan period, ms (default 2000); 0: no timer, call scan(). A file is read once its size held over two scans. */
  pollMs?: number;
  /**
   * Accept a station's file only under `<dropDir>/<station id or legacy prefix>/` (default
   * true). The name alone says which station a file is for, so without this any FTP account
   * can submit readings for any station; with one FTP account per station confined (chrooted)
   * to its folder, the folder is the authentication.
   */
  requireStationFolder?: boolean;
  /** Larger files are rejected unread (default DEFAULT_MAX_FILE_BYTES, 1 MiB; a cycle's file is a few hundred bytes). */
  maxFileBytes?: number;
  /** Past this many lines that are not readings a file is rejected whole, unread further (default 100); also the reasons a reason file lists. */
  maxBadLines?: number;
  /** Where its metrics go (main.ts passes the one /metrics serves; default a private registry). */
  registry?: Registry;
  /** The "received" time written in reason files. */
  clock?: Clock;
  /** Where the scans are timed (default systemScheduler; a virtual one in tests). */
  scheduler?: SchedulerLike;
}

export interface LegacyAdapter {
  /** One pass over the drop folder; resolves with the files finished in it. */
  scan(): Promise<LegacyFileResult[]>;
  readonly results$: Observable<LegacyFileResult>;
  close(): Promise<void>;
}

/** Watches a drop folder for legacy text files and admits their readings (docs/LEGACY.md). */
export async function createLegacyAdapter(options: LegacyAdapterOptions): Promise<LegacyAdapter> {
  const { log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const pollMs = options.pollMs ?? 2000;
  await Promise.all([options.dropDir, options.archiveDir, options.rejectedDir].map((d) => mkdir(d, { recursive: true })));
  const results$ = new Subject<LegacyFileResult>();
  const admission = createLineAdmission(options.admit, options.rejections$);
  const metrics = createLegacyMetrics(options.registry);
  const requireStationFolder = options.requireStationFolder ?? true;
  const clock = options.clock ?? systemClock;
  const rateLog = createRateLimitedLog(log, 60_000, clock);
  const processFile = createFileProcessor({
    dropDir: options.dropDir,
    archiveDir: options.archiveDir,
    rejectedDir: options.rejectedDir,
    catalogue: options.catalogue,
    admission,
    requireStationFolder,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxBadLines: options.maxBadLines ?? DEFAULT_MAX_BAD_LINES,
    clock,
    finish: (result) => {
      logResult(log, rateLog, result);
      metrics.file(result);
      results$.next(result);
      return result;
    },
  });
  const scanner = createDropScanner({
    dropDir: options.dropDir,
    skipDirs: [options.archiveDir, options.rejectedDir],
    processFile,
    log,
    clock,
    onStuck: metrics.stuck,
  });

  // The next pass is scheduled when the last one ends, so passes never overlap; like the
  // setTimeout it replaces, the scheduled pass holds the process open until close().
  let closed = false;
  let next: Subscription | undefined;
  const loop = (): void => {
    if (closed || pollMs <= 0) return;
    next = scheduler.schedule(() => void scanner.scan().finally(loop), pollMs);
  };
  loop();
  log.info({ dropDir: options.dropDir, pollMs, requireStationFolder }, 'legacy file adapter watching');
  if (!requireStationFolder)
    log.warn('LEGACY_REQUIRE_STATION_FOLDER is off: any FTP account can submit readings for any station (docs/LEGACY.md)');

  return {
    scan: () => scanner.scan(),
    results$: results$.asObservable(),
    async close() {
      closed = true;
      next?.unsubscribe();
      await scanner.close();
      admission.close();
      results$.complete();
    },
  };
}

/** One line per file; rejected ones rate-limited per reason, so a flood of bad files is not a flood of log (each keeps its reason file). */
function logResult(log: Logger, rateLog: RateLimitedLog, result: LegacyFileResult): void {
  const { file, station, outcome, accepted, rejected } = result;
  const fields = { file, station, outcome, accepted, rejected, errors: result.errors.slice(0, 5) };
  if (outcome === 'rejected') rateLog('warn', `rejected:${result.errors[0]?.code ?? ''}`, fields, 'legacy file');
  else log.info(fields, 'legacy file');
}
