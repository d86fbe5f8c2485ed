import { QuantracError, type ClusterSettings, type DurableLog, type DurableLogHealth, type Logger } from '../core/index.js';
import { everyUnref, systemScheduler, type SchedulerLike } from '../platform/index.js';
import { logKey, noLogMetrics, type LogMetrics } from './log-metrics.js';
import type { Redis } from './redis-connection.js';

export interface LogWriterOptions {
  /**
   * A connection of the writer's own: WAIT counts the replicas that hold every earlier write
   * of *this* connection, so no other part may write through it.
   */
  redis: Redis;
  settings: Pick<ClusterSettings, 'nodeId' | 'waitReplicas' | 'waitTimeoutMs' | 'keyPrefix'>;
  log: Logger;
  metrics?: LogMetrics;
  /** The replication probe's tick (unref'd on the system scheduler). */
  scheduler?: SchedulerLike;
  /** One XADD holds at most about this much text; a larger group commit is several entries in one pipeline. */
  maxEntryBytes?: number;
}

export interface LogWriter extends DurableLog {
  /** Writes what is queued, then refuses further appends. The connection is the caller's to close. */
  close(): Promise<void>;
}

/** The messages of one group commit: they share one promise, so an append costs no closure of its own. */
class Batch {
  readonly parts: string[] = [];
  readings = 0;
  resolve!: () => void;
  reject!: (err: Error) => void;
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}

/** How often the writer asks the primary for its replicas (health only; WAIT decides each append), ms. */
const PROBE_MS = 2000;

/**
 * The replicated log's writer (docs/ARCHITECTURE.md, "Cluster mode", "The replicated log"):
 * group commit, as the spool's (docs/ARCHITECTURE.md, "Time and pacing": one turn of the event
 * loop gathers the messages, and those that arrive while a write is in flight go in the next);
 * one pipeline of XADDs to `qt:log` (fields n: node, lp: line protocol, c: readings) followed
 * by `WAIT REDIS_WAIT_REPLICAS REDIS_WAIT_TIMEOUT_MS`. Appends resolve only when WAIT says
 * enough replicas hold the entries; otherwise they reject with a retryable ERR_NOT_REPLICATED
 * and the broker sends no PUBACK. Entries already added stay in the stream: delivered, they
 * are stored once with the gateway's resend (point identity); the fan-out may show them twice.
 */
export function createLogWriter(options: LogWriterOptions): LogWriter {
  const { redis, settings, log } = options;
  const metrics = options.metrics ?? noLogMetrics;
  const key = logKey(settings.keyPrefix);
  const maxEntryBytes = options.maxEntryBytes ?? 1024 * 1024;
  const state = { replicas: undefined as number | undefined, primary: true, lastFailed: false };
  let current = new Batch();
  let inFlight: Promise<void> | undefined;
  let scheduled = false;
  let closed = false;

  const write = async (batch: Batch): Promise<void> => {
    const t0 = performance.now();
    const messages = batch.parts.length;
    try {
      const replicas = await xaddAndWait(redis, key, settings, batch, maxEntryBytes);
      if (replicas < settings.waitReplicas) {
        throw new QuantracError('ERR_NOT_REPLICATED', `only ${replicas} of ${settings.waitReplicas} replicas acknowledged the log write`, {
          retryable: true,
        });
      }
      state.lastFailed = false;
      metrics.append(messages, batch.readings, 'ok', (performance.now() - t0) / 1000);
      batch.resolve();
    } catch (err) {
      state.lastFailed = true;
      const notReplicated = err instanceof QuantracError || /^NOREPLICAS/.test((err as Error).message);
      metrics.append(messages, batch.readings, notReplicated ? 'not_replicated' : 'error', (performance.now() - t0) / 1000);
      // No `cause`: ioredis' reply errors carry the command with every argument, the batch's whole text.
      const e = err instanceof QuantracError ? err : undefined;
      batch.reject(
        e ??
          new QuantracError(
            notReplicated ? 'ERR_NOT_REPLICATED' : 'ERR_LOG_WRITE',
            `replicated log write failed: ${(err as Error).message}`,
            {
              retryable: true,
            },
          ),
      );
    }
  };

  const flush = (): void => {
    scheduled = false;
    if (inFlight || current.parts.length === 0) return;
    const batch = current;
    current = new Batch();
    inFlight = write(batch).finally(() => {
      inFlight = undefined;
      flush();
    });
  };

  const probe = everyUnref(
    options.scheduler ?? systemScheduler,
    () => void probeReplication(redis, state, settings.waitReplicas, metrics),
    PROBE_MS,
  );
  void probeReplication(redis, state, settings.waitReplicas, metrics);

  return {
    append(text, lines) {
      if (closed) return Promise.reject(new QuantracError('ERR_LOG_CLOSED', 'the replicated log is closing', { retryable: true }));
      const batch = current;
      batch.parts.push(text);
      batch.readings += lines;
      // The same turn's messages join this batch; one in flight: flush() runs again when it ends.
      if (!scheduled && !inFlight) {
        scheduled = true;
        setImmediate(flush);
      }
      return batch.done;
    },
    health: () => writerHealth(redis.status, state, settings.waitReplicas),
    async close() {
      closed = true;
      probe.unsubscribe();
      flush();
      while (inFlight) await inFlight;
      log.debug('replicated log writer closed');
    },
  };
}

