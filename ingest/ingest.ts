import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import type { Registry } from 'prom-client';
import {
  parseTopic,
  QuantracError,
  systemClock,
  type Catalogue,
  type Clock,
  type Logger,
  type Reading,
  type RejectionNotice,
  type StorageCondition,
} from '../core/index.js';
import { createDeadLetterStore, type DeadLetterStore } from './dead-letters.js';
import { createDelivery, type Delivery, type DeliveryStatus } from './delivery.js';
import type { InfluxClient, InfluxWriteErrorKind } from './influx-client.js';
import { createIngestMetrics, noMetrics, type IngestMetrics } from './ingest-metrics.js';
import { createReadingEncoder } from './line-protocol.js';
import { createSeqTracker } from './seq-tracker.js';
import { createSpool, type Spool, type SpoolStats } from './spool.js';
import { validateMessage, type ValidationWindow } from './validate.js';

export interface AdmitMessage {
  topic: string;
  payload: Buffer;
  clientId?: string;
}

export interface AdmitResult {
  accepted: number;
  rejected: number;
}

/** A message with rejected content, for the gateway's errors topic. */
export interface RejectionEvent {
  stationId: string;
  topic: string;
  clientId?: string;
  payload: Buffer;
  notice: RejectionNotice;
}

export interface IngestSettings {
  spool: { budgetBytes: number; highWaterBytes: number; segmentBytes: number; maxSlowdownMs: number };
  delivery: { batchLines: number; batchBytes: number; flushMs: number; retryMaxMs: number; drainMs: number; concurrency?: number };
  deadLetters: { maxAgeDays: number; maxBytes: number };
  /** The backlog condition is raised when undelivered data is older than this, ms. */
  backlogAlertMs: number;
}

export const DEFAULT_INGEST_SETTINGS: IngestSettings = {
  spool: { budgetBytes: 1024 ** 3, highWaterBytes: 512 * 1024 ** 2, segmentBytes: 16 * 1024 ** 2, maxSlowdownMs: 1000 },
  delivery: { batchLines: 20_000, batchBytes: 4 * 1024 ** 2, flushMs: 200, retryMaxMs: 30_000, drainMs: 3000 },
  deadLetters: { maxAgeDays: 90, maxBytes: 256 * 1024 ** 2 },
  backlogAlertMs: 60_000,
};

export interface IngestOptions {
  catalogue: Catalogue;
  influx: InfluxClient;
  log: Logger;
  window: ValidationWindow;
  /** DATA_DIR: the spool lives in `spool/`, the dead letters in `deadletters/`. */
  dataDir: string;
  settings?: Partial<IngestSettings>;
  /** The centre's prom-client registry (createMetricsRegistry); ingest registers its metrics there. */
  registry?: Registry;
  clock?: Clock;
}

export interface IngestHealth {
  status: 'ok' | 'degraded' | 'failing';
  reasons: string[];
  storage: StorageCondition;
  spool: Omit<SpoolStats, 'oldestUndeliveredAt' | 'slowingMs' | 'pausedMs'> & { oldestUndeliveredAt?: string; lastWriteError?: string };
  /**
   * No URL and no error text: /healthz is public, and InfluxDB's address and answers are nobody
   * else's business. `lastError.reason` is coarse ("unreachable", "http 401"); the log has the rest.
   */
  influx: { api: 'v1' | 'v2' } & Pick<DeliveryStatus, 'consecutiveFailures'> & {
      lastError?: PublicWriteError;
      lastSuccessAt?: string;
      failingSince?: string;
    };
}

/** A failed InfluxDB write as /healthz shows it. */
export interface PublicWriteError {
  kind: InfluxWriteErrorKind;
  reason: string;
  statusCode?: number;
  at: string;
}

export interface Ingest {
  /** Validates, makes the accepted readings durable (fsync), then resolves: the broker PUBACKs after this. */
  admit(message: AdmitMessage): Promise<AdmitResult>;
  /** Every accepted reading, as soon as it is durable (never waits on InfluxDB): alerts, dashboard. */
  readonly readings$: Observable<Reading>;
  readonly rejections$: Observable<RejectionEvent>;
  /** The spool's condition: raise a `backlog` alert and show it while `backlog` is true. */
  readonly storage$: Observable<StorageCondition>;
  readonly influx: InfluxClient;
  /** Writes other line protocol (alert events) through the spool; resolves once durable. Never held back by the budget. */
  appendLines(lines: string[]): Promise<void>;
  /** For /healthz. */
  health(): IngestHealth;
  /**
   * Resolves once everything made durable so far is in InfluxDB (2xx) or dead-lettered;
   * rejects after `timeoutMs`. For tests and for an operator's "drain" before maintenance.
   */
  delivered(timeoutMs?: number): Promise<void>;
  /** Stops admitting, delivers what it can in `drainMs`, and closes; what is left is delivered at the next start. */
  close(): Promise<void>;
}

