import { Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Logger } from '../core/index.js';
import { systemScheduler } from '../platform/index.js';
import { planRound } from './lease-plan.js';
import type { LeaseStore } from './lease-store.js';
import { SHARDS, shardOf } from './shard-hash.js';

/** Shards this node gained and lost in one round. */
export interface ShardChange {
  gained: number[];
  lost: number[];
}

export interface ShardOwnershipOptions {
  store: LeaseStore;
  nodeId: string;
  /** CLUSTER_LEASE_MS: how long a lease outlives a node that stopped renewing it. */
  leaseMs: number;
  log: Logger;
  /** Rounds and the expiry watchdog; virtual time in unit tests. */
  scheduler?: SchedulerLike;
  shards?: number;
}

export interface ShardOwnership {
  /** Whether this node holds the lease of the station's shard now: a Map and an array look-up. */
  owns(stationId: string): boolean;
  ownsShard(shard: number): boolean;
  /** The shards held now, ascending. */
  owned(): number[];
  /** Every change, synchronously, before the leases given up are released. */
  readonly changes$: Observable<ShardChange>;
  /** Awaited between a planned loss's emission and the release of its leases, so the last writes land while they hold. */
  setDrain(drain: (shards: number[]) => Promise<void>): void;
  /** Runs the first round (heartbeat, takes a fair share), then one every third of the lease. */
  start(): Promise<void>;
  /** Stops the rounds, gives up every shard (drained, released) and the heartbeat. */
  close(): Promise<void>;
}

/**
 * Alert rules ownership by lease (docs/ARCHITECTURE.md, "Cluster mode"): stations hash into 64
 * shards; this node holds a shard while it renews its lease, every third of CLUSTER_LEASE_MS, and
 * holds at most ceil(shards / live nodes). A lease it fails to renew is lost; one it cannot renew
 * at all (Redis unreachable, a round stalled) is given up locally before it can expire in Redis,
 * so two nodes never both evaluate a station: the watchdog drops everything half a round before
 * the last successful renewal's lease ends.
 */
export function createShardOwnership(options: ShardOwnershipOptions): ShardOwnership {
  return new ShardLeases(options);
}

class ShardLeases implements ShardOwnership {
  private readonly shards: number;
  private readonly scheduler: SchedulerLike;
  private readonly roundMs: number;
  private readonly held: Uint8Array;
  private readonly shardMemo = new Map<string, number>();
  private readonly subject = new Subject<ShardChange>();
  private readonly preferred: number[];
  private drain: (shards: number[]) => Promise<void> = async () => undefined;
  private timer: Subscription | undefined;
  private watchdog: Subscription | undefined;
  private closed = false;
  private failures = 0;
  readonly changes$: Observable<ShardChange> = this.subject.asObservable();

  constructor(private readonly o: ShardOwnershipOptions) {
    this.shards = o.shards ?? SHARDS;
    this.scheduler = o.scheduler ?? systemScheduler;
    this.roundMs = Math.max(1, Math.floor(o.leaseMs / 3));
    this.held = new Uint8Array(this.shards);
    this.preferred = preferenceOrder(o.nodeId, this.shards);
  }

  owns(stationId: string): boolean {
    let k = this.shardMemo.get(stationId);
    if (k === undefined) this.shardMemo.set(stationId, (k = shardOf(stationId, this.shards)));
    return this.held[k] === 1;
  }

  ownsShard(k: number): boolean {
    return this.held[k] === 1;
  }

  owned(): number[] {
    return this.preferred.filter((k) => this.held[k] === 1).sort((a, b) => a - b);
  }

  setDrain(fn: (shards: number[]) => Promise<void>): void {
    this.drain = fn;
  }

  async start(): Promise<void> {
    try {
      await this.round();
    } catch (err) {
      this.o.log.warn({ err }, 'first shard lease round failed; trying again every third of the lease');
    }
    this.loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.unsubscribe();
    this.watchdog?.unsubscribe();
    const mine = this.owned();
    this.lose(mine);
    try {
      await this.drain(mine);
      await this.o.store.release(mine, this.o.nodeId);
      await this.o.store.leave(this.o.nodeId);
    } catch (err) {
      this.o.log.warn({ err }, 'could not release shard leases; they expire after CLUSTER_LEASE_MS');
    }
    this.subject.complete();
  }

  private lose(lost: number[]): void {
    if (lost.length === 0) return;
    for (const k of lost) this.held[k] = 0;
    this.subject.next({ gained: [], lost });
  }

  /** Drops everything half a round before the lease renewed at `renewedAt` can expire in Redis, unless renewed again first. */
  private armWatchdog(renewedAt: number): void {
    this.watchdog?.unsubscribe();
    const dropAt = renewedAt + this.o.leaseMs - this.roundMs / 2;
    this.watchdog = this.scheduler.schedule(
      () => {
        const all = this.owned();
        if (all.length > 0)
          this.o.log.warn({ shards: all.length }, 'shard leases not renewed in time; alert rules of those stations stop here');
        this.lose(all);
      },
      Math.max(0, dropAt - this.scheduler.now()),
    );
  }

  private async round(): Promise<void> {
    const { store, nodeId, leaseMs } = this.o;
    const startedAt = this.scheduler.now();
    const live = await store.heartbeat(nodeId, leaseMs);
    const mine = this.owned();
    const still = new Set(await store.renew(mine, nodeId, leaseMs));
    this.armWatchdog(startedAt);
    // The watchdog may have dropped some while the renewal was under way: count only what is still held here.
    this.lose(mine.filter((k) => !still.has(k) && this.held[k] === 1));
    const plan = planRound({ preferred: this.preferred, held: this.held, live, shards: this.shards });
    if (plan.release.length > 0) {
      this.lose(plan.release);
      await this.drain(plan.release);
      await store.release(plan.release, nodeId);
    }
    if (plan.want === 0 || this.closed) return;
    const gained: number[] = [];
    for (const k of await store.acquire(plan.candidates, nodeId, leaseMs, plan.want)) {
      if (this.held[k] === 0 && !this.closed) {
        this.held[k] = 1;
        gained.push(k);
      }
    }
    if (gained.length > 0) this.subject.next({ gained: gained.sort((a, b) => a - b), lost: [] });
  }

  private loop(): void {
    this.timer = this.scheduler.schedule(() => {
      void this.round()
        .then(() => (this.failures = 0))
        .catch((err: Error) => {
          if (this.failures++ % 10 === 0) this.o.log.warn({ err, failures: this.failures }, 'shard lease round failed');
        })
        .finally(() => {
          if (!this.closed) this.loop();
        });
    }, this.roundMs);
  }
}

/** The shards in this node's order of preference: all of them, starting at its own id's shard, so nodes start apart. */
function preferenceOrder(nodeId: string, shards: number): number[] {
  const first = shardOf(nodeId, shards);
  return Array.from({ length: shards }, (_, i) => (first + i) % shards);
}
