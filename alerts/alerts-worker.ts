import type { Registry } from 'prom-client';
import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  createSeriesIndex,
  QuantracError,
  type AlertEvent,
  type AlertsClusterPort,
  type Catalogue,
  type Config,
  type Logger,
  type Presence,
  type Reading,
  type StorageCondition,
} from '../core/index.js';
import { systemScheduler, type SchedulerLike } from '../platform/index.js';
import type { AlertsService } from './alerts.js';
import { createBatchSender, type BatchSender } from './batch-sender.js';
import { createCallChannel, type CallChannel } from './call-channel.js';
import { attachCluster } from './cluster-view.js';
import { loadHistory, type QueryFn } from './event-store.js';
import type { ReadingBatch } from './reading-batch.js';
import { createStateMirror, type StateMirror } from './state-mirror.js';
import { createWorkerBacklog } from './worker-backlog.js';
import { alertsWorkerEntry } from './worker-bundle.js';
import { createWorkerMetrics } from './worker-metrics.js';
import { createWorkerPort, postToWorker } from './worker-port.js';
import type { AlertsWorkerData, CallMethod, ToWorker } from './worker-protocol.js';
import { createWorkerSupervisor, type WorkerSupervisor } from './worker-supervisor.js';
import { startWorkerThread } from './worker-thread.js';

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
  /** Timers (the readings' batching, the restart delay, the shutdown timeout); virtual time in tests. */
  scheduler?: SchedulerLike;
  /** Cluster mode (docs/ARCHITECTURE.md, "Cluster mode"): the port from cluster/; only owned stations' readings cross to the worker. */
  cluster?: AlertsClusterPort;
}

/** A worker that does not answer `close` within this is terminated, ms. */
const CLOSE_TIMEOUT_MS = 10_000;

export interface AlertsWorker extends AlertsService {
  /** Stops the worker as a crash would (it is started again after `restartMs`): for tests and drills. */
  terminateWorker(): Promise<void>;
}

/**
 * Runs the alerts part in a worker thread (alerts/worker.ts) and stands in for it on the main
 * thread (docs/ARCHITECTURE.md, "Two cores"): readings go over in packed batches every 10 ms
 * (or 8,192 readings: batch-sender.ts); `open()` and `silences()` are answered from the state
 * the worker sends whenever it changes, before the events that changed it (state-mirror.ts);
 * acknowledge, silence and flush are calls (call-channel.ts). A worker that dies is logged and
 * started again (worker-supervisor.ts); it restores the open alerts from InfluxDB as at a restart.
 */
export async function startAlertsWorker(options: AlertsWorkerOptions): Promise<AlertsWorker> {
  const { log, config } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const metrics = createWorkerMetrics(options.registry);
  const events$ = new Subject<AlertEvent>();
  const mirror = createStateMirror(scheduler);
  const backlog = createWorkerBacklog(options.maxBacklog ?? 1_000_000, log, scheduler, metrics);
  const calls = createCallChannel();
  let closed: (() => void) | undefined;
  const owned = options.cluster ? new Set<string>() : undefined;
  const workerData: AlertsWorkerData = {
    catalogue: JSON.stringify(options.catalogue),
    config,
    logLevel: log.level,
    gated: owned !== undefined,
  };
  const entry = options.workerEntry ?? (await alertsWorkerEntry(log));
  const supervisor = createWorkerSupervisor({
    startThread: () => startWorkerThread(entry, workerData, config.ALERTS_WORKER_HEAP_MB),
    restartMs: options.restartMs ?? 1000,
    scheduler,
    log,
    heapMb: config.ALERTS_WORKER_HEAP_MB,
    restarts: metrics?.restarts,
    onSpawn: () => backlog.reset(),
    onReady: (state) => mirror.set(state),
    onMessage: createWorkerPort({ ...options, mirror, events$, backlog, metrics, calls, onClosed: () => closed?.() }),
    onExit: () => {
      calls.rejectAll(() => new QuantracError('ERR_ALERTS', 'the alerts worker stopped', { retryable: true }));
      closed?.();
    },
  });
  const send = (batch: ReadingBatch): void => {
    const w = supervisor.ready;
    if (backlog.admit(batch.n, w !== undefined)) postToWorker(log, w!, { t: 'readings', batch }, [batch.data.buffer as ArrayBuffer]);
  };
  const sender = createBatchSender({ index: createSeriesIndex(options.catalogue), scheduler, send });
  await supervisor.start();

  // Cluster mode: a Set look-up per reading, before the batch (cluster-view.ts adopts and drops).
  const subs: Subscription[] = [
    owned
      ? options.readings$.subscribe((r) => void (owned.has(r.station) && sender.push(r)))
      : options.readings$.subscribe((r) => sender.push(r)),
  ];
  const toCurrent = (m: ToWorker): void => {
    const w = supervisor.current;
    if (w) postToWorker(log, w, m);
  };
  if (options.presence$) subs.push(options.presence$.subscribe((presence) => toCurrent({ t: 'presence', presence })));
  if (options.storage$) subs.push(options.storage$.subscribe((storage) => toCurrent({ t: 'storage', storage })));
  const close = async (): Promise<void> => {
    for (const s of subs.splice(0)) s.unsubscribe();
    sender.flush();
    supervisor.stop();
    const w = supervisor.current;
    if (w) {
      const done = new Promise<void>((resolve) => (closed = resolve));
      postToWorker(log, w, { t: 'close' });
      const timeout = scheduler.schedule(() => void w.terminate(), CLOSE_TIMEOUT_MS);
      await done;
      timeout.unsubscribe();
      await w.terminate();
    }
    events$.complete();
  };
  const call = callOf(supervisor, sender, calls, log);
  const handle = workerHandle({ options, supervisor, sender, mirror, events$, close, call });
  if (!options.cluster || !owned) return handle;
  return clusterWorker(handle, call, owned, options.cluster, log, scheduler);
}

