import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const DAY_MS = 86_400_000;
const FILE = /^audit-(\d{4}-\d{2}-\d{2})\.jsonl$/;

/** The UTC day (YYYY-MM-DD) of an instant: an entry's file is named after it. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The file of entries recorded on the UTC day of `ms`: `audit-YYYY-MM-DD.jsonl`. */
export const auditPath = (dir: string, ms: number): string => join(dir, `audit-${utcDay(ms)}.jsonl`);

export interface AuditFile {
  path: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** Epoch ms of the day's start (UTC). */
  start: number;
}

/** The audit files of `dir`, oldest first; none when the directory does not exist. Other names are ignored. */
export async function auditFiles(dir: string): Promise<AuditFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .flatMap((name) => {
      const m = FILE.exec(name);
      const start = m ? Date.parse(`${m[1]}T00:00:00Z`) : NaN;
      return Number.isFinite(start) ? [{ path: join(dir, name), day: m![1]!, start }] : [];
    })
    .sort((a, b) => a.start - b.start);
}

/** The files that may hold entries from `since` (inclusive) to `until` (exclusive), oldest first. */
export function filesInWindow(files: AuditFile[], since = -Infinity, until = Infinity): AuditFile[] {
  return files.filter((f) => f.start + DAY_MS > since && f.start < until);
}

/**
 * Retention by age (docs/SECURITY.md, "Audit log"): removes the files whose every entry is older
 * than `retentionDays` (the day ended before now - retentionDays), and returns their paths. A
 * file another process removed first is not an error.
 */
export async function pruneAuditFiles(dir: string, retentionDays: number, now: number): Promise<string[]> {
  const cutoff = now - retentionDays * DAY_MS;
  const removed: string[] = [];
  for (const f of await auditFiles(dir)) {
    if (f.start + DAY_MS > cutoff) break;
    await rm(f.path, { force: true });
    removed.push(f.path);
  }
  return removed;
}