/** XADDs the batch (one entry per maxEntryBytes of text) and WAITs; returns the replicas WAIT counted. */
async function xaddAndWait(
  redis: Redis,
  key: string,
  settings: LogWriterOptions['settings'],
  batch: Batch,
  maxEntryBytes: number,
): Promise<number> {
  const pipeline = redis.pipeline();
  let entries = 0;
  for (const { text, readings } of entriesOf(batch, maxEntryBytes)) {
    pipeline.xadd(key, '*', 'n', settings.nodeId, 'lp', text, 'c', String(readings));
    entries++;
  }
  if (settings.waitReplicas > 0) pipeline.wait(settings.waitReplicas, settings.waitTimeoutMs);
  const results = (await pipeline.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
  if (settings.waitReplicas === 0) return 0;
  return Number(results[entries]?.[1] ?? 0);
}

/** The batch's text in entries of about maxEntryBytes (a message is never split); readings counted per entry. */
function* entriesOf(batch: Batch, maxEntryBytes: number): Generator<{ text: string; readings: number }> {
  if (batch.parts.length === 1 || totalLength(batch.parts) <= maxEntryBytes) {
    yield { text: batch.parts.join(''), readings: batch.readings };
    return;
  }
  let parts: string[] = [];
  let size = 0;
  for (const part of batch.parts) {
    if (size > 0 && size + part.length > maxEntryBytes) {
      yield { text: parts.join(''), readings: countReadingLines(parts) };
      parts = [];
      size = 0;
    }
    parts.push(part);
    size += part.length;
  }
  if (parts.length > 0) yield { text: parts.join(''), readings: countReadingLines(parts) };
}

const totalLength = (parts: string[]): number => parts.reduce((n, p) => n + p.length, 0);

/** Readings in some parts of a large batch (only for the entry's `c`): lines that are not comments. */
function countReadingLines(parts: string[]): number {
  let n = 0;
  for (const p of parts) for (const line of p.split('\n')) if (line.startsWith('reading,')) n++;
  return n;
}

type WriterState = { replicas: number | undefined; primary: boolean; lastFailed: boolean };

/** ROLE: is this connection on the primary, and how many replicas does it have? Failures show as `Redis unreachable`. */
async function probeReplication(redis: Redis, state: WriterState, waitReplicas: number, metrics: LogMetrics): Promise<void> {
  if (redis.status !== 'ready') return;
  try {
    const role = (await redis.role()) as unknown[];
    state.primary = role[0] === 'master';
    state.replicas = Array.isArray(role[2]) ? role[2].length : 0;
    metrics.replicas(state.replicas);
    // Enough replicas again: a failed write no longer says the log is unwritable (a node that
    // /healthz took out of the load balancer gets no traffic to prove it otherwise).
    if (state.primary && state.replicas >= waitReplicas) state.lastFailed = false;
  } catch {
    /* the connection's error handler logs it; status shows it */
  }
}

function writerHealth(status: string, state: WriterState, waitReplicas: number): DurableLogHealth {
  const reasons: string[] = [];
  if (status !== 'ready') reasons.push('Redis unreachable');
  else {
    if (!state.primary) reasons.push('connected to a Redis replica, not the primary');
    if (state.replicas !== undefined && state.replicas < waitReplicas) {
      reasons.push(`${state.replicas} Redis replicas connected, ${waitReplicas} needed`);
    }
    if (state.lastFailed) reasons.push('the last log write was not replicated');
  }
  return { writable: reasons.length === 0, reasons, waitReplicas, ...(state.replicas === undefined ? {} : { replicas: state.replicas }) };
}