type Call = <T>(method: CallMethod, args: unknown[]) => Promise<T>;

/** Cluster mode: the worker's handle driven by the cluster's port (cluster-view.ts); `owned` gates the readings sent. */
async function clusterWorker(
  handle: AlertsWorker,
  call: Call,
  owned: Set<string>,
  port: AlertsClusterPort,
  log: Logger,
  scheduler: SchedulerLike,
): Promise<AlertsWorker> {
  const clustered = await attachCluster(
    {
      service: handle,
      acknowledge: (id, by, note) => call('acknowledge', [id, by, note]),
      silence: (input) => call('silence', [input]),
      async adopt(stations, open, silences) {
        await call('adoptStations', [stations, open, silences]);
        for (const s of stations) owned.add(s);
      },
      async drop(stations) {
        for (const s of stations) owned.delete(s);
        await call('dropStations', [stations]); // after the readings already packed (callOf flushes)
      },
    },
    port,
    log,
    scheduler,
  );
  // Assigned, not spread: `restored` stays a getter.
  return Object.assign(clustered, { terminateWorker: () => handle.terminateWorker() });
}

/** A call to the worker, sent after the readings received before it (one port, in order), so the worker has evaluated them when it answers. */
function callOf(supervisor: WorkerSupervisor, sender: BatchSender, calls: CallChannel, log: Logger): Call {
  return <T>(method: CallMethod, args: unknown[]): Promise<T> => {
    const w = supervisor.ready;
    if (!w) return Promise.reject(new QuantracError('ERR_ALERTS', 'the alerts worker is not running', { retryable: true }));
    sender.flush();
    return calls.call<T>((id) => postToWorker(log, w, { t: 'call', id, method, args }));
  };
}

interface HandleParts {
  options: AlertsWorkerOptions;
  supervisor: WorkerSupervisor;
  sender: BatchSender;
  mirror: StateMirror;
  events$: Subject<AlertEvent>;
  call: Call;
  close(): Promise<void>;
}

/** The alerts part's handle as the centre uses it, answered from the mirror or by calls to the worker. */
function workerHandle({ options, supervisor, sender, mirror, events$, call, close }: HandleParts): AlertsWorker {
  return {
    events$: events$.asObservable(),
    get restored() {
      return mirror.restored;
    },
    open: (filter) => mirror.open(filter),
    silences: () => mirror.silences(),
    history: (filter) => loadHistory(options.query, filter),
    acknowledge: (id, by, note) => call('acknowledge', [id, by, note]),
    silence: (input) => call('silence', [input]),
    adoptStation: (station) => call('adoptStation', [station]),
    async flush() {
      sender.flush();
      await call('flush', []);
    },
    async terminateWorker() {
      await supervisor.current?.terminate();
    },
    async close() {
      if (!supervisor.stopped) await close();
    },
  };
}
