import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { Counter, Gauge, type Registry } from 'prom-client';
import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  createSeriesIndex,
  QuantracError,
  type AlertEvent,
  type Catalogue,
  type Config,
  type Logger,
  type Presence,
  type Reading,
  type StorageCondition,
} from '../core/index.js';
import type { AlertsService } from './alerts.js';
import { selectAlerts } from './engine.js';
import { loadHistory, type QueryFn } from './event-store.js';
import { createReadingBatcher } from './reading-batch.js';
import { alertsWorkerEntry } from './worker-bundle.js';
import type { AlertsState, AlertsWorkerData, CallMethod, FromWorker, ToWorker } from './worker-protocol.js';

export interface AlertsWorkerOptions {
  config: Config;
  catalogue: Catalogue;
  readings$: Observable<Reading>;
  presence$?: Observable<Presence>;
  storage$?: Observable<StorageCondition>;
  /** The durable line sink (ingest.appendLines) for alert events. */
  append(lines: string[]): Promise<void>;
  query: QueryFn;
  publish?(topic: string, payload: string): Promise<void>;
  log: Logger;
  registry?: Registry;
  /** Readings sent and not yet taken by the worker beyond which new ones are not sent (counted, logged). */
  maxBacklog?: number;
  /** The worker's entry file; by default the esbuild bundle (worker-bundle.ts), else worker-boot.mjs through tsx. */
  workerEntry?: URL;
  /** Wait before starting a worker that died, ms. */
  restartMs?: number;
}

const BATCH_READINGS = 8192;
/** Readings wait at most this long for their batch: at most 100 posts a second instead of one per event-loop turn. */
const FLUSH_MS = 10;

export interface AlertsWorker extends AlertsService {
  /** Stops the worker as a crash would (it is started again after `restartMs`): for tests and drills. */
  terminateWorker(): Promise<void>;
}

/**
 * Runs the alerts part in a worker thread (alerts/worker.ts) and stands in for it on the main
 * thread: readings go over in packed batches every 10 ms (or 8,192 readings); `open()` and
 * `silences()` are answered from the state the worker sends whenever it changes (before the
 * events that changed it); acknowledge, silence and flush are calls. A worker that dies is
 * logged and started again; it restores the open alerts from InfluxDB as at a restart.
 */
