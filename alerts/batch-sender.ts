import type { SchedulerLike, Subscription } from 'rxjs';
import type { Reading, SeriesIndex } from '../core/index.js';
import { createReadingBatcher, type ReadingBatch } from './reading-batch.js';

/** A batch goes at once when it holds this many readings. */
export const BATCH_READINGS = 8192;
/** Readings wait at most this long for their batch: at most 100 posts a second instead of one per event-loop turn. */
export const FLUSH_MS = 10;

export interface BatchSenderOptions {
  index: SeriesIndex;
  /** A batch goes at once when it holds this many readings (BATCH_READINGS). */
  maxReadings?: number;
  /** Otherwise the first reading of a batch waits at most this long, ms (FLUSH_MS). */
  flushMs?: number;
  scheduler: SchedulerLike;
  /** Takes each batch (posts it to the worker, or counts it dropped). */
  send(batch: ReadingBatch): void;
}

export interface BatchSender {
  /** Packs a reading; a series the catalogue does not list is ignored (impossible after validation). */
  push(r: Reading): void;
  /** Sends what is packed now (before a call, so the worker evaluates those readings first; at close). */
  flush(): void;
  /** Readings packed and not yet sent. */
  readonly size: number;
}

/**
 * The main thread's side of the readings' crossing (docs/ARCHITECTURE.md, "Two cores"): readings
 * are packed into a Float64Array as they come and sent every `flushMs` after the first of a
 * batch, or at `maxReadings`, whichever is first. The timer runs on `scheduler` (virtual time in
 * tests) and only while a batch is open.
 */
export function createBatchSender(options: BatchSenderOptions): BatchSender {
  const { maxReadings = BATCH_READINGS, flushMs = FLUSH_MS, scheduler, send } = options;
  const batcher = createReadingBatcher(options.index, maxReadings);
  let timer: Subscription | undefined;

  const flush = (): void => {
    timer?.unsubscribe();
    timer = undefined;
    const batch = batcher.take();
    if (batch) send(batch);
  };
  const onTimer = (): void => {
    timer = undefined;
    flush();
  };

  return {
    push(r) {
      if (!batcher.push(r)) return;
      if (batcher.size >= maxReadings) flush();
      else timer ??= scheduler.schedule(onTimer, flushMs);
    },
    flush,
    get size() {
      return batcher.size;
    },
  };
}
