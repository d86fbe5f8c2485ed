import { BehaviorSubject, type Subscription } from 'rxjs';
import type { Logger, StorageCondition } from '../core/index.js';
import type { Clock, SchedulerLike } from '../platform/index.js';
import { everyUnref } from '../platform/index.js';
import { DELIVERY_CONSUMER } from './spool-cursor-files.js';
import type { Spool } from './spool.js';

export interface StorageMonitorParts {
  spool: Pick<Spool, 'stats'>;
  budgetBytes: number;
  /** The backlog is raised when undelivered data is older than this, ms (INGEST_BACKLOG_ALERT_S). */
  backlogAlertMs: number;
  log: Logger;
  clock: Clock;
  /** Runs the 250 ms tick: virtual time in tests; unref'd on the system scheduler. */
  scheduler: SchedulerLike;
}

/** How often the lag condition and the bytes are looked at, ms. */
const TICK_MS = 250;
/** Bytes alone are pushed at most this often while they move (the dashboard's gauge), ms. */
const BYTES_EVERY_MS = 1000;

/**
 * The storage condition (docs/ARCHITECTURE.md, "Durability point"): `backlog` while the spool
 * applies backpressure or a consumer's unpassed data (InfluxDB delivery's, or a cursor's: the
 * upstream relay's) is older than `backlogAlertMs`; `lagging` names those consumers. Level changes are
 * pushed at once (the spool's onBackpressure calls evaluate()); a tick every 250 ms on the
 * scheduler catches the lag condition and the bytes. The tick must not hold the process open.
 *
 * The emission rule (a change of level at once, bytes alone at most once a second since the
 * last emission of either kind) is written by hand: it is no single RxJS operator, and a tick
 * of a few values a second costs nothing.
 */
export class StorageMonitor {
  readonly storage$: BehaviorSubject<StorageCondition>;
  private backlogSince: number | undefined;
  private lastEmitAt = 0;
  private readonly tick: Subscription;

  constructor(private readonly p: StorageMonitorParts) {
    this.storage$ = new BehaviorSubject<StorageCondition>(this.condition());
    this.tick = everyUnref(p.scheduler, () => this.evaluate(), TICK_MS);
  }

  /** The condition now (without `since`). */
  condition(): StorageCondition {
    const { spool, clock, backlogAlertMs, budgetBytes } = this.p;
    const st = spool.stats();
    const now = clock.now();
    const lagging: string[] = [];
    if (st.oldestUndeliveredAt !== undefined && now - st.oldestUndeliveredAt > backlogAlertMs) lagging.push(DELIVERY_CONSUMER);
    for (const c of st.cursors) if (c.oldestAt !== undefined && now - c.oldestAt > backlogAlertMs) lagging.push(c.name);
    return {
      backlog: st.backpressure !== 'none' || lagging.length > 0,
      spoolBytes: st.heldBytes,
      budgetBytes,
      backpressure: st.backpressure,
      ...(lagging.length > 0 ? { lagging } : {}),
    };
  }

  /** Looks again; emits on a change of level, or of bytes at most once a second. */
  evaluate(): void {
    const { storage$ } = this;
    if (storage$.closed) return;
    const clock = this.p.clock;
    const next = this.condition();
    const prev = storage$.value;
    if (next.backlog && !prev.backlog) this.backlogSince = clock.now();
    if (!next.backlog) this.backlogSince = undefined;
    const changed =
      next.backlog !== prev.backlog || next.backpressure !== prev.backpressure || String(next.lagging) !== String(prev.lagging);
    if (!changed && (next.spoolBytes === prev.spoolBytes || clock.now() - this.lastEmitAt < BYTES_EVERY_MS)) return;
    this.lastEmitAt = clock.now();
    if (next.backlog !== prev.backlog) {
      this.p.log[next.backlog ? 'warn' : 'info']({ ...next }, next.backlog ? 'storage backlog raised' : 'storage backlog cleared');
    }
    storage$.next({ ...next, ...(this.backlogSince === undefined ? {} : { since: this.backlogSince }) });
  }

  /** Stops the tick (the subject completes with close()). */
  stopTicking(): void {
    this.tick.unsubscribe();
  }

  close(): void {
    this.stopTicking();
    this.storage$.complete();
  }
}
