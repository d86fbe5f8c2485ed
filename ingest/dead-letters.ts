import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { RejectionSchema, systemClock, type Clock, type Logger, type Rejection } from '../core/index.js';
import { removeFile } from './spool-files.js';

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
  clock?: Clock;
}

export interface DeadLetterStore {
  /** A gateway message with rejected content. Resolves once written (to the OS; fsynced within a second). */
  appendMessage(input: {
    topic: string;
    station: string;
    clientId?: string;
    payload: Buffer;
    seq?: number;
    accepted: number;
    rejected: number;
    errors: Rejection[];
    receivedAt: number;
  }): Promise<void>;
  /**
   * A line InfluxDB refused. Resolves only once fsynced: the delivery loop moves the spool's
   * checkpoint past the line right after, and the reading was PUBACKed, so this copy is its only one.
   */
  appendLine(line: string, error: Rejection): Promise<void>;
  /** Applies the retention now (it also runs hourly and when a file is sealed). */
  prune(): Promise<void>;
  close(): Promise<void>;
}

const FILE = /^(\d{13})\.jsonl$/;
const KEEP_PAYLOAD_BYTES = 256 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export const deadLetterFiles = async (dir: string): Promise<Array<{ path: string; start: number }>> => {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .flatMap((n) => {
      const m = FILE.exec(n);
      return m ? [{ path: join(dir, n), start: Number(m[1]) }] : [];
    })
    .sort((a, b) => a.start - b.start);
};

/**
 * The dead-letter store (PROTOCOL.md, "Acceptance and rejection"): append-only JSON lines in
 * files named after their first record's time, sealed at 1/8 of the size budget or at the
 * UTC day's end. Retention drops whole files: those older than `maxAgeDays`, then the oldest
 * until the total is within `maxBytes`. Writes of one turn of the event loop share one write().
 */
export async function createDeadLetterStore(options: DeadLetterStoreOptions): Promise<DeadLetterStore> {
  const dir = resolve(options.dir);
  const clock = options.clock ?? systemClock;
  const { log } = options;
  const fileBytes = Math.max(64 * 1024, Math.floor(options.maxBytes / 8));
  await mkdir(dir, { recursive: true });

  let fh: FileHandle | undefined;
  let fileStart = 0;
  let fileSize = 0;
  let queue: Array<{ text: string; durable: boolean; resolve(): void; reject(err: Error): void }> = [];
  let flushing: Promise<void> | undefined;
  let dirty = false;

  const dayOf = (ms: number): number => Math.floor(ms / 86_400_000);

  const openFile = async (now: number): Promise<FileHandle> => {
    if (fh && fileSize < fileBytes && dayOf(fileStart) === dayOf(now)) return fh;
    if (fh) {
      await fh.datasync().catch(() => undefined);
      await fh.close();
      fh = undefined;
      void prune().catch((err: Error) => log.warn({ err }, 'dead-letter retention failed'));
    }
    const files = await deadLetterFiles(dir);
    const last = files.at(-1);
    if (last && dayOf(last.start) === dayOf(now)) {
      const size = (await stat(last.path)).size;
      if (size < fileBytes) {
        fileStart = last.start;
        fileSize = size;
        fh = await open(last.path, 'a');
        return fh;
      }
    }
    fileStart = Math.max(now, (last?.start ?? 0) + 1);
    fileSize = 0;
    fh = await open(join(dir, `${String(fileStart).padStart(13, '0')}.jsonl`), 'a');
    return fh;
  };

  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      let text = '';
      for (const item of batch) text += item.text;
      try {
        const file = await openFile(clock.now());
        const buf = Buffer.from(text, 'utf8');
        await file.write(buf);
        fileSize += buf.length;
        dirty = true;
        if (batch.some((item) => item.durable)) {
          await file.datasync();
          dirty = false;
        }
        for (const item of batch) item.resolve();
      } catch (err) {
        log.error({ err }, 'dead-letter store write failed');
        for (const item of batch) item.reject(err as Error);
      }
    }
  };

  const kick = (): void => {
    if (flushing) return;
    flushing = new Promise<void>((r) => setImmediate(r)).then(flush).finally(() => {
      flushing = undefined;
      if (queue.length > 0) kick();
    });
  };

  const enqueue = (record: DeadLetter, durable = false): Promise<void> =>
    new Promise<void>((res, rej) => {
      queue.push({ text: `${JSON.stringify(record)}\n`, durable, resolve: res, reject: rej });
      kick();
    });

  // Rejected messages are for diagnosis: a second's worth may wait for its fsync (the PUBACK's
  // promise concerns accepted readings, which the spool fsyncs before it). Refused lines are
  // such readings, so appendLine does not wait for this timer.
  const syncTimer = setInterval(() => {
    if (!dirty || !fh) return;
    dirty = false;
    fh.datasync().catch((err: Error) => log.warn({ err }, 'dead-letter fsync failed'));
  }, 1000);
  syncTimer.unref();

  async function prune(): Promise<void> {
    const files = await deadLetterFiles(dir);
    const now = clock.now();
    const cutoff = now - options.maxAgeDays * 86_400_000;
    const sizes = await Promise.all(
      files.map(async (f) => {
        const st = await stat(f.path).catch(() => undefined);
        return { ...f, size: st?.size ?? 0, mtime: st?.mtimeMs ?? now };
      }),
    );
    let total = sizes.reduce((n, f) => n + f.size, 0);
    for (const f of sizes) {
      const current = fh !== undefined && f.start === fileStart;
      if (current) continue;
      // A file's newest record is no newer than its last write.
      if (f.mtime < cutoff || total > options.maxBytes) {
        await removeFile(f.path);
        total -= f.size;
        log.info({ file: f.path, bytes: f.size }, 'dead letters past retention removed');
      }
    }
  }
  await prune();
  const pruneTimer = setInterval(() => void prune().catch((err: Error) => log.warn({ err }, 'dead-letter retention failed')), 3_600_000);
  pruneTimer.unref();

  return {
    appendMessage(input) {
      const kept = input.payload.length > KEEP_PAYLOAD_BYTES ? input.payload.subarray(0, KEEP_PAYLOAD_BYTES) : input.payload;
      let text: string | undefined;
      try {
        text = utf8.decode(kept);
      } catch {
        /* not UTF-8 (or cut inside a character): keep it as base64 */
      }
      return enqueue({
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
      });
    },
    appendLine(line, error) {
      // The tag set comes first, so the first `,station=` is the tag (values escape `,`, ` `, `=`).
      const station = /,station=((?:\\.|[^,\\ ])*)/.exec(line)?.[1]?.replace(/\\(.)/g, '$1');
      return enqueue(
        {
          kind: 'line',
          receivedAt: new Date(clock.now()).toISOString(),
          ...(station === undefined ? {} : { station }),
          line,
          codes: [error.code],
          errors: [error],
        },
        true,
      );
    },
    prune,
    async close() {
      clearInterval(syncTimer);
      clearInterval(pruneTimer);
      while (flushing) await flushing;
      if (fh) {
        await fh.datasync().catch(() => undefined);
        await fh.close();
        fh = undefined;
      }
    },
  };
}
