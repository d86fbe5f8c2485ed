import type { Subject } from 'rxjs';
import {
  parseTopic,
  QuantracError,
  type Admit,
  type AdmitMessage,
  type Catalogue,
  type Reading,
  type RejectionNotice,
} from '../core/index.js';
import { wait, type Clock, type RateLimitedLog, type SchedulerLike } from '../platform/index.js';
import { createFaultRecorder, internalRejection, type RecordFault } from './admit-faults.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { SeqTracker } from './seq-tracker.js';
import type { Spool } from './spool.js';
import { validateMessage, type ValidationResult, type ValidationWindow } from './validate.js';

/** A message with rejected content, for the gateway's errors topic. */
export interface RejectionEvent {
  stationId: string;
  topic: string;
  clientId?: string;
  payload: Buffer;
  notice: RejectionNotice;
}

export interface AdmitParts {
  catalogue: Catalogue;
  window: ValidationWindow;
  spool: Pick<Spool, 'appendText' | 'slowdownMs'>;
  deadLetters: Pick<DeadLetterStore, 'appendMessage'>;
  seqTracker: SeqTracker;
  encodeReading: (r: Reading) => string;
  metrics: IngestMetrics;
  readings$: Subject<Reading>;
  /** false: accepted readings are not emitted here (cluster mode: the fan-out reader feeds readings$). Default true. */
  publish?: boolean;
  rejections$: Subject<RejectionEvent>;
  /** One warning per station a minute: a misbehaving gateway must not flood the log. */
  warn: RateLimitedLog;
  clock: Clock;
  /** Holds the PUBACK past the high-water mark: virtual time in tests. */
  scheduler: SchedulerLike;
  closing(): boolean;
  /** Writes `#seq <station> <seq>` before the message's readings (IngestSettings.recordSeq). */
  recordSeq?: boolean;
}

/**
 * The admit path (docs/ARCHITECTURE.md, "Facts that shape the design"; docs/PROTOCOL.md, "Acceptance
 * and rejection"): validate, count the seq, dead-letter what is refused and tell the gateway,
 * append what is accepted to the spool and resolve once it is durable (the broker PUBACKs
 * then), publish the readings live, and hold the PUBACK a little past the high-water mark.
 * A fault of the centre in checking or refusing content never fails the admission: it becomes
 * an `internal` rejection (admit-faults.ts); only storage faults do (spool or dead-letter store
 * not written: no PUBACK, the gateway resends).
 * Per message: one await for the group commit, no closure beyond the spool's promise.
 */
export function createAdmit(p: AdmitParts): Admit {
  const { spool, metrics } = p;
  const recordFault = createFaultRecorder(metrics, p.warn);
  return async (message) => {
    const t0 = performance.now();
    if (p.closing()) throw new QuantracError('ERR_INGEST_CLOSED', 'ingest is shutting down', { retryable: true });
    const receivedAt = p.clock.now();
    const topic = parseTopic(message.topic);
    if (!topic || topic.kind !== 'readings') throw new QuantracError('ERR_TOPIC', `not a readings topic: ${message.topic}`);
    const station = topic.stationId;
    const result = examine(p, recordFault, station, message.payload, receivedAt);
    const text = result.accepted.length > 0 ? encodeAccepted(p, recordFault, station, result) : '';
    const accepted = result.accepted.length;
    const deadLettered = result.rejections.length > 0 ? refuse(p, recordFault, message, station, result, receivedAt) : undefined;
    if (accepted > 0) {
      await spool.appendText(text, accepted, true);
      // Durable now: the live path gets them at once, never waiting on InfluxDB.
      if (p.publish !== false) publishAccepted(p, recordFault, station, result.accepted);
      metrics.accepted(accepted);
    }
    const dlError = deadLettered && (await deadLettered);
    if (dlError) {
      throw new QuantracError('ERR_DEAD_LETTER', `dead-letter store write failed: ${dlError.message}`, { retryable: true, cause: dlError });
    }
    metrics.message(accepted === 0 ? 'rejected' : result.rejections.length > 0 ? 'partial' : 'accepted');
    // Past the high-water mark, hold the PUBACK a little: the gateway's socket slows with it.
    const slow = spool.slowdownMs();
    if (slow > 0) await wait(slow, p.scheduler);
    metrics.admitSeconds((performance.now() - t0) / 1000);
    return { accepted, rejected: rejectedCount(result) };
  };
}

const rejectedCount = (result: ValidationResult): number => result.rejectedReadings ?? (result.wholeMessage ? 1 : result.rejections.length);

