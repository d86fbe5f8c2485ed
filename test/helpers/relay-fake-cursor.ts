import type { LogCursor } from '../../core/index.js';

/** An in-memory LogCursor (core/ports.ts) for the relay's tests: byte offsets, whole lines, every advance recorded. */
export interface FakeCursor extends LogCursor {
  /** Appends lines (each gets its newline) as one commit at `at` (epoch ms), and wakes `changed()`. */
  append(lines: string[], at?: number): void;
  readonly advances: Array<{ to: number; lines: number }>;
  /** The byte offset just past everything appended. */
  readonly end: number;
  /** Makes the next `n` advance() calls fail. */
  failAdvances(n: number): void;
}

export function createFakeCursor(name = 'upstream'): FakeCursor {
  let data = Buffer.alloc(0);
  let position = 0;
  let lineCount = 0;
  let advancedLines = 0;
  let failing = 0;
  const commits: Array<{ end: number; at: number }> = [];
  const advances: Array<{ to: number; lines: number }> = [];
  const wake: Array<() => void> = [];
  const notify = (): void => {
    for (const w of wake.splice(0)) w();
  };
  return {
    name,
    advances,
    get position() {
      return position;
    },
    get end() {
      return data.length;
    },
    append(lines, at = Date.now()) {
      data = Buffer.concat([data, Buffer.from(lines.map((l) => `${l}\n`).join(''))]);
      lineCount += lines.length;
      commits.push({ end: data.length, at });
      notify();
    },
    failAdvances(n) {
      failing = n;
    },
    async read(from, maxBytes, maxLines) {
      await Promise.resolve();
      let cut = from;
      let lines = 0;
      for (let i = data.indexOf(0x0a, from); i >= 0 && lines < maxLines; i = data.indexOf(0x0a, i + 1)) {
        if (i + 1 - from > maxBytes && lines > 0) break;
        cut = i + 1;
        lines++;
      }
      return { data: data.subarray(from, cut), end: cut, lines };
    },
    async advance(to, lines) {
      await Promise.resolve();
      if (failing > 0) {
        failing--;
        throw new Error('disk full');
      }
      if (to < position) throw new Error(`advance backwards: ${to} < ${position}`);
      advances.push({ to, lines });
      position = to;
      advancedLines += lines;
      notify();
    },
    changed() {
      return new Promise((resolve) => wake.push(resolve));
    },
    backlog() {
      const oldest = commits.find((c) => c.end > position);
      return { bytes: data.length - position, points: lineCount - advancedLines, oldestAt: oldest?.at };
    },
  };
}

/** A reading line as ingest writes it (ingest/line-protocol.ts). */
export function readingLine(station: string, parameter: string, value: number, ts: number, zone = 'BN-YENPHONG', status = '00'): string {
  const esc = (s: string): string => s.replace(/[,= \\]/g, (c) => `\\${c}`);
  return `reading,parameter=${esc(parameter)},station=${esc(station)},status=${status},zone=${esc(zone)} value=${value} ${ts}`;
}
