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
  rejections$: Subject<RejectionEvent>;
  /** One warning per station a minute: a misbehaving gateway must not flood the log. */
  warn: RateLimitedLog;
  clock: Clock;
  /** Holds the PUBACK past the high-water mark: virtual time in tests. */
  scheduler: SchedulerLike;
  closing(): boolean;
}

/**
 * The admit path (docs/ARCHITECTURE.md, "Facts that shape the design"; docs/PROTOCOL.md, "Acceptance
 * and rejection"): validate, count the seq, dead-letter what is refused and tell the gateway,
 * append what is accepted to the spool and resolve once it is durable (the broker PUBACKs
 * then), publish the readings live, and hold the PUBACK a little past the high-water mark.
 * Per message: one await for the group commit, no closure beyond the spool's promise.
 */
export function createAdmit(p: AdmitParts): Admit {
  const { spool, metrics, readings$ } = p;
  return async (message) => {
    const t0 = performance.now();
    if (p.closing()) throw new QuantracError('ERR_INGEST_CLOSED', 'ingest is shutting down', { retryable: true });
    const receivedAt = p.clock.now();
    const topic = parseTopic(message.topic);
    if (!topic || topic.kind !== 'readings') throw new QuantracError('ERR_TOPIC', `not a readings topic: ${message.topic}`);
    const station = topic.stationId;
    const result = validateMessage(station, message.payload, receivedAt, p.catalogue, p.window);
    const accepted = result.accepted.length;
    const rejected = result.rejectedReadings ?? (result.wholeMessage ? 1 : result.rejections.length);
    if (result.seq !== undefined) observeSeq(p, station, result.seq);
    const deadLettered = result.rejections.length > 0 ? refuse(p, message, station, result, receivedAt) : undefined;
    if (accepted > 0) {
      // join() builds a flat string: the spool encodes it to bytes without flattening a rope first.
      const lines = result.accepted.map(p.encodeReading);
      lines.push('');
      await spool.appendText(lines.join('\n'), accepted, true);
      // Durable now: the live path gets them at once, never waiting on InfluxDB.
      for (const r of result.accepted) readings$.next(r);
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
    return { accepted, rejected };
  };
}

/** The seq tracker's wiring: gaps, duplicates, late arrivals and restarts are counted per station. */
function observeSeq(p: AdmitParts, station: string, seq: number): void {
  const o = p.seqTracker.observe(station, seq);
  if (o.outcome === 'gap' || o.outcome === 'duplicate' || o.outcome === 'late' || o.outcome === 'reset')
    p.metrics.seq(station, o.outcome, o.missing);
}

/**
 * Refused content: counted, written to the dead-letter store, logged (rate-limited) and told to
 * the gateway. Resolves to the store's error, if any: the message is then not acknowledged.
 */
function refuse(
  p: AdmitParts,
  message: AdmitMessage,
  station: string,
  result: ValidationResult,
  receivedAt: number,
): Promise<Error | undefined> {
  const accepted = result.accepted.length;
  const rejected = result.rejectedReadings ?? (result.wholeMessage ? 1 : result.rejections.length);
  const errors = result.rejections;
  for (const r of errors) p.metrics.rejected(r.code);
  const notice: RejectionNotice = {
    ...(result.seq === undefined ? {} : { seq: result.seq }),
    receivedAt: new Date(receivedAt).toISOString(),
    accepted,
    rejected,
    errors,
  };
  const { topic, clientId, payload } = message;
  const deadLettered = p.deadLetters
    .appendMessage({ topic, station, clientId, payload, seq: result.seq, accepted, rejected, errors, receivedAt })
    .then(
      () => {
        p.metrics.deadLetter('message');
        return undefined;
      },
      (err: Error) => err,
    );
  const fields = { station, clientId, accepted, rejected, errors: errors.slice(0, 3) };
  p.warn('warn', station, fields, 'readings rejected (details in the dead-letter store)');
  p.rejections$.next({ stationId: station, topic, clientId, payload, notice });
  return deadLettered;
}