/**
 * Ingest: decode and validate per PROTOCOL.md, dead-letter what is refused, append what is
 * accepted to the durable spool (group commit), and let the delivery loop take it to InfluxDB.
 */
export async function createIngest(options: IngestOptions): Promise<Ingest> {
  const { catalogue, log } = options;
  const clock = options.clock ?? systemClock;
  const settings: IngestSettings = { ...DEFAULT_INGEST_SETTINGS, ...options.settings };
  const readings$ = new Subject<Reading>();
  const rejections$ = new Subject<RejectionEvent>();
  const seqTracker = createSeqTracker();
  const encodeReading = createReadingEncoder();
  let spool: Spool | undefined;
  const metrics: IngestMetrics = options.registry ? createIngestMetrics(options.registry, () => spool!.stats()) : noMetrics;

  let evaluate: () => void = () => undefined;
  spool = await createSpool({
    ...settings.spool,
    dir: join(options.dataDir, 'spool'),
    log: log.child({ part: 'spool' }),
    clock,
    onCommit: metrics.commitSeconds,
    onBackpressure: () => evaluate(),
  });
  const theSpool = spool;
  let deadLetters: DeadLetterStore;
  try {
    deadLetters = await createDeadLetterStore({
      ...settings.deadLetters,
      dir: join(options.dataDir, 'deadletters'),
      log: log.child({ part: 'deadletters' }),
      clock,
    });
  } catch (err) {
    await theSpool.close();
    throw err;
  }
  const delivery: Delivery = createDelivery({
    ...settings.delivery,
    spool: theSpool,
    influx: options.influx,
    deadLetters,
    log: log.child({ part: 'delivery' }),
    metrics,
    clock,
  });

  const condition = (): StorageCondition => {
    const st = theSpool.stats();
    const lagging = st.oldestUndeliveredAt !== undefined && clock.now() - st.oldestUndeliveredAt > settings.backlogAlertMs;
    return {
      backlog: st.backpressure !== 'none' || lagging,
      spoolBytes: st.backlogBytes,
      budgetBytes: settings.spool.budgetBytes,
      backpressure: st.backpressure,
    };
  };
  const storage$ = new BehaviorSubject<StorageCondition>(condition());
  let backlogSince: number | undefined;
  let lastEmitAt = 0;
  // Level changes are pushed at once (onBackpressure); the tick catches the lag condition and bytes.
  evaluate = (): void => {
    if (storage$.closed) return;
    const next = condition();
    const prev = storage$.value;
    if (next.backlog && !prev.backlog) backlogSince = clock.now();
    if (!next.backlog) backlogSince = undefined;
    const changed = next.backlog !== prev.backlog || next.backpressure !== prev.backpressure;
    // Bytes alone: at most once a second while they move (the dashboard's gauge).
    if (changed || (next.spoolBytes !== prev.spoolBytes && clock.now() - lastEmitAt >= 1000)) {
      lastEmitAt = clock.now();
      if (next.backlog !== prev.backlog)
        log[next.backlog ? 'warn' : 'info']({ ...next }, next.backlog ? 'storage backlog raised' : 'storage backlog cleared');
      storage$.next({ ...next, ...(backlogSince === undefined ? {} : { since: backlogSince }) });
    }
  };
  const tick = setInterval(() => evaluate(), 250);
  tick.unref();

  let closing = false;
  const warnedAt = new Map<string, number>();

  return {
    readings$: readings$.asObservable(),
    rejections$: rejections$.asObservable(),
    storage$: storage$.asObservable(),
    influx: options.influx,
    appendLines: (lines) => theSpool.append(lines),
    async admit(message) {
      const t0 = performance.now();
      if (closing) throw new QuantracError('ERR_INGEST_CLOSED', 'ingest is shutting down', { retryable: true });
      const receivedAt = clock.now();
      const topic = parseTopic(message.topic);
      if (!topic || topic.kind !== 'readings') throw new QuantracError('ERR_TOPIC', `not a readings topic: ${message.topic}`);
      const station = topic.stationId;
      const result = validateMessage(station, message.payload, receivedAt, catalogue, options.window);
      const accepted = result.accepted.length;
      const rejected = result.rejectedReadings ?? (result.wholeMessage ? 1 : result.rejections.length);

      if (result.seq !== undefined) {
        const o = seqTracker.observe(station, result.seq);
        if (o.outcome === 'gap' || o.outcome === 'duplicate' || o.outcome === 'late' || o.outcome === 'reset')
          metrics.seq(station, o.outcome, o.missing);
      }

      let deadLettered: Promise<Error | undefined> | undefined;
      if (result.rejections.length > 0) {
        for (const r of result.rejections) metrics.rejected(r.code);
        const notice: RejectionNotice = {
          ...(result.seq === undefined ? {} : { seq: result.seq }),
          receivedAt: new Date(receivedAt).toISOString(),
          accepted,
          rejected,
          errors: result.rejections,
        };
        deadLettered = deadLetters
          .appendMessage({
            topic: message.topic,
            station,
            clientId: message.clientId,
            payload: message.payload,
            seq: result.seq,
            accepted,
            rejected,
            errors: result.rejections,
            receivedAt,
          })
          .then(
            () => {
              metrics.deadLetter('message');
              return undefined;
            },
            (err: Error) => err,
          );
        // One warning per station a minute: a misbehaving gateway must not flood the log.
        if (receivedAt - (warnedAt.get(station) ?? 0) >= 60_000) {
          warnedAt.set(station, receivedAt);
          log.warn(
            { station, clientId: message.clientId, accepted, rejected, errors: result.rejections.slice(0, 3) },
            'readings rejected (details in the dead-letter store)',
          );
        }
        rejections$.next({ stationId: station, topic: message.topic, clientId: message.clientId, payload: message.payload, notice });
      }

      if (accepted > 0) {
        // join() builds a flat string: the spool encodes it to bytes without flattening a rope first.
        const lines = result.accepted.map(encodeReading);
        lines.push('');
        await theSpool.appendText(lines.join('\n'), accepted, true);
        // Durable now: the live path gets them at once, never waiting on InfluxDB.
        for (const r of result.accepted) readings$.next(r);
        metrics.accepted(accepted);
      }
      const dlError = deadLettered && (await deadLettered);
      if (dlError)
        throw new QuantracError('ERR_DEAD_LETTER', `dead-letter store write failed: ${dlError.message}`, {
          retryable: true,
          cause: dlError,
        });
      metrics.message(accepted === 0 ? 'rejected' : result.rejections.length > 0 ? 'partial' : 'accepted');
      // Past the high-water mark, hold the PUBACK a little: the gateway's socket slows with it.
      const slow = theSpool.slowdownMs();
      if (slow > 0) await delay(slow);
      metrics.admitSeconds((performance.now() - t0) / 1000);
      return { accepted, rejected };
    },
    health() {
      const st = theSpool.stats();
      const ds = delivery.status();
      const storage = condition();
      const reasons: string[] = [];
      const lastWriteError = theSpool.lastWriteError();
      if (lastWriteError) reasons.push(`spool writes failing: ${lastWriteError}`);
      if (st.backpressure === 'paused') reasons.push('spool at its disk budget: admission paused');
      else if (st.backpressure === 'slowing') reasons.push('spool past its high-water mark: admission slowed');
      if (ds.failingSince !== undefined) reasons.push(`InfluxDB writes failing since ${new Date(ds.failingSince).toISOString()}`);
      else if (storage.backlog) reasons.push('delivery to InfluxDB is behind');
      const failing = lastWriteError !== undefined || st.backpressure === 'paused';
      const { slowingMs: _s, pausedMs: _p, oldestUndeliveredAt, ...spoolRest } = st;
      return {
        status: failing ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok',
        reasons,
        storage: storage$.value,
        spool: {
          ...spoolRest,
          ...(oldestUndeliveredAt === undefined ? {} : { oldestUndeliveredAt: new Date(oldestUndeliveredAt).toISOString() }),
          ...(lastWriteError ? { lastWriteError } : {}),
        },
        influx: {
          api: options.influx.target.api,
          consecutiveFailures: ds.consecutiveFailures,
          ...(ds.lastError ? { lastError: publicWriteError(ds.lastError) } : {}),
          ...(ds.lastSuccessAt === undefined ? {} : { lastSuccessAt: new Date(ds.lastSuccessAt).toISOString() }),
          ...(ds.failingSince === undefined ? {} : { failingSince: new Date(ds.failingSince).toISOString() }),
        },
      };
    },
    async delivered(timeoutMs = 60_000) {
      const target = theSpool.committedEnd;
      const deadline = Date.now() + timeoutMs;
      while (theSpool.checkpoint < target) {
        const left = deadline - Date.now();
        if (left <= 0 || closing)
          throw new QuantracError('ERR_NOT_DELIVERED', `${theSpool.stats().backlogPoints} points not yet delivered to InfluxDB`, {
            retryable: true,
          });
        await Promise.race([theSpool.changed(), delay(Math.min(left, 1000))]);
      }
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(tick);
      await theSpool.stopAccepting();
      await delivery.close(settings.delivery.drainMs);
      await deadLetters.close();
      await theSpool.close();
      readings$.complete();
      rejections$.complete();
      storage$.complete();
    },
  };
}

/** Only the kind of failure and the HTTP status: the message can hold the host, port and response body. */
function publicWriteError(e: NonNullable<DeliveryStatus['lastError']>): PublicWriteError {
  return {
    kind: e.kind,
    reason: e.statusCode === undefined ? 'unreachable' : `http ${e.statusCode}`,
    ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }),
    at: new Date(e.at).toISOString(),
  };
}
