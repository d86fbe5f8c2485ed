import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../platform/index.js';
import { SECONDS } from './metric-buckets.js';
import { DELIVERY_CONSUMER } from './spool-cursor-files.js';
import type { SpoolStats } from './spool.js';

/**
 * The spool's metrics. Its figures are read at scrape time (`collect`) from `spoolStats`, so the
 * hot path only bumps counters; returns the one called per group commit.
 */
export function registerSpoolMetrics(registry: Registry, spoolStats: () => SpoolStats, clock: Clock): { commitSeconds(s: number): void } {
  const registers = [registry];
  new Gauge({
    name: 'quantrac_spool_backlog_bytes',
    help: 'Bytes appended to the spool and not yet delivered',
    registers,
    collect() {
      this.set(spoolStats().backlogBytes);
    },
  });
  new Gauge({
    name: 'quantrac_spool_backlog_points',
    help: 'Points in the spool not yet delivered',
    registers,
    collect() {
      this.set(spoolStats().backlogPoints);
    },
  });
  new Gauge({
    name: 'quantrac_spool_disk_bytes',
    help: 'Bytes of spool segment files on disk',
    registers,
    collect() {
      this.set(spoolStats().diskBytes);
    },
  });
  new Gauge({
    name: 'quantrac_spool_segments',
    help: 'Spool segment files',
    registers,
    collect() {
      this.set(spoolStats().segments);
    },
  });
  new Gauge({
    name: 'quantrac_spool_oldest_undelivered_seconds',
    help: 'Age of the oldest undelivered spool data (0 when all is delivered)',
    registers,
    collect() {
      const at = spoolStats().oldestUndeliveredAt;
      this.set(at === undefined ? 0 : Math.max(0, (clock.now() - at) / 1000));
    },
  });
  new Gauge({
    name: 'quantrac_backpressure_level',
    help: 'Admission backpressure: 0 none, 1 slowing (past the high-water mark), 2 paused (at the disk budget)',
    registers,
    collect() {
      this.set({ none: 0, slowing: 1, paused: 2 }[spoolStats().backpressure]);
    },
  });
  const commitHist = new Histogram({
    name: 'quantrac_spool_commit_seconds',
    help: 'One group commit: write() and fdatasync()',
    buckets: SECONDS,
    registers,
  });
  const commits = new Counter({
    name: 'quantrac_spool_commits_total',
    help: 'Group commits (one write() and one fdatasync() each)',
    registers,
  });
  backpressureSeconds(registers, spoolStats);
  cursorGauges(registers, spoolStats, clock);
  return {
    commitSeconds: (s) => {
      commits.inc();
      commitHist.observe(s);
    },
  };
}

/**
 * Each consumer's lag (docs/ARCHITECTURE.md, "One durable log, many cursors"): `influxdb` for
 * delivery's checkpoint, and each named cursor (the upstream relay's). Reset at each scrape, so a
 * dropped cursor's series goes.
 */
function cursorGauges(registers: Registry[], spoolStats: () => SpoolStats, clock: Clock): void {
  const consumers = (): Array<{ name: string; bytes: number; oldestAt?: number }> => {
    const s = spoolStats();
    return [
      { name: DELIVERY_CONSUMER, bytes: s.backlogBytes, oldestAt: s.oldestUndeliveredAt },
      ...s.cursors.map((c) => ({ name: c.name, bytes: c.backlogBytes, oldestAt: c.oldestAt })),
    ];
  };
  new Gauge({
    name: 'quantrac_spool_cursor_backlog_bytes',
    help: 'Bytes of the spool a consumer (influxdb: delivery; others: named cursors such as upstream) has not yet passed',
    labelNames: ['cursor'],
    registers,
    collect() {
      this.reset();
      for (const c of consumers()) this.labels(c.name).set(c.bytes);
    },
  });
  new Gauge({
    name: 'quantrac_spool_cursor_lag_seconds',
    help: 'Age of the oldest spool data a consumer has not yet passed (0 when it is at the end)',
    labelNames: ['cursor'],
    registers,
    collect() {
      this.reset();
      const now = clock.now();
      for (const c of consumers()) this.labels(c.name).set(c.oldestAt === undefined ? 0 : Math.max(0, (now - c.oldestAt) / 1000));
    },
  });
}

/** Time spent slowed or paused, from the spool's running totals at each scrape. */
function backpressureSeconds(registers: Registry[], spoolStats: () => SpoolStats): void {
  let slowingSeen = 0;
  let pausedSeen = 0;
  new Counter({
    name: 'quantrac_backpressure_seconds_total',
    help: 'Time spent with admission slowed or paused',
    labelNames: ['level'],
    registers,
    collect() {
      const s = spoolStats();
      this.labels('slowing').inc(Math.max(0, s.slowingMs - slowingSeen) / 1000);
      this.labels('paused').inc(Math.max(0, s.pausedMs - pausedSeen) / 1000);
      slowingSeen = Math.max(slowingSeen, s.slowingMs);
      pausedSeen = Math.max(pausedSeen, s.pausedMs);
    },
  });
}
