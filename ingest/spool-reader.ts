import type { Logger } from '../core/index.js';
import { readLines } from './spool-files.js';
import type { SegmentSet } from './spool-segments.js';

export interface SpoolRead {
  data: Buffer;
  /** Logical offset just past `data`: the checkpoint to write once it is delivered. */
  end: number;
  lines: number;
}

/**
 * The reader's cursor over the segments: whole lines from logical offset `from` (at most
 * `maxLines`, at most `maxBytes` unless one line is longer), never past `committedEnd` (what is
 * durable). A gap (segments removed by hand) is skipped, loudly: its points are lost.
 */
export async function readSpool(
  segments: SegmentSet,
  committedEnd: number,
  from: number,
  maxBytes: number,
  maxLines: number,
  log: Logger,
): Promise<SpoolRead> {
  if (from >= committedEnd) return { data: Buffer.alloc(0), end: from, lines: 0 };
  const seg = segments.files.find((s) => from >= s.start && from < s.start + s.size);
  if (!seg) {
    // Before the first segment or in a gap (files removed by hand): skip to the next data.
    const next = segments.files.find((s) => s.start > from && s.size > 0);
    return { data: Buffer.alloc(0), end: next ? next.start : committedEnd, lines: 0 };
  }
  // A handle of its own: the writer may seal and close the active segment meanwhile.
  try {
    const r = await readLines(seg.path, from - seg.start, seg.size - (from - seg.start), maxBytes, maxLines);
    return { data: r.data, end: from + r.consumed, lines: r.lines };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || seg === segments.active) throw err;
    // Removed by hand: its data is gone; say so loudly and carry on with the next segment.
    log.error({ path: seg.path, bytes: seg.start + seg.size - from }, 'spool segment missing: its undelivered points are lost');
    return { data: Buffer.alloc(0), end: seg.start + seg.size, lines: 0 };
  }
}
