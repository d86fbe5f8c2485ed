import { QuantracError, type DurableLogHealth, type StorageCondition } from '../core/index.js';
import { wait, type SchedulerLike } from '../platform/index.js';
import type { DeliveryStatus } from './delivery.js';
import { DELIVERY_CONSUMER } from './spool-cursor-files.js';
import type { InfluxWriteErrorKind } from './influx-client.js';
import type { Spool, SpoolStats } from './spool.js';

export interface IngestHealth {
  status: 'ok' | 'degraded' | 'failing';
  reasons: string[];
  storage: StorageCondition;
  spool: Omit<SpoolStats, 'oldestUndeliveredAt' | 'slowingMs' | 'pausedMs'> & { oldestUndeliveredAt?: string; lastWriteError?: string };
  /**
   * No URL and no error text: /healthz is public, and InfluxDB's address and answers are nobody
   * else's business. `lastError.reason` is coarse ("unreachable", "http 401"); the log has the rest.
   */
  influx: { api: 'v1' | 'v2' } & Pick<DeliveryStatus, 'consecutiveFailures'> & {
      lastError?: PublicWriteError;
      lastSuccessAt?: string;
      failingSince?: string;
    };
  /** Cluster mode: whether the replicated log is writable (Redis reachable, enough replicas). */
  log?: DurableLogHealth;
}

/** A failed InfluxDB write as /healthz shows it. */
export interface PublicWriteError {
  kind: InfluxWriteErrorKind;
  reason: string;
  statusCode?: number;
  at: string;
}

export interface HealthParts {
  spool: Pick<Spool, 'stats' | 'lastWriteError'>;
  delivery: DeliveryStatus;
  /** The condition now, and the one last emitted on storage$. */
  condition: StorageCondition;
  emitted: StorageCondition;
  api: 'v1' | 'v2';
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** /healthz: `failing` when spool writes fail or admission is paused, `degraded` with any other reason. */
export function ingestHealth({ spool, delivery: ds, condition, emitted, api }: HealthParts): IngestHealth {
  const st = spool.stats();
  const reasons: string[] = [];
  const lastWriteError = spool.lastWriteError();
  if (lastWriteError) reasons.push(`spool writes failing: ${lastWriteError}`);
  if (st.backpressure === 'paused') reasons.push('spool at its disk budget: admission paused');
  else if (st.backpressure === 'slowing') reasons.push('spool past its high-water mark: admission slowed');
  if (ds.failingSince !== undefined) reasons.push(`InfluxDB writes failing since ${iso(ds.failingSince)}`);
  else if (condition.backlog && (condition.lagging ?? [DELIVERY_CONSUMER]).includes(DELIVERY_CONSUMER)) {
    reasons.push('delivery to InfluxDB is behind');
  }
  for (const name of condition.lagging ?? []) if (name !== DELIVERY_CONSUMER) reasons.push(`spool cursor ${name} is behind`);
  const failing = lastWriteError !== undefined || st.backpressure === 'paused';
  const { slowingMs: _s, pausedMs: _p, oldestUndeliveredAt, ...spoolRest } = st;
  return {
    status: failing ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok',
    reasons,
    storage: emitted,
    spool: {
      ...spoolRest,
      ...(oldestUndeliveredAt === undefined ? {} : { oldestUndeliveredAt: iso(oldestUndeliveredAt) }),
      ...(lastWriteError ? { lastWriteError } : {}),
    },
    influx: {
      api,
      consecutiveFailures: ds.consecutiveFailures,
      ...(ds.lastError ? { lastError: publicWriteError(ds.lastError) } : {}),
      ...(ds.lastSuccessAt === undefined ? {} : { lastSuccessAt: iso(ds.lastSuccessAt) }),
      ...(ds.failingSince === undefined ? {} : { failingSince: iso(ds.failingSince) }),
    },
  };
}

/**
 * /healthz in cluster mode (docs/ARCHITECTURE.md, "Cluster mode"): `failing` (503, the load
 * balancer sends gateways elsewhere) while the replicated log is not writable, since every
 * admission would be refused; `degraded` while InfluxDB writes fail (the log keeps the data).
 */
export function clusterHealth(p: {
  log: DurableLogHealth;
  delivery: DeliveryStatus;
  condition: StorageCondition;
  api: 'v1' | 'v2';
  noSpool: SpoolStats;
}): IngestHealth {
  const { log, delivery: ds } = p;
  const reasons = log.reasons.map((r) => `replicated log not writable: ${r}`);
  if (ds.failingSince !== undefined) reasons.push(`InfluxDB writes failing since ${iso(ds.failingSince)}`);
  else if (p.condition.backlog) reasons.push('delivery to InfluxDB is behind');
  const { slowingMs: _s, pausedMs: _p, oldestUndeliveredAt: _o, ...spool } = p.noSpool;
  return {
    status: !log.writable ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok',
    reasons,
    storage: p.condition,
    spool,
    influx: {
      api: p.api,
      consecutiveFailures: ds.consecutiveFailures,
      ...(ds.lastError ? { lastError: publicWriteError(ds.lastError) } : {}),
      ...(ds.lastSuccessAt === undefined ? {} : { lastSuccessAt: iso(ds.lastSuccessAt) }),
      ...(ds.failingSince === undefined ? {} : { failingSince: iso(ds.failingSince) }),
    },
    log,
  };
}

/** Only the kind of failure and the HTTP status: the message can hold the host, port and response body. */
function publicWriteError(e: NonNullable<DeliveryStatus['lastError']>): PublicWriteError {
  return {
    kind: e.kind,
    reason: e.statusCode === undefined ? 'unreachable' : `http ${e.statusCode}`,
    ...(e.statusCode === undefined ? {} : { statusCode: e.statusCode }),
    at: iso(e.at),
  };
}

/**
 * Resolves once everything durable when called is delivered (the checkpoint reached it);
 * rejects after `timeoutMs`, or at once when ingest is closing. Looks again at every change of
 * the spool and at least once a second, on the scheduler.
 */
export async function waitDelivered(
  spool: Pick<Spool, 'checkpoint' | 'committedEnd' | 'changed' | 'stats'>,
  timeoutMs: number,
  scheduler: SchedulerLike,
  closing: () => boolean,
): Promise<void> {
  const target = spool.committedEnd;
  const deadline = scheduler.now() + timeoutMs;
  while (spool.checkpoint < target) {
    const left = deadline - scheduler.now();
    if (left <= 0 || closing()) {
      throw new QuantracError('ERR_NOT_DELIVERED', `${spool.stats().backlogPoints} points not yet delivered to InfluxDB`, {
        retryable: true,
      });
    }
    await Promise.race([spool.changed(), wait(Math.min(left, 1000), scheduler)]);
  }
}
