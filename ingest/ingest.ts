import { Subject, type Observable } from 'rxjs';
import { parseTopic, systemClock, type Catalogue, type Clock, type Logger, type Reading, type RejectionNotice } from '../core/index.js';
import type { InfluxClient } from './influx-client.js';
import { encodeReading } from './line-protocol.js';
import type { LineSink } from './direct-sink.js';
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

/** A message with rejected content, for the gateway's errors topic and the dead-letter store. */
export interface RejectionEvent {
  stationId: string;
  topic: string;
  clientId?: string;
  payload: Buffer;
  notice: RejectionNotice;
}

export interface IngestOptions {
  catalogue: Catalogue;
  influx: InfluxClient;
  sink: LineSink;
  log: Logger;
  window: ValidationWindow;
  clock?: Clock;
}

export interface Ingest {
  /** Validates, makes the accepted readings safe, then resolves: the broker PUBACKs after this. */
  admit(message: AdmitMessage): Promise<AdmitResult>;
  /** Every accepted reading, for the live path (alerts, dashboard). */
  readonly readings$: Observable<Reading>;
  readonly rejections$: Observable<RejectionEvent>;
  readonly influx: InfluxClient;
  /** Writes other line protocol (alert events) through the same safe path as readings. */
  appendLines(lines: string[]): Promise<void>;
  close(): Promise<void>;
}

export function createIngest(options: IngestOptions): Ingest {
  const { catalogue, sink, log } = options;
  const clock = options.clock ?? systemClock;
  const readings$ = new Subject<Reading>();
  const rejections$ = new Subject<RejectionEvent>();

  return {
    readings$: readings$.asObservable(),
    rejections$: rejections$.asObservable(),
    influx: options.influx,
    appendLines: (lines) => sink.append(lines),
    async admit(message) {
      const receivedAt = clock.now();
      const topic = parseTopic(message.topic);
      if (!topic || topic.kind !== 'readings') throw new Error(`not a readings topic: ${message.topic}`);
      const result = validateMessage(topic.stationId, message.payload, receivedAt, catalogue, options.window);
      if (result.rejections.length > 0) {
        const notice: RejectionNotice = {
          ...(result.seq === undefined ? {} : { seq: result.seq }),
          receivedAt: new Date(receivedAt).toISOString(),
          accepted: result.accepted.length,
          rejected: result.wholeMessage ? 1 : result.rejections.length,
          errors: result.rejections,
        };
        log.warn({ station: topic.stationId, clientId: message.clientId, errors: result.rejections.slice(0, 5) }, 'readings rejected');
        rejections$.next({ stationId: topic.stationId, topic: message.topic, clientId: message.clientId, payload: message.payload, notice });
      }
      if (result.accepted.length > 0) {
        for (const r of result.accepted) readings$.next(r);
        await sink.append(result.accepted.map(encodeReading));
      }
      return { accepted: result.accepted.length, rejected: result.wholeMessage ? 1 : result.rejections.length };
    },
    async close() {
      await sink.close();
      readings$.complete();
      rejections$.complete();
    },
  };
}
