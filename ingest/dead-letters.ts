import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { RejectionSchema, type Logger, type Rejection } from '../core/index.js';
import { systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { everyUnref } from '../platform/index.js';
import { pruneDeadLetters } from './dead-letter-files.js';
import { DeadLetterWriter } from './dead-letter-writer.js';

export { deadLetterFiles } from './dead-letter-files.js';

/**
 * One dead letter, as a line of JSON. `message`: a gateway message with rejected content (kept
 * raw: UTF-8 text in `payload`, else base64 in `payloadBase64`). `line`: a line InfluxDB refused
 * after the delivery loop isolated it.
 */
export const DeadLetterSchema = z.object({
  kind: z.enum(['message', 'line']),
  receivedAt: z.string(),
  topic: z.string().optional(),
  station: z.string().optional(),
  clientId: z.string().optional(),
  seq: z.number().optional(),
  accepted: z.number().int().optional(),
  rejected: z.number().int().optional(),
  payload: z.string().optional(),
  payloadBase64: z.string().optional(),
  /** Size of the raw payload; the stored copy stops at 256 KiB (a bigger one was rejected for its size). */
  payloadBytes: z.number().int().optional(),
  truncated: z.boolean().optional(),
  line: z.string().optional(),
  codes: z.array(z.string()),
  errors: z.array(RejectionSchema),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export interface DeadLetterStoreOptions {
  /** DATA_DIR/deadletters */
  dir: string;
  maxAgeDays: number;
  maxBytes: number;
  log: Logger;
  /** Reads the time (records, file names, retention); default: the scheduler's. */
  clock?: Clock;
  /** Runs the fsync and retention ticks: virtual time in tests; unref'd on the system scheduler. */
  scheduler?: SchedulerLike;
}

/** A gateway message with rejected content, as ingest saw it. */
export interface MessageInput {
  topic: string;
  station: string;
  clientId?: string;
  payload: Buffer;
  seq?: number;
  accepted: number;
  rejected: number;
  errors: Rejection[];
  receivedAt: number;
}

export interface DeadLetterStore {
  /** A gateway message with rejected content. Resolves once written (to the OS; fsynced within a second). */
  appendMessage(input: MessageInput): Promise<void>;
  /**
   * A line InfluxDB refused. Resolves only once fsynced: the delivery loop moves the spool's
   * checkpoint past the line right after, and the reading was PUBACKed, so this copy is its only one.
   */
  appendLine(line: string, error: Rejection): Promise<void>;
  /** Applies the retention now (it also runs hourly and when a file is sealed). */
  prune(): Promise<void>;
  close(): Promise<void>;
}

const KEEP_PAYLOAD_BYTES = 256 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The dead-letter store (docs/PROTOCOL.md, "Acceptance and rejection"): append-only JSON lines in
 * files named after their first record's time, sealed at 1/8 of the size budget or at the
 * UTC day's end. Retention drops whole files: those older than `maxAgeDays`, then the oldest
 * until the total is within `maxBytes`. Writes of one turn of the event loop share one write().
 */
export async function createDeadLetterStore(options: DeadLetterStoreOptions): Promise<DeadLetterStore> {
  const dir = resolve(options.dir);
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const { log } = options;
  const fileBytes = Math.max(64 * 1024, Math.floor(options.maxBytes / 8));
  await mkdir(dir, { recursive: true });

  const retention = { dir, maxAgeDays: options.maxAgeDays, maxBytes: options.maxBytes, log };
  const prune = (): Promise<void> => pruneDeadLetters(retention, clock.now(), () => writer.current());
  const pruneLater = (): void => void prune().catch((err: Error) => log.warn({ err }, 'dead-letter retention failed'));
  const writer = new DeadLetterWriter({ dir, fileBytes, log, clock, scheduler, onSealed: pruneLater });
  await prune();
  const pruneTick = everyUnref(scheduler, pruneLater, 3_600_000);
  const enqueue = (record: DeadLetter, durable = false): Promise<void> => writer.append(`${JSON.stringify(record)}\n`, durable);

  return {
    appendMessage: (input) => enqueue(messageRecord(input)),
    appendLine: (line, error) => enqueue(lineRecord(line, error, clock.now()), true),
    prune,
    async close() {
      pruneTick.unsubscribe();
      await writer.close();
    },
  };
}

/** A gateway message with rejected content, kept raw (at most 256 KiB of it). */
function messageRecord(input: MessageInput): DeadLetter {
  const kept = input.payload.length > KEEP_PAYLOAD_BYTES ? input.payload.subarray(0, KEEP_PAYLOAD_BYTES) : input.payload;
  let text: string | undefined;
  try {
    text = utf8.decode(kept);
  } catch {
    /* not UTF-8 (or cut inside a character): keep it as base64 */
  }
  return {
    kind: 'message',
    receivedAt: new Date(input.receivedAt).toISOString(),
    topic: input.topic,
    station: input.station,
    ...(input.clientId === undefined ? {} : { clientId: input.clientId }),
    ...(input.seq === undefined ? {} : { seq: input.seq }),
    accepted: input.accepted,
    rejected: input.rejected,
    ...(text === undefined ? { payloadBase64: kept.toString('base64') } : { payload: text }),
    payloadBytes: input.payload.length,
    ...(kept.length < input.payload.length ? { truncated: true } : {}),
    codes: [...new Set(input.errors.map((e) => e.code))],
    errors: input.errors,
  };
}

/** A line InfluxDB refused, with the station read from its tags. */
function lineRecord(line: string, error: Rejection, now: number): DeadLetter {
  // The tag set comes first, so the first `,station=` is the tag (values escape `,`, ` `, `=`).
  const station = /,station=((?:\\.|[^,\\ ])*)/.exec(line)?.[1]?.replace(/\\(.)/g, '$1');
  return {
    kind: 'line',
    receivedAt: new Date(now).toISOString(),
    ...(station === undefined ? {} : { station }),
    line,
    codes: [error.code],
    errors: [error],
  };
}