/**
 * Validation and the seq count; never throws. A fault in validating refuses the whole message
 * (`internal`); one in checking a reading refuses that reading (validate.ts); one in counting
 * the seq is counted and logged only (nothing is refused for it).
 */
function examine(p: AdmitParts, recordFault: RecordFault, station: string, payload: Buffer, receivedAt: number): ValidationResult {
  let result: ValidationResult;
  try {
    result = validateMessage(station, payload, receivedAt, p.catalogue, p.window);
  } catch (err) {
    recordFault('validate', station, err);
    return { stationId: station, accepted: [], rejections: [internalRejection('', err)], wholeMessage: true };
  }
  for (const err of result.faults ?? []) recordFault('reading', station, err);
  if (result.seq !== undefined) {
    try {
      observeSeq(p, station, result.seq);
    } catch (err) {
      recordFault('seq', station, err);
    }
  }
  return result;
}

/**
 * The accepted readings as line protocol; a reading that cannot be encoded moves to the
 * rejections (`internal`). With recordSeq, the message's seq goes first as a comment line
 * (`#seq <station> <seq>`, which InfluxDB skips): appended with the readings in one piece, it
 * stays just before them in the spool for a cursor's consumer to forward.
 */
function encodeAccepted(p: AdmitParts, recordFault: RecordFault, station: string, result: ValidationResult): string {
  const head = p.recordSeq && result.seq !== undefined ? `#seq ${station} ${result.seq}` : undefined;
  try {
    // join() builds a flat string: the spool encodes it to bytes without flattening a rope first.
    const lines = result.accepted.map(p.encodeReading);
    if (head !== undefined) lines.unshift(head);
    lines.push('');
    return lines.join('\n');
  } catch {
    // Only after a fault: reading by reading, to keep the others.
    const lines: string[] = [];
    const kept: Reading[] = [];
    for (const r of result.accepted) {
      try {
        lines.push(p.encodeReading(r));
        kept.push(r);
      } catch (err) {
        recordFault('encode', station, err);
        result.rejections.push(internalRejection('readings', err));
      }
    }
    result.accepted = kept;
    if (head !== undefined) lines.unshift(head);
    lines.push('');
    return kept.length > 0 ? lines.join('\n') : '';
  }
}

/** The durable readings to the live path; a fault there is counted and logged (the readings are stored). */
function publishAccepted(p: AdmitParts, recordFault: RecordFault, station: string, readings: Reading[]): void {
  try {
    for (const r of readings) p.readings$.next(r);
  } catch (err) {
    recordFault('publish', station, err);
  }
}

/** The seq tracker's wiring: gaps, duplicates, late arrivals and restarts are counted per station. */
function observeSeq(p: AdmitParts, station: string, seq: number): void {
  const o = p.seqTracker.observe(station, seq);
  if (o.outcome === 'gap' || o.outcome === 'duplicate' || o.outcome === 'late' || o.outcome === 'reset')
    p.metrics.seq(station, o.outcome, o.missing);
}

/**
 * Refused content: counted, logged (rate-limited), told to the gateway and written to the
 * dead-letter store. A fault in the first three adds an `internal` rejection to the dead letter.
 * Resolves to the store's error, if any: the message is then not acknowledged.
 */
function refuse(
  p: AdmitParts,
  recordFault: RecordFault,
  message: AdmitMessage,
  station: string,
  result: ValidationResult,
  receivedAt: number,
): Promise<Error | undefined> {
  const accepted = result.accepted.length;
  const rejected = rejectedCount(result);
  const { topic, clientId, payload } = message;
  const errors = result.rejections;
  try {
    for (const r of errors) p.metrics.rejected(r.code);
    const notice: RejectionNotice = {
      ...(result.seq === undefined ? {} : { seq: result.seq }),
      receivedAt: new Date(receivedAt).toISOString(),
      accepted,
      rejected,
      errors: [...errors],
    };
    p.warn(
      'warn',
      station,
      { station, clientId, accepted, rejected, errors: errors.slice(0, 3) },
      'readings rejected (details in the dead-letter store)',
    );
    p.rejections$.next({ stationId: station, topic, clientId, payload, notice });
  } catch (err) {
    recordFault('refuse', station, err);
    errors.push(internalRejection('', err));
  }
  try {
    return p.deadLetters.appendMessage({ topic, station, clientId, payload, seq: result.seq, accepted, rejected, errors, receivedAt }).then(
      () => {
        p.metrics.deadLetter('message');
        return undefined;
      },
      (err: Error) => err,
    );
  } catch (err) {
    return Promise.resolve(err instanceof Error ? err : new Error(String(err)));
  }
}
