import { readdir } from 'node:fs/promises';
import { QuantracError, type Logger } from '../core/index.js';
import { countLines, readPositionFile, type SegmentFile } from './spool-files.js';

/** A cursor's name: it names a file of the spool directory and a metric label, so it is kept plain. */
export const CURSOR_NAME = /^[a-z][a-z0-9-]{0,31}$/;
/** The delivery checkpoint's name among the spool's consumers (metrics, the storage condition); no cursor may take it. */
export const DELIVERY_CONSUMER = 'influxdb';

const CURSOR_FILE = /^cursor-([a-z][a-z0-9-]{0,31})\.json$/;

/** The file that holds a cursor's position, beside the checkpoint (written the same way: spool-files.ts). */
export const cursorFile = (name: string): string => `cursor-${name}.json`;

/** Refuses a name that is not a cursor's (ERR_CURSOR_NAME): it would name a file, so it is checked before any is touched. */
export function checkCursorName(name: string): void {
  if (typeof name !== 'string' || !CURSOR_NAME.test(name) || name === DELIVERY_CONSUMER) {
    throw new QuantracError(
      'ERR_CURSOR_NAME',
      `a spool cursor's name is 1 to 32 of a-z, 0-9 and -, starting with a letter, and not "${DELIVERY_CONSUMER}"`,
    );
  }
}

/**
 * The cursors the last run left (docs/ARCHITECTURE.md, "One durable log, many cursors"): each
 * file's position. A cursor pins the spool while its file exists. A damaged file is said loudly
 * and resumes from the oldest data kept (offset 0), as a damaged checkpoint does: forwarding
 * again stores nothing twice (points are idempotent); losing the position silently would skip data.
 */
export async function readCursorFiles(dir: string, log: Logger): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const file of (await readdir(dir)).sort()) {
    const m = CURSOR_FILE.exec(file);
    if (!m || m[1] === DELIVERY_CONSUMER) continue;
    const { offset, damaged } = await readPositionFile(dir, file);
    if (damaged)
      log.warn({ cursor: m[1], file }, 'spool cursor file is damaged: it resumes from the oldest data kept (points are idempotent)');
    out.set(m[1]!, offset);
  }
  return out;
}

/** The points (lines but comments) in the segments from logical offset `from`: a restored cursor's backlog. */
export async function countPointsFrom(files: SegmentFile[], from: number): Promise<number> {
  let n = 0;
  for (const s of files) {
    const at = Math.max(s.start, from);
    if (at < s.start + s.size) n += await countLines(s.path, at - s.start, s.size);
  }
  return n;
}
