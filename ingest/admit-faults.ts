import type { Rejection } from '../core/index.js';
import type { RateLimitedLog } from '../platform/index.js';
import type { AdmitFaultStage, IngestMetrics } from './ingest-metrics.js';
import { internalMessage } from './validate.js';

/** Counts and logs a fault met at `stage` while handling a message from `station`. */
export type RecordFault = (stage: AdmitFaultStage, station: string, err: unknown) => void;

/**
 * The admit path's fault handling (docs/PROTOCOL.md, "Acceptance and rejection"): a fault of the
 * centre in handling one message never fails its admission, or a QoS 1 gateway would resend it
 * forever and lose the valid readings with it. Each fault is counted
 * (quantrac_ingest_internal_errors_total{stage}) and logged with the error, one line per stage a
 * minute (the rate-limited `warn`); the admit path turns it into an `internal` rejection.
 */
export function createFaultRecorder(metrics: Pick<IngestMetrics, 'internalError'>, warn: RateLimitedLog): RecordFault {
  return (stage, station, err) => {
    try {
      metrics.internalError(stage);
      warn(
        'error',
        `internal:${stage}`,
        { station, stage, err },
        'fault while handling a readings message (acknowledged, kept as a dead letter)',
      );
    } catch {
      /* counting and logging are best effort here: the message is handled either way */
    }
  };
}

/** The rejection a fault becomes. */
export function internalRejection(path: string, err: unknown): Rejection {
  return { path, code: 'internal', message: internalMessage(err) };
}
