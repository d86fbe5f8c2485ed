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
export function readCheckpoint(dir: string): Promise<{ offset: number; damaged: boolean }> {
  return readPositionFile(dir, CHECKPOINT_FILE);
}

/**
 * A position file of the spool directory (the checkpoint, a cursor's): the offset, 0 when the
 * file is missing, and `damaged` (offset 0) when it cannot be read as one: the caller says so
 * loudly and starts from the oldest data kept, which loses nothing (points are idempotent).
 */
export async function readPositionFile(dir: string, file: string): Promise<{ offset: number; damaged: boolean }> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { offset: 0, damaged: false };
    throw err;
  }
  try {
    const offset = (JSON.parse(text) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return { offset, damaged: false };
  } catch {
    /* fall through */
  }
  return { offset: 0, damaged: true };
}

/** Writes the checkpoint atomically and durably: temp file, fsync, rename, fsync the directory. */
export function writeCheckpoint(dir: string, offset: number, at: number): Promise<void> {
  return writePositionFile(dir, CHECKPOINT_FILE, offset, at);
}

/** Writes a position file atomically and durably: temp file, fsync, rename, fsync the directory. */
export async function writePositionFile(dir: string, file: string, offset: number, at: number): Promise<void> {
  const tmp = join(dir, `${file}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify({ offset, at: new Date(at).toISOString() }));
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, file));
  await fsyncDir(dir);
}

/**
 * Cuts a torn tail off the last segment after a crash: bytes after the last newline (a write
 * the crash interrupted; it was never acknowledged), and the run of NUL bytes (with the empty
 * lines among them) that a power cut can leave where the file system had extended the file but
 * not yet written its data, with the start of the line that run began in. Only a run reaching
 * the end of the file is torn: a NUL further up with whole lines after it is data (an older
 * release wrote user text unfiltered), and cutting there would lose acknowledged readings.
 * Returns the new size.
 */
export async function repairTail(path: string): Promise<{ size: number; cut: number }> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    let keep = (await lastIndexWhere(fh, size, (b) => b === 0x0a)) + 1;
    const lastReal = await lastIndexWhere(fh, keep, (b) => b !== 0x00 && b !== 0x0a);
    if (lastReal < 0) keep = 0;
    else if (lastReal + 1 < keep) {
      // The byte after the last real one ends that line (newline: keep it) or starts the NUL run
      // inside it (that line was torn too: cut from its start).
      const next = Buffer.alloc(1);
      await fh.read(next, 0, 1, lastReal + 1);
      keep = next[0] === 0x0a ? lastReal + 2 : (await lastIndexWhere(fh, lastReal + 1, (b) => b === 0x0a)) + 1;
    }
    if (keep !== size) {
      await fh.truncate(keep);
      await fh.datasync();
    }
    return { size: keep, cut: size - keep };
  } finally {
    await fh.close();
  }
}

/** The position of the last byte before `end` that `match` accepts, reading backwards; -1 when none. */
async function lastIndexWhere(fh: FileHandle, end: number, match: (byte: number) => boolean): Promise<number> {
  const block = Buffer.allocUnsafe(64 * 1024);
  while (end > 0) {
    const from = Math.max(0, end - block.length);
    const { bytesRead } = await fh.read(block, 0, end - from, from);
    for (let i = bytesRead - 1; i >= 0; i--) if (match(block[i]!)) return from + i;
    end = from;
  }
  return -1;
}

/**
 * Counts the points in [from, to) of a file (`from` starts a line), for the backlog gauges after
 * a restart: every line but the comments (`#...`, docs/PROTOCOL.md: the recorded seq).
 */
export async function countLines(path: string, from: number, to: number): Promise<number> {
  if (to <= from) return 0;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, to - from));
    let n = 0;
    let lineStarts = true;
    let comment = false;
    for (let pos = from; pos < to;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, to - pos), pos);
      if (bytesRead === 0) break;
      if (lineStarts) comment = buf[0] === 0x23;
      lineStarts = false;
      for (let i = buf.indexOf(0x0a); i >= 0 && i < bytesRead; i = buf.indexOf(0x0a, i + 1)) {
        if (!comment) n++;
        if (i + 1 < bytesRead) comment = buf[i + 1] === 0x23;
        else lineStarts = true;
      }
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
export async function recoverSpool(
  dir: string,
  log: Logger,
): Promise<{ segments: SegmentFile[]; checkpoint: number; backlogPoints: number }> {
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
export async function readLines(
  path: string,
  offset: number,
  avail: number,
  maxBytes: number,
  maxLines: number,
): Promise<{ data: Buffer; consumed: number; lines: number }> {
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
    // A comment line (`#seq`, written just before its message's readings) is no point: not
    // counted, and never the last line of a read that has points, so it travels with them.
    let pointsCut = 0;
    for (let i = buf.indexOf(0x0a); i >= 0 && i < len && lines < maxLines; i = buf.indexOf(0x0a, i + 1)) {
      if (buf[cut] !== 0x23) {
        lines++;
        pointsCut = i + 1;
      }
      cut = i + 1;
    }
    // A segment always ends in a newline; a fragment there (damage) is sent as a line of its own.
    if (len === avail && cut < len && lines < maxLines) {
      lines++;
      cut = pointsCut = len;
    }
    if (pointsCut > 0 && pointsCut < cut && cut < avail) cut = pointsCut;
    if (cut > 0) return { data: buf.subarray(0, cut), consumed: cut, lines };
    if (len >= avail) return { data: Buffer.alloc(0), consumed: avail, lines: 0 };
    len = Math.min(avail, len * 2); // one line longer than maxBytes: read more
  }
}
