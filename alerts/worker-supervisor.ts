import type { Worker } from 'node:worker_threads';
import type { Counter } from 'prom-client';
import type { SchedulerLike, Subscription } from 'rxjs';
import { QuantracError, type Logger } from '../core/index.js';
import type { FromWorker } from './worker-protocol.js';
import { scheduleUnref } from '../platform/index.js';

/** Wait before trying again a worker that died while starting (its rules file broken since, say), ms. */
const FAILED_START_RETRY_MS = 30_000;

export interface WorkerSupervisorOptions {
  /** Starts a thread (worker-thread.ts). */
  startThread(): Worker;
  /** Wait before starting again a worker that died after it was ready, ms. */
  restartMs: number;
  scheduler: SchedulerLike;
  log: Logger;
  /** ALERTS_WORKER_HEAP_MB, named in the log when the worker runs out of memory. */
  heapMb: number;
  restarts?: Counter;
  /** A new worker is starting (nothing has been sent to it). */
  onSpawn(): void;
  /** The worker is ready, with its first state. */
  onReady(state: string): void;
  /** Every other message of the worker. */
  onMessage(w: Worker, m: FromWorker): void;
  /** A worker ended (calls under way to it fail). */
  onExit(w: Worker): void;
}

export interface WorkerSupervisor {
  /** Starts the first worker; rejects when it cannot start (the centre's start fails). */
  start(): Promise<void>;
  /** The worker ready for readings and calls, if any. */
  readonly ready: Worker | undefined;
  /** The current worker, ready or not. */
  readonly current: Worker | undefined;
  /** No more restarts (shutdown). */
  stop(): void;
  readonly stopped: boolean;
}

/**
 * Keeps one alerts worker running: a worker that dies after it was ready is logged and started
 * again after `restartMs` (on the scheduler, unref'd: a pending restart does not hold the
 * process); its rules' state is gone, and it restores the open alerts from InfluxDB as at a
 * restart. The first start failing is the centre's start failing.
 */
export function createWorkerSupervisor(options: WorkerSupervisorOptions): WorkerSupervisor {
  const { log } = options;
  let worker: Worker | undefined;
  let ready = false;
  let stopped = false;
  /** A worker has been ready once: from then on, one that dies is started again. */
  let everReady = false;
  let restartTimer: Subscription | undefined;

  const restartLater = (wasReady: boolean, code: number): void => {
    const waitMs = wasReady ? options.restartMs : FAILED_START_RETRY_MS;
    log.error(
      { code, retryInMs: waitMs },
      wasReady ? 'the alerts worker stopped; starting it again' : 'the alerts worker could not start; trying again',
    );
    options.restarts?.inc();
    restartTimer = scheduleUnref(
      options.scheduler,
      () => {
        restartTimer = undefined;
        if (!stopped) spawn().catch(() => undefined); // its exit is handled in spawn
      },
      waitMs,
    );
  };

  const spawn = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const w = options.startThread();
      worker = w;
      ready = false;
      options.onSpawn();
      let settled = false;
      let wasReady = false;
      w.on('message', (m: FromWorker) => {
        if (m.t === 'ready') {
          options.onReady(m.state);
          ready = settled = wasReady = everReady = true;
          resolve();
        } else if (m.t === 'failed') {
          settled = true;
          reject(new QuantracError('ERR_ALERTS_START', `the alerts worker could not start: ${m.error}`));
          void w.terminate();
        } else options.onMessage(w, m);
      });
      w.on('error', (err) => {
        const oom = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        log.error({ err, ...(oom ? { fix: `raise ALERTS_WORKER_HEAP_MB (now ${options.heapMb})` } : {}) }, 'the alerts worker failed');
      });
      w.on('exit', (code) => {
        if (worker === w) {
          worker = undefined;
          ready = false;
        }
        options.onExit(w);
        if (!settled) reject(new QuantracError('ERR_ALERTS_START', `the alerts worker exited (code ${code}) before it was ready`));
        if (!stopped && everReady) restartLater(wasReady, code);
      });
    });

  return {
    start: spawn,
    get ready() {
      return ready ? worker : undefined;
    },
    get current() {
      return worker;
    },
    stop() {
      stopped = true;
      restartTimer?.unsubscribe();
      restartTimer = undefined;
    },
    get stopped() {
      return stopped;
    },
  };
}