export async function startAlertsWorker(options: AlertsWorkerOptions): Promise<AlertsWorker> {
  const { log } = options;
  const maxBacklog = options.maxBacklog ?? 1_000_000;
  const events$ = new Subject<AlertEvent>();
  const index = createSeriesIndex(options.catalogue);
  const batcher = createReadingBatcher(index, BATCH_READINGS);
  const workerData: AlertsWorkerData = { catalogue: JSON.stringify(options.catalogue), config: options.config, logLevel: log.level };
  const metrics = options.registry
    ? {
        backlog: new Gauge({
          name: 'quantrac_alerts_worker_backlog_readings',
          help: 'Readings sent to the alerts worker and not yet evaluated',
          registers: [options.registry],
        }),
        dropped: new Counter({
          name: 'quantrac_alerts_readings_dropped_total',
          help: 'Readings the alerts rules never saw (worker down or too far behind)',
          registers: [options.registry],
        }),
        heapUsed: new Gauge({
          name: 'quantrac_alerts_worker_heap_used_bytes',
          help: 'V8 heap used by the alerts worker',
          registers: [options.registry],
        }),
        heapTotal: new Gauge({
          name: 'quantrac_alerts_worker_heap_total_bytes',
          help: 'V8 heap held by the alerts worker',
          registers: [options.registry],
        }),
        restarts: new Counter({
          name: 'quantrac_alerts_worker_restarts_total',
          help: 'Alerts workers started again after one died',
          registers: [options.registry],
        }),
      }
    : undefined;

  let worker: Worker | undefined;
  let ready = false;
  let closing = false;
  let stateText = '{"open":[],"silences":[],"restored":0}';
  let state: AlertsState | undefined;
  let backlog = 0;
  let dropped = 0;
  let droppedLoggedAt = 0;
  let nextId = 1;
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let closed: (() => void) | undefined;
  /** A worker has been ready once: from then on, one that dies is started again. */
  let everReady = false;

  const current = (): AlertsState => (state ??= JSON.parse(stateText) as AlertsState);
  const send = (w: Worker, m: ToWorker, transfer?: ArrayBuffer[]): void => {
    try {
      w.postMessage(m, transfer);
    } catch (err) {
      // A worker that has just died: its 'exit' handler rejects the calls and starts another.
      log.warn({ err, message: m.t }, 'could not post to the alerts worker');
    }
  };
  const drop = (n: number, why: string): void => {
    dropped += n;
    metrics?.dropped.inc(n);
    const now = Date.now();
    if (now - droppedLoggedAt >= 60_000) {
      droppedLoggedAt = now;
      log.error({ dropped, why }, 'readings not evaluated by the alert rules');
    }
  };

  let flushQueued = false;
  const flushReadings = (): void => {
    flushQueued = false;
    const batch = batcher.take();
    if (!batch) return;
    if (!worker || !ready) return drop(batch.n, 'the alerts worker is not running');
    if (backlog > maxBacklog) return drop(batch.n, `the alerts worker is ${backlog} readings behind`);
    backlog += batch.n;
    metrics?.backlog.set(backlog);
    send(worker, { t: 'readings', batch }, [batch.data.buffer as ArrayBuffer]);
  };

  const onMessage = (w: Worker, m: FromWorker, started: { resolve: () => void; reject: (e: Error) => void }): void => {
    switch (m.t) {
      case 'ready':
        stateText = m.state;
        state = undefined;
        ready = true;
        started.resolve();
        break;
      case 'state':
        stateText = m.state;
        state = undefined;
        break;
      case 'events':
        for (const e of m.events) events$.next(e);
        break;
      case 'done':
        backlog -= m.readings;
        metrics?.backlog.set(backlog);
        break;
      case 'heap':
        metrics?.heapUsed.set(m.used);
        metrics?.heapTotal.set(m.total);
        break;
      case 'log': {
        const target = Object.keys(m.bindings).length > 0 ? log.child(m.bindings) : log;
        target[m.level](m.obj, m.msg);
        break;
      }
      case 'query':
        options.query(m.q).then(
          (value) => send(w, { t: 'reply', id: m.id, value }),
          (err: Error) => send(w, { t: 'reply', id: m.id, error: err.message }),
        );
        break;
      case 'append':
        options.append(m.lines).then(
          () => send(w, { t: 'reply', id: m.id }),
          (err: Error) => send(w, { t: 'reply', id: m.id, error: err.message }),
        );
        break;
      case 'publish':
        options.publish?.(m.topic, m.payload).catch((err: Error) => log.warn({ err, topic: m.topic }, 'could not publish alert event'));
        break;
      case 'reply': {
        const c = calls.get(m.id);
        calls.delete(m.id);
        if (m.error === undefined) c?.resolve(m.value);
        else c?.reject(new QuantracError(m.code ?? 'ERR_ALERTS', m.error));
        break;
      }
      case 'failed':
        started.reject(new QuantracError('ERR_ALERTS_START', `the alerts worker could not start: ${m.error}`));
        void w.terminate();
        break;
      case 'closed':
        closed?.();
        break;
    }
  };

  const entry = options.workerEntry ?? (await alertsWorkerEntry(log));
  // Node bug (nodejs/node#43991): heap flags given to the process (bin/quantrac passes
  // --max-old-space-size and --max-semi-space-size) override a worker's resourceLimits, and the
  // worker would get the main thread's large young generation. They are zeroed while the
  // worker's heap is set up (the main thread's heap is configured already), then restored.
  const heapFlags = process.execArgv.filter((a) => /^--max[-_](old|semi)[-_]space[-_]size=/.test(a));
  const setHeapFlags = (zero: boolean): void => {
    for (const f of heapFlags) v8.setFlagsFromString(zero ? f.replace(/=.*/, '=0') : f);
  };
  const spawn = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // Its own heap, bounded like the main thread's (bin/quantrac): a small young generation,
      // since readings live there only for one batch.
      setHeapFlags(true);
      let flagsBack = false;
      const restoreFlags = (): void => {
        if (!flagsBack) setHeapFlags(false);
        flagsBack = true;
      };
      const w = new Worker(entry, {
        workerData,
        name: 'alerts',
        resourceLimits: { maxOldGenerationSizeMb: options.config.ALERTS_WORKER_HEAP_MB, maxYoungGenerationSizeMb: 8 },
      });
      w.once('online', restoreFlags);
      worker = w;
      ready = false;
      backlog = 0;
      let settled = false;
      let wasReady = false;
      const started = {
        resolve: () => {
          settled = true;
          wasReady = true;
          everReady = true;
          resolve();
        },
        reject: (e: Error) => {
          settled = true;
          reject(e);
        },
      };
      w.on('message', (m: FromWorker) => onMessage(w, m, started));
      w.on('error', (err) => {
        restoreFlags();
        const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        log.error(
          { err, ...(oom ? { fix: `raise ALERTS_WORKER_HEAP_MB (now ${options.config.ALERTS_WORKER_HEAP_MB})` } : {}) },
          'the alerts worker failed',
        );
      });
      w.on('exit', (code) => {
        restoreFlags();
        if (worker === w) {
          worker = undefined;
          ready = false;
        }
        for (const [id, c] of calls) {
          calls.delete(id);
          c.reject(new QuantracError('ERR_ALERTS', 'the alerts worker stopped', { retryable: true }));
        }
        closed?.();
        if (!settled) started.reject(new QuantracError('ERR_ALERTS_START', `the alerts worker exited (code ${code}) before it was ready`));
        // The first start failing is the centre's start failing (startAlertsWorker rejects).
        if (closing || !everReady) return;
        // Its rules' state is gone; the open alerts come back from InfluxDB as at a restart. One
        // that died while starting (a rules file broken since) is tried again less often.
        const waitMs = wasReady ? (options.restartMs ?? 1000) : 30_000;
        log.error(
          { code, retryInMs: waitMs },
          wasReady ? 'the alerts worker stopped; starting it again' : 'the alerts worker could not start; trying again',
        );
        metrics?.restarts.inc();
        setTimeout(() => {
          if (!closing) spawn().catch(() => undefined); // its exit is handled above
        }, waitMs).unref();
      });
    });

  await spawn();

  const call = <T>(method: CallMethod, args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!worker || !ready) return reject(new QuantracError('ERR_ALERTS', 'the alerts worker is not running', { retryable: true }));
      // Readings received before the call are evaluated before it (one port, in order).
      flushReadings();
      const id = nextId++;
      calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      send(worker, { t: 'call', id, method, args });
    });

  const subs: Subscription[] = [];
  subs.push(
    options.readings$.subscribe((r) => {
      if (!batcher.push(r)) return;
      if (batcher.size >= BATCH_READINGS) flushReadings();
      else if (!flushQueued) {
        flushQueued = true;
        setTimeout(flushReadings, FLUSH_MS);
      }
    }),
  );
  if (options.presence$) subs.push(options.presence$.subscribe((presence) => worker && send(worker, { t: 'presence', presence })));
  if (options.storage$) subs.push(options.storage$.subscribe((storage) => worker && send(worker, { t: 'storage', storage })));

  return {
    events$: events$.asObservable(),
    get restored() {
      return current().restored;
    },
    open: (filter) => selectAlerts(current().open, filter),
    silences: () => {
      const now = Date.now();
      return current()
        .silences.filter((s) => s.until > now)
        .map((s) => ({ ...s }));
    },
    history: (filter) => loadHistory(options.query, filter),
    acknowledge: (id, by, note) => call('acknowledge', [id, by, note]),
    silence: (input) => call('silence', [input]),
    adoptStation: (station) => call('adoptStation', [station]),
    async flush() {
      flushReadings();
      await call('flush', []);
    },
    async terminateWorker() {
      await worker?.terminate();
    },
    async close() {
      if (closing) return;
      for (const s of subs.splice(0)) s.unsubscribe();
      flushReadings();
      closing = true;
      const w = worker;
      if (w) {
        const done = new Promise<void>((resolve) => {
          closed = resolve;
        });
        send(w, { t: 'close' });
        const timer = setTimeout(() => void w.terminate(), 10_000);
        await done;
        clearTimeout(timer);
        await w.terminate();
      }
      events$.complete();
    },
  };
}
