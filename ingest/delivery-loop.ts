import type { Subscription } from 'rxjs';
import type { Logger } from '../core/index.js';
import { wait, type Clock, type RetryPolicy, type SchedulerLike } from '../platform/index.js';
import type { BatchWriter } from './batch-writer.js';
import type { CheckpointAdvancer } from './checkpoint-advancer.js';
import type { WriteHealth } from './delivery-health.js';
import { Stopped } from './delivery-stop.js';
import type { Spool } from './spool.js';

export interface BatchPolicy {
  /** A batch is sent when it has this many lines or bytes, or its oldest line is this old. */
  batchLines: number;
  batchBytes: number;
  flushMs: number;
  /** Batches in flight at once. */
  concurrency: number;
}

export interface DeliveryLoopParts {
  spool: Spool;
  writer: BatchWriter;
  advancer: CheckpointAdvancer;
  health: WriteHealth;
  log: Logger;
  clock: Clock;
  policy: RetryPolicy;
  scheduler: SchedulerLike;
  signal: AbortSignal;
}

interface InFlight {
  end: number;
  lines: number;
  sent: Promise<void>;
}

/**
 * The batch reader: reads the spool from the checkpoint in batches (by lines, bytes or the
 * oldest line's age), keeps up to `concurrency` of them in flight through the writer, and
 * hands their ends to the checkpoint advancer strictly in order. Ends when aborted, or when
 * draining and nothing is left.
 */
export class DeliveryLoop {
  private draining = false;
  private readonly inFlight: InFlight[] = [];
  private readPos: number;
  private kick: () => void = () => undefined;

  constructor(
    private readonly p: DeliveryLoopParts,
    private readonly batch: BatchPolicy,
  ) {
    this.readPos = p.spool.checkpoint;
  }

  /** Sends what is left at once, and ends once nothing is. */
  drain(): void {
    this.draining = true;
    this.kick();
  }

  async run(): Promise<void> {
    const { spool, signal, log } = this.p;
    const inFlight = this.inFlight;
    for (let failures = 0; !signal.aborted;) {
      try {
        const next = inFlight.length < this.batch.concurrency ? this.due() : undefined;
        if (next && next.wait === undefined) {
          const batch = await spool.read(this.readPos, this.batch.batchBytes, this.batch.batchLines);
          const sent = batch.lines > 0 ? this.p.writer.send(batch.data) : Promise.resolve();
          sent.catch(() => undefined); // awaited in order below; this only marks it handled
          inFlight.push({ end: batch.end, lines: batch.lines, sent });
          this.readPos = batch.end;
          failures = 0;
          continue;
        }
        if (inFlight.length === 0) {
          if (next === undefined && this.draining) return;
          await this.pause(next?.wait);
          continue;
        }
        // Wait for the oldest batch; meanwhile a new one may become due if there is room.
        const head = inFlight[0]!;
        if (inFlight.length < this.batch.concurrency) {
          const settled = await Promise.race([head.sent.then(() => true), this.pause(next?.wait).then(() => false)]);
          if (!settled) continue;
        }
        await head.sent;
        inFlight.shift();
        this.p.advancer.queue(head.end, head.lines);
      } catch (err) {
        if (err instanceof Stopped) throw err;
        // A spool read failing (EIO, a file removed by hand) must not end delivery: retry.
        // Batches in flight go on; the read is tried again from where it failed.
        log.error({ err, readPos: this.readPos }, 'delivery loop error; retrying');
        await wait(this.p.policy.delayMs(failures++), this.p.scheduler, signal);
      }
    }
  }

  /** Is a batch due: enough lines or bytes waiting, the oldest old enough, or draining? `wait`: not yet, look again in that many ms. */
  private due(): { wait?: number } | undefined {
    const { spool, clock } = this.p;
    const { flushMs, batchBytes, batchLines } = this.batch;
    if (this.readPos >= spool.committedEnd) return undefined;
    if (this.draining) return {};
    const st = spool.stats();
    const waiting = spool.committedEnd - this.readPos;
    const age = clock.now() - (st.oldestUndeliveredAt ?? clock.now());
    if (this.inFlight.length === 0) {
      return age < flushMs && waiting < batchBytes && st.backlogPoints < batchLines ? { wait: flushMs - age } : {};
    }
    // While writes fail, one batch probes; the others wait for it.
    if (this.p.health.failing) return { wait: flushMs };
    // With a batch in flight, only a full one goes alongside it (the rest waits for the head).
    const waitingLines = st.backlogPoints - this.inFlight.reduce((n, b) => n + b.lines, 0);
    return waiting >= batchBytes || waitingLines >= batchLines ? {} : { wait: flushMs };
  }

  /** Waits for the spool to change, `ms` to pass, drain() or abort; never leaves a timer behind. */
  private pause(ms: number | undefined): Promise<void> {
    const { spool, scheduler, signal } = this.p;
    return new Promise<void>((resolve) => {
      let settled = false;
      let timer: Subscription | undefined;
      const done = (): void => {
        if (settled) return;
        settled = true;
        timer?.unsubscribe();
        signal.removeEventListener('abort', done);
        if (this.kick === done) this.kick = () => undefined;
        resolve();
      };
      if (ms !== undefined) timer = scheduler.schedule(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
      this.kick = done;
      if (ms === undefined || ms > 0) void spool.changed().then(done);
      else done();
    });
  }
}
