import { mkdir } from 'node:fs/promises';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Catalogue, Logger, RejectionNotice } from '../core/index.js';
import { systemClock, systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { createDropScanner } from './drop-scanner.js';
import { createFileProcessor } from './file-processor.js';
import type { LegacyAdmit, LegacyFileResult } from './legacy-types.js';
import { createLineAdmission } from './line-admission.js';

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
   * false). The name alone says which station a file is for, so without this any FTP account
   * can submit readings for any station; with one FTP account per station confined (chrooted)
   * to its folder, the folder is the authentication.
   */
  requireStationFolder?: boolean;
  /** Larger files are rejected unread (default 16 MiB; a cycle's file is a few hundred bytes). */
  maxFileBytes?: number;
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
  const processFile = createFileProcessor({
    dropDir: options.dropDir,
    archiveDir: options.archiveDir,
    rejectedDir: options.rejectedDir,
    catalogue: options.catalogue,
    admission,
    requireStationFolder: options.requireStationFolder === true,
    maxFileBytes: options.maxFileBytes ?? 16 * 1024 ** 2,
    clock: options.clock ?? systemClock,
    finish: (result) => {
      logResult(log, result);
      results$.next(result);
      return result;
    },
  });
  const scanner = createDropScanner({ dropDir: options.dropDir, skipDirs: [options.archiveDir, options.rejectedDir], processFile, log });

  // The next pass is scheduled when the last one ends, so passes never overlap; like the
  // setTimeout it replaces, the scheduled pass holds the process open until close().
  let closed = false;
  let next: Subscription | undefined;
  const loop = (): void => {
    if (closed || pollMs <= 0) return;
    next = scheduler.schedule(() => void scanner.scan().finally(loop), pollMs);
  };
  loop();
  log.info(
    { dropDir: options.dropDir, pollMs, requireStationFolder: options.requireStationFolder === true },
    'legacy file adapter watching',
  );

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

function logResult(log: Logger, result: LegacyFileResult): void {
  const level = result.outcome === 'rejected' ? 'warn' : 'info';
  const { file, station, outcome, accepted, rejected } = result;
  log[level]({ file, station, outcome, accepted, rejected, errors: result.errors.slice(0, 5) }, 'legacy file');
}
