import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Subscription } from 'rxjs';
import type { Logger } from '../core/index.js';
import type { Clock, SchedulerLike } from '../platform/index.js';
import { everyUnref } from '../platform/index.js';
import { deadLetterFiles, deadLetterPath } from './dead-letter-files.js';

export interface DeadLetterWriterOptions {
  dir: string;
  /** A file is sealed at this size, or at the UTC day's end. */
  fileBytes: number;
  log: Logger;
  clock: Clock;
  /** Runs the 1 s fsync tick (unref'd on the system scheduler). */
  scheduler: SchedulerLike;
  /** Called when a file is sealed (retention runs then). */
  onSealed(): void;
}

interface Queued {
  text: string;
  durable: boolean;
  resolve(): void;
  reject(err: Error): void;
}

const dayOf = (ms: number): number => Math.floor(ms / 86_400_000);

/**
 * The dead-letter store's file writer: appends JSON lines to the current file, named after its
 * first record's time; records of one turn of the event loop share one write(). A durable
 * record (a line InfluxDB refused) is fsynced before it resolves; the rest within a second.
 */
export class DeadLetterWriter {
  private fh: FileHandle | undefined;
  private fileStart = 0;
  private fileSize = 0;
  private queue: Queued[] = [];
  private flushing: Promise<void> | undefined;
  private dirty = false;
  private readonly syncTick: Subscription;

  constructor(private readonly o: DeadLetterWriterOptions) {
    // Rejected messages are for diagnosis: a second's worth may wait for its fsync (the PUBACK's
    // promise concerns accepted readings, which the spool fsyncs before it). Refused lines are
    // such readings, so a durable append does not wait for this tick.
    this.syncTick = everyUnref(o.scheduler, () => this.syncNow(), 1000);
  }

  /** The start of the file being written, undefined while none is open: retention spares it. */
  current(): number | undefined {
    return this.fh === undefined ? undefined : this.fileStart;
  }

  append(text: string, durable: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ text, durable, resolve, reject });
      this.kick();
    });
  }

  async close(): Promise<void> {
    this.syncTick.unsubscribe();
    while (this.flushing) await this.flushing;
    if (this.fh) {
      await this.fh.datasync().catch(() => undefined);
      await this.fh.close();
      this.fh = undefined;
    }
  }

  private syncNow(): void {
    if (!this.dirty || !this.fh) return;
    this.dirty = false;
    this.fh.datasync().catch((err: Error) => this.o.log.warn({ err }, 'dead-letter fsync failed'));
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((r) => setImmediate(r))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.kick();
      });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      let text = '';
      for (const item of batch) text += item.text;
      try {
        const file = await this.openFile(this.o.clock.now());
        const buf = Buffer.from(text, 'utf8');
        await file.write(buf);
        this.fileSize += buf.length;
        this.dirty = true;
        if (batch.some((item) => item.durable)) {
          await file.datasync();
          this.dirty = false;
        }
        for (const item of batch) item.resolve();
      } catch (err) {
        this.o.log.error({ err }, 'dead-letter store write failed');
        for (const item of batch) item.reject(err as Error);
      }
    }
  }

  /** The file for a record at `now`: the current one, the day's last one with room, or a new one. */
  private async openFile(now: number): Promise<FileHandle> {
    const { dir, fileBytes } = this.o;
    if (this.fh && this.fileSize < fileBytes && dayOf(this.fileStart) === dayOf(now)) return this.fh;
    if (this.fh) {
      await this.fh.datasync().catch(() => undefined);
      await this.fh.close();
      this.fh = undefined;
      this.o.onSealed();
    }
    const last = (await deadLetterFiles(dir)).at(-1);
    if (last && dayOf(last.start) === dayOf(now)) {
      const size = (await stat(last.path)).size;
      if (size < fileBytes) {
        this.fileStart = last.start;
        this.fileSize = size;
        this.fh = await open(last.path, 'a');
        return this.fh;
      }
    }
    this.fileStart = Math.max(now, (last?.start ?? 0) + 1);
    this.fileSize = 0;
    this.fh = await open(deadLetterPath(dir, this.fileStart), 'a');
    return this.fh;
  }
}
