import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/index.js';
import { removeFile } from './spool-files.js';

const FILE = /^(\d{13})\.jsonl$/;

/** A dead-letter file's path for records from `start` (epoch ms) on. */
export const deadLetterPath = (dir: string, start: number): string => join(dir, `${String(start).padStart(13, '0')}.jsonl`);

/** The dead-letter files of a directory, oldest first; none when it does not exist. */
export const deadLetterFiles = async (dir: string): Promise<Array<{ path: string; start: number }>> => {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .flatMap((n) => {
      const m = FILE.exec(n);
      return m ? [{ path: join(dir, n), start: Number(m[1]) }] : [];
    })
    .sort((a, b) => a.start - b.start);
};

export interface Retention {
  dir: string;
  maxAgeDays: number;
  maxBytes: number;
  log: Logger;
}

/**
 * Retention drops whole files: those older than `maxAgeDays`, then the oldest until the total is
 * within `maxBytes`. The file being written (`current()`: its start, asked as each file comes up)
 * is never removed.
 */
export async function pruneDeadLetters(r: Retention, now: number, current: () => number | undefined): Promise<void> {
  const files = await deadLetterFiles(r.dir);
  const cutoff = now - r.maxAgeDays * 86_400_000;
  const sizes = await Promise.all(
    files.map(async (f) => {
      const st = await stat(f.path).catch(() => undefined);
      return { ...f, size: st?.size ?? 0, mtime: st?.mtimeMs ?? now };
    }),
  );
  let total = sizes.reduce((n, f) => n + f.size, 0);
  for (const f of sizes) {
    if (f.start === current()) continue;
    // A file's newest record is no newer than its last write.
    if (f.mtime < cutoff || total > r.maxBytes) {
      await removeFile(f.path);
      total -= f.size;
      r.log.info({ file: f.path, bytes: f.size }, 'dead letters past retention removed');
    }
  }
}
