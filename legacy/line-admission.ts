import type { Observable, Subscription } from 'rxjs';
import { readingsTopic, type Rejection, type RejectionNotice } from '../core/index.js';
import type { LegacyAdmit, LegacyError } from './legacy-types.js';
import { quote, type LegacyLine } from './parse-legacy-file.js';

/** Readings per admitted message: the most a readings message may carry (docs/PROTOCOL.md). */
const MAX_READINGS = 1000;

/**
 * admit() itself failed (ingest shutting down, storage trouble): not the file's fault, so the
 * file stays in the drop folder and is tried again on a later pass.
 */
export class AdmissionFailed extends Error {
  constructor(cause: unknown) {
    super(`admission failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'AdmissionFailed';
  }
}

/** Where the reasons of refused lines go, one at a time (a bounded ReasonList: never all held here). */
export interface ReasonSink {
  add(e: LegacyError): void;
}

export interface LineAdmission {
  /** Admits a file's lines as readings messages of `stationId`; resolves with the readings accepted, each refusal given to `reasons`. */
  admitLines(stationId: string, lines: LegacyLine[], file: string, reasons: ReasonSink): Promise<number>;
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

  const admitChunk = async (stationId: string, chunk: LegacyLine[], file: string, reasons: ReasonSink): Promise<number> => {
    const payload = Buffer.from(JSON.stringify({ station: stationId, readings: chunk.map((l) => l.reading) }));
    notices.set(payload, undefined);
    try {
      const res = await admit({ topic: readingsTopic(stationId), payload, clientId: `legacy:${file}` }).catch((err: unknown) => {
        throw new AdmissionFailed(err);
      });
      const why = res.errors ?? notices.get(payload)?.errors;
      if (why) for (const r of why) reasons.add(lineError(r, chunk));
      else if (res.rejected > 0)
        reasons.add({ code: 'rejected', message: `${res.rejected} readings refused by validation (see the dead letters)` });
      return res.accepted;
    } finally {
      notices.delete(payload);
    }
  };

  return {
    async admitLines(stationId, lines, file, reasons) {
      let accepted = 0;
      for (let i = 0; i < lines.length; i += MAX_READINGS) {
        accepted += await admitChunk(stationId, lines.slice(i, i + MAX_READINGS), file, reasons);
      }
      return accepted;
    },
    close() {
      sub?.unsubscribe();
    },
  };
}

/** Maps `readings[3].unit` of a chunk back to its line; a whole-message error applies to every line. */
function lineError(r: Rejection, chunk: LegacyLine[]): LegacyError {
  const m = /^readings\[(\d+)\]/.exec(r.path);
  const line = m ? chunk[Number(m[1])] : undefined;
  if (line) return { line: line.line, code: r.code, message: `${quote(r.message)}: ${line.text}` };
  return { code: r.code, message: quote(r.message) };
}
