import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { auditFiles, filesInWindow } from './audit-files.js';
import { parseAuditLine, type AuditRecord } from './audit-line.js';

/** Which entries to read. Times are epoch ms: `since` inclusive, `until` exclusive. */
export interface AuditFilter {
  since?: number;
  until?: number;
  /** Exactly this acting user. */
  user?: string;
  /** Exactly this action. */
  action?: string;
  /** At most this many entries (default 1000). */
  limit?: number;
  /** `newest` (the default) gives the most recent first; `oldest` the earliest first. */
  order?: 'newest' | 'oldest';
}

export interface AuditQueryResult {
  entries: AuditRecord[];
  /** Lines in the files read that are not entries (a torn tail after a power cut): skipped. */
  skipped: number;
}

export const DEFAULT_QUERY_LIMIT = 1000;

/** Whether a record passes the filter's conditions (not its limit). */
export function matches(r: AuditRecord, f: AuditFilter): boolean {
  if (f.user !== undefined && r.user !== f.user) return false;
  if (f.action !== undefined && r.action !== f.action) return false;
  if (f.since === undefined && f.until === undefined) return true;
  const t = Date.parse(r.time);
  return (f.since === undefined || t >= f.since) && (f.until === undefined || t < f.until);
}

/**
 * One file's matching records in file order, keeping only the first `limit` (oldest first) or
 * the last `limit` (newest first), so memory stays bounded by the limit however big the file.
 */
async function readFile(path: string, f: AuditFilter, limit: number, fromEnd: boolean, tally: { skipped: number }): Promise<AuditRecord[]> {
  const kept: AuditRecord[] = [];
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line === '') continue;
      const r = parseAuditLine(line);
      if (!r) {
        tally.skipped++;
        continue;
      }
      if (!matches(r, f)) continue;
      kept.push(r);
      if (kept.length > limit) {
        if (!fromEnd) break;
        kept.shift();
      }
    }
  } catch (err) {
    // A file removed by retention meanwhile holds nothing in the window any more.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  } finally {
    lines.close();
    stream.destroy();
  }
  return kept.slice(0, limit);
}

/**
 * Reads the entries of `dir` that pass `filter`, from the day files in its window. Within a
 * file entries are in write order (time order, except that two processes writing the same file
 * interleave by batch). Lines that do not parse are skipped and counted.
 */
export async function queryAuditDir(dir: string, filter: AuditFilter): Promise<AuditQueryResult> {
  const limit = Math.max(0, filter.limit ?? DEFAULT_QUERY_LIMIT);
  const newest = (filter.order ?? 'newest') === 'newest';
  const files = filesInWindow(await auditFiles(dir), filter.since, filter.until);
  if (newest) files.reverse();
  const tally = { skipped: 0 };
  const entries: AuditRecord[] = [];
  for (const file of files) {
    if (entries.length >= limit) break;
    const got = await readFile(file.path, filter, limit - entries.length, newest, tally);
    entries.push(...(newest ? got.reverse() : got));
  }
  return { entries, skipped: tally.skipped };
}
