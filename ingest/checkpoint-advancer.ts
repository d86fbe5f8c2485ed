import type { Logger } from '../core/index.js';
import { retryUntilDone, type Clock, type RetryPolicy, type SchedulerLike } from '../platform/index.js';
import { Stopped, throwIfStopped } from './delivery-stop.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { Spool } from './spool.js';

export interface CheckpointAdvancerParts {
  spool: Pick<Spool, 'advance'>;
  log: Logger;
  metrics: IngestMetrics;
  clock: Clock;
  policy: RetryPolicy;
  scheduler: SchedulerLike;
  signal: AbortSignal;
}

/**
 * The in-order checkpoint advancer (docs/ARCHITECTURE.md, "Durability point"). The delivery loop
 * queues a batch's end only once it and every batch before it are stored; the checkpoint is
 * written (two fsyncs) off the send loop, coalesced: while one write is under way, batches
 * stored meanwhile are folded into the next. A crash before it lands only replays those
 * batches, which stores nothing twice (points are idempotent). A failed write is retried.
 */
export class CheckpointAdvancer {
  private target: number | undefined;
  private lines = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly p: CheckpointAdvancerParts) {}

  /** Delivered up to `to`: `lines` more points. */
  queue(to: number, lines: number): void {
    this.target = to;
    this.lines += lines;
    this.running ??= this.drain()
      .catch((err: unknown) => {
        if (!(err instanceof Stopped)) this.p.log.error({ err }, 'checkpoint writer stopped');
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves once no checkpoint write is under way. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.target !== undefined) {
      const target = this.target;
      const count = this.lines;
      this.target = undefined;
      this.lines = 0;
      const passed = await this.advance(target, count);
      const now = this.p.clock.now();
      this.p.metrics.delivered(
        count,
        passed.map((at) => (now - at) / 1000),
      );
    }
  }

  /** Not advancing only means a replay of this batch later (idempotent): keep trying until stopped. */
  private advance(to: number, lines: number): Promise<number[]> {
    const { spool, log, signal } = this.p;
    return retryUntilDone(
      (attempt) => {
        if (attempt > 0) throwIfStopped(signal);
        return spool.advance(to, lines);
      },
      {
        policy: this.p.policy,
        scheduler: this.p.scheduler,
        signal,
        onError: (err) => {
          if (err instanceof Stopped) throw err;
          log.error({ err }, 'could not write the spool checkpoint; retrying');
        },
      },
    );
  }
}
