import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { deadLetterFiles } from './dead-letter-files.js';
import { DeadLetterSchema, type DeadLetter } from './dead-letters.js';

export interface DeadLetterQuery {
  /** DATA_DIR/deadletters */
  dir: string;
  /** Only records received at or after this epoch ms. */
  since?: number;
  station?: string;
}

/**
 * The dead letters matching a query, oldest first, read file by file (the store may be large).
 * A damaged line (a crash mid-write) is skipped, never fatal.
 */
export async function* listDeadLetters(query: DeadLetterQuery): AsyncGenerator<DeadLetter> {
  const files = await deadLetterFiles(resolve(query.dir));
  for (let i = 0; i < files.length; i++) {
    // A file holds records from its start until the next file's start.
    const next = files[i + 1];
    if (query.since !== undefined && next && next.start <= query.since) continue;
    const lines = createInterface({ input: createReadStream(files[i]!.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      let record: DeadLetter;
      try {
        const parsed = DeadLetterSchema.safeParse(JSON.parse(line));
        if (!parsed.success) continue;
        record = parsed.data;
      } catch {
        continue;
      }
      if (query.station !== undefined && record.station !== query.station) continue;
      if (query.since !== undefined && Date.parse(record.receivedAt) < query.since) continue;
      yield record;
    }
  }
}

/** `--since` as a time (RFC 3339, a date) or an age (`90m`, `24h`, `7d`) before `now`. */
export function parseSince(text: string, now: number): number | undefined {
  const age = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (age) return now - Number(age[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
