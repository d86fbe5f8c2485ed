import type { Observable, Subscription } from 'rxjs';
import { readingsTopic, type Rejection, type RejectionNotice } from '../core/index.js';
import type { LegacyAdmit, LegacyError } from './legacy-types.js';
import type { LegacyLine } from './parse-legacy-file.js';

/** Readings per admitted message: the most a readings message may carry (docs/PROTOCOL.md). */
const MAX_READINGS = 1000;

export interface LineAdmission {
  /** Admits a file's lines as readings messages of `stationId`; the errors name the lines refused. */
  admitLines(stationId: string, lines: LegacyLine[], file: string): Promise<{ accepted: number; errors: LegacyError[] }>;
  close(): void;
}

/**
 * Sends a file's lines through `admit`, a message of at most 1000 readings at a time, and maps
 * each refused reading back to its line. The reasons come with admit's answer or, when it
 * gives only counts, from ingest's rejection event for the same payload (`rejections$`).
 */
export function createLineAdmission(
  admit: LegacyAdmit,
  rejections$?: Observable<{ payload: Buffer; notice: RejectionNotice }>,
): LineAdmission {
  const notices = new Map<Buffer, RejectionNotice | undefined>();
  const sub: Subscription | undefined = rejections$?.subscribe((e) => {
    if (notices.has(e.payload)) notices.set(e.payload, e.notice);
  });

  const admitChunk = async (stationId: string, chunk: LegacyLine[], file: string, errors: LegacyError[]): Promise<number> => {
    const payload = Buffer.from(JSON.stringify({ station: stationId, readings: chunk.map((l) => l.reading) }));
    notices.set(payload, undefined);
    try {
      const res = await admit({ topic: readingsTopic(stationId), payload, clientId: `legacy:${file}` });
      const reasons = res.errors ?? notices.get(payload)?.errors;
      if (reasons) for (const r of reasons) errors.push(...lineErrors(r, chunk));
      else if (res.rejected > 0)
        errors.push({ code: 'rejected', message: `${res.rejected} readings refused by validation (see the dead letters)` });
      return res.accepted;
    } finally {
      notices.delete(payload);
    }
  };

  return {
    async admitLines(stationId, lines, file) {
      let accepted = 0;
      const errors: LegacyError[] = [];
      for (let i = 0; i < lines.length; i += MAX_READINGS) {
        accepted += await admitChunk(stationId, lines.slice(i, i + MAX_READINGS), file, errors);
      }
      return { accepted, errors };
    },
    close() {
      sub?.unsubscribe();
    },
  };
}

/** Maps `readings[3].unit` of a chunk back to its line; a whole-message error applies to every line. */
function lineErrors(r: Rejection, chunk: LegacyLine[]): LegacyError[] {
  const m = /^readings\[(\d+)\]/.exec(r.path);
  const line = m ? chunk[Number(m[1])] : undefined;
  if (line) return [{ line: line.line, code: r.code, message: `${r.message}: ${line.text}` }];
  return [{ code: r.code, message: r.message }];
}
