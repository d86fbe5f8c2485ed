import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../core/index.js';
import { createRateLimitedLog, systemClock, type Clock } from '../platform/index.js';
import type { ProcessFile } from './file-processor.js';
import type { LegacyFileResult } from './legacy-types.js';
import { AdmissionFailed } from './line-admission.js';
import { listDropFiles } from './list-drop-files.js';
import { StuckFiles } from './stuck-files.js';

export interface DropScannerOptions {
  dropDir: string;
  /** Folders inside the drop folder that are ours (archive, rejected): never read. */
  skipDirs: string[];
  processFile: ProcessFile;
  log: Logger;
  clock?: Clock;
  /** Called with the number of files skipped because they could not be moved out (a gauge). */
  onStuck?: (count: number) => void;
}

export interface DropScanner {
  /** One pass over the drop folder; a call during a pass shares it. Resolves with the files finished. */
  scan(): Promise<LegacyFileResult[]>;
  /** Stops at the next file and waits for the pass under way. */
  close(): Promise<void>;
}

/**
 * Passes over the drop folder. An FTP upload arrives over time, so a file is processed only
 * once its size and mtime held still across two passes. One that admit() failed on (storage
 * trouble) stays where it is and is tried again on a later pass; one that could not even be
 * moved out of the folder is skipped for a while (StuckFiles). Nothing a file holds or does
 * ends a pass with an error (docs/LEGACY.md, "Bounds").
 */
export function createDropScanner(options: DropScannerOptions): DropScanner {
  const { dropDir, log } = options;
  const clock = options.clock ?? systemClock;
  const rateLog = createRateLimitedLog(log, 60_000, clock);
  const stuck = new StuckFiles(clock);
  const skip = new Set(options.skipDirs.map((d) => resolve(d)));
  const seen = new Map<string, { size: number; mtimeMs: number }>();
  let running: Promise<LegacyFileResult[]> | undefined;
  let closed = false;

  /** The file's result when it has settled and is processed now; undefined while it waits. */
  const settled = async (file: string): Promise<LegacyFileResult | undefined> => {
    const st = await stat(join(dropDir, file)).catch(() => undefined);
    if (!st) return undefined;
    const prev = seen.get(file);
    // Half-written files: read only once the size (and mtime) held still across two scans.
    if (stuck.skip(file, st.size, st.mtimeMs)) return undefined;
    if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
      seen.set(file, { size: st.size, mtimeMs: st.mtimeMs });
      return undefined;
    }
    seen.delete(file);
    try {
      return await options.processFile(file, st.size);
    } catch (err) {
      if (err instanceof AdmissionFailed) {
        // Storage trouble: the file stays in the drop folder and is tried again.
        rateLog('error', 'admission', { err, file }, 'legacy file not processed; will retry');
      } else {
        // Not even moved out (disk or permission trouble): left alone for a while, not retried every pass.
        stuck.remember(file, st.size, st.mtimeMs);
        rateLog(
          'error',
          `stuck:${file}`,
          { err, file },
          'legacy file could not be processed nor moved out of the drop folder; skipped for now',
        );
      }
      return undefined;
    }
  };

  const scanOnce = async (): Promise<LegacyFileResult[]> => {
    const done: LegacyFileResult[] = [];
    let files: string[];
    try {
      files = await listDropFiles(dropDir, skip);
    } catch (err) {
      log.error({ err, dir: dropDir }, 'cannot read the legacy drop folder');
      return done;
    }
    const present = new Set(files);
    for (const key of seen.keys()) if (!present.has(key)) seen.delete(key);
    stuck.keepOnly(present);
    for (const file of files.sort()) {
      if (closed) break;
      const result = await settled(file);
      if (result) done.push(result);
    }
    options.onStuck?.(stuck.size);
    return done;
  };

  return {
    scan() {
      running ??= scanOnce().finally(() => {
        running = undefined;
      });
      return running;
    },
    async close() {
      closed = true;
      await running?.catch(() => undefined);
    },
  };
}
