import { open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/index.js';

/** A segment file of the spool: line protocol, named after its first byte's logical offset. */
export interface SegmentFile {
  start: number;
  size: number;
  path: string;
}

const SEGMENT = /^(\d{16})\.lp$/;
export const CHECKPOINT_FILE = 'checkpoint.json';

export const segmentPath = (dir: string, start: number): string => join(dir, `${String(start).padStart(16, '0')}.lp`);

/** The segment files of a spool directory, oldest first. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  const out: SegmentFile[] = [];
  for (const name of await readdir(dir)) {
    const m = SEGMENT.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    out.push({ start: Number(m[1]), size: (await stat(path)).size, path });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Makes a directory entry durable: a new or renamed file survives a power cut only once its
 * directory is fsynced too (POSIX leaves it to the file system; ext4 needs it).
 */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The delivered offset; 0 when there is none yet. A damaged file replays from 0, which is safe (idempotent points). */
export async function readCheckpoint(dir: string): Promise<{ offset: number; damaged: boolean }> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { offset: 0, damaged: false };
    throw err;
  }
  try {
    const offset = (JSON.parse(text) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return { offset, damaged: false };
  } catch { /* fall through */ }
  return { offset: 0, damaged: true };
}

/** Writes the checkpoint atomically and durably: temp file, fsync, rename, fsync the directory. */
export async function writeCheckpoint(dir: string, offset: number, at: number): Promise<void> {
  const tmp = join(dir, `${CHECKPOINT_FILE}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify({ offset, at: new Date(at).toISOString() }));
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, CHECKPOINT_FILE));
  await fsyncDir(dir);
}

/**
 * Cuts a torn tail off the last segment after a crash: bytes after the last newline (a write
 * the crash interrupted; it was never acknowledged), and a run of NUL bytes that a power cut can
 * leave where the file system had extended the file but not yet written its data.
 * Returns the new size.
 */
export async function repairTail(path: string): Promise<{ size: number; cut: number }> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    let end = size;
    const block = Buffer.allocUnsafe(64 * 1024);
    let good = -1;
    while (end > 0 && good < 0) {
      const from = Math.max(0, end - block.length);
      const { bytesRead } = await fh.read(block, 0, end - from, from);
      for (let i = bytesRead - 1; i >= 0; i--) {
        if (block[i] === 0x0a) {
          good = from + i + 1;
          break;
        }
      }
      end = from;
    }
    let keep = Math.max(0, good);
    // A NUL never occurs in line protocol we wrote: cut from the first line holding one.
    if (keep > 0) keep = await cutAtNul(fh, keep);
    if (keep !== size) {
      await fh.truncate(keep);
      await fh.datasync();
    }
    return { size: keep, cut: size - keep };
  } finally {
    await fh.close();
  }
}

async function cutAtNul(fh: FileHandle, size: number): Promise<number> {
  const tailBytes = Math.min(size, 1024 * 1024);
  const buf = Buffer.allocUnsafe(tailBytes);
  const from = size - tailBytes;
  await fh.read(buf, 0, tailBytes, from);
  const nul = buf.indexOf(0);
  if (nul < 0) return size;
  const lineStart = buf.lastIndexOf(0x0a, nul);
  return lineStart < 0 ? from : from + lineStart + 1;
}

/** Counts lines in [from, to) of a file, for the backlog gauge after a restart. */
export async function countLines(path: string, from: number, to: number): Promise<number> {
  if (to <= from) return 0;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, to - from));
    let n = 0;
    for (let pos = from; pos < to;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, to - pos), pos);
      if (bytesRead === 0) break;
      for (let i = buf.indexOf(0x0a); i >= 0 && i < bytesRead; i = buf.indexOf(0x0a, i + 1)) n++;
      pos += bytesRead;
    }
    return n;
  } finally {
    await fh.close();
  }
}

export async function removeFile(path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** Reads what the last run left: checkpoint, segments (torn tail cut), undelivered line count. */
export async function recoverSpool(dir: string, log: Logger): Promise<{ segments: SegmentFile[]; checkpoint: number; backlogPoints: number }> {
  const cp = await readCheckpoint(dir);
  if (cp.damaged) log.warn({ dir }, 'spool checkpoint is damaged: replaying every segment (points are idempotent)');
  const segments = await listSegments(dir);
  const last = segments.at(-1);
  if (last) {
    const { size, cut } = await repairTail(last.path);
    if (cut > 0) log.warn({ path: last.path, bytes: cut }, 'spool: cut an unfinished write (never acknowledged) from the last segment');
    last.size = size;
  }
  // Empty segments (a start with no traffic) carry nothing.
  for (const s of segments.filter((x) => x.size === 0 && x !== last)) await removeFile(s.path);
  const kept = segments.filter((x) => x.size > 0 || x === last);
  let backlogPoints = 0;
  for (const s of kept) {
    const from = Math.max(s.start, cp.offset);
    if (from < s.start + s.size) backlogPoints += await countLines(s.path, from - s.start, s.size);
  }
  if (backlogPoints > 0) log.info({ points: backlogPoints, checkpoint: cp.offset }, 'spool: replaying undelivered points');
  if (last && last.size === 0) {
    kept.pop();
    await removeFile(last.path);
  }
  return { segments: kept, checkpoint: cp.offset, backlogPoints };
}

/**
 * Reads whole lines from `offset` of a segment (at most `maxLines`, at most `maxBytes` unless a
 * single line is longer); `avail` is how many committed bytes follow `offset`.
 */
export async function readLines(path: string, offset: number, avail: number, maxBytes: number, maxLines: number): Promise<{ data: Buffer; consumed: number; lines: number }> {
  let len = Math.min(avail, maxBytes);
  for (;;) {
    const buf = Buffer.allocUnsafe(len);
    const fh = await open(path, 'r');
    try {
      let got = 0;
      while (got < len) {
        const { bytesRead } = await fh.read(buf, got, len - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      len = got;
    } finally {
      await fh.close();
    }
    let lines = 0;
    let cut = 0;
    for (let i = buf.indexOf(0x0a); i >= 0 && i < len && lines < maxLines; i = buf.indexOf(0x0a, i + 1)) {
      lines++;
      cut = i + 1;
    }
    // A segment always ends in a newline; a fragment there (damage) is sent as a line of its own.
    if (len === avail && cut < len && lines < maxLines) {
      lines++;
      cut = len;
    }
    if (cut > 0) return { data: buf.subarray(0, cut), consumed: cut, lines };
    if (len >= avail) return { data: Buffer.alloc(0), consumed: avail, lines: 0 };
    len = Math.min(avail, len * 2); // one line longer than maxBytes: read more
  }
}
