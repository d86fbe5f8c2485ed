import type { Worker } from 'node:worker_threads';
import type { Subject } from 'rxjs';
import { QuantracError, type AlertEvent, type Logger } from '../core/index.js';
import type { CallChannel } from './call-channel.js';
import type { QueryFn } from './event-store.js';
import type { StateMirror } from './state-mirror.js';
import type { WorkerBacklog } from './worker-backlog.js';
import type { WorkerMetrics } from './worker-metrics.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/** Posts to a worker; a worker that has just died cannot take it, and its 'exit' handler rejects the calls and starts another. */
export function postToWorker(log: Logger, w: Worker, m: ToWorker, transfer?: ArrayBuffer[]): void {
  try {
    w.postMessage(m, transfer);
  } catch (err) {
    log.warn({ err, message: m.t }, 'could not post to the alerts worker');
  }
}

export interface WorkerPortOptions {
  log: Logger;
  mirror: StateMirror;
  events$: Subject<AlertEvent>;
  backlog: WorkerBacklog;
  metrics?: WorkerMetrics;
  /** Calls the main thread made (acknowledge, silence, flush), answered by the worker's replies. */
  calls: CallChannel;
  query: QueryFn;
  append(lines: string[]): Promise<void>;
  publish?(topic: string, payload: string): Promise<void>;
  /** The worker has closed (answer to `close`). */
  onClosed(): void;
}

/**
 * The main thread's side of the worker's messages: its state and events, its progress and heap,
 * its log records (one log), the requests it cannot serve itself (store, query, publish: one
 * spool, one InfluxDB client, one broker) and the answers to the main thread's calls.
 */
export function createWorkerPort(o: WorkerPortOptions): (w: Worker, m: FromWorker) => void {
  const { log } = o;
  const answer = (w: Worker, id: number, work: Promise<unknown>): void => {
    work.then(
      (value) => postToWorker(log, w, { t: 'reply', id, value }),
      (err: Error) => postToWorker(log, w, { t: 'reply', id, error: err.message }),
    );
  };
  return (w, m) => {
    switch (m.t) {
      case 'state':
        return o.mirror.set(m.state);
      case 'events':
        for (const e of m.events) o.events$.next(e);
        return;
      case 'done':
        return o.backlog.taken(m.readings);
      case 'heap':
        o.metrics?.heapUsed.set(m.used);
        o.metrics?.heapTotal.set(m.total);
        return;
      case 'log': {
        const target = Object.keys(m.bindings).length > 0 ? log.child(m.bindings) : log;
        return target[m.level](m.obj, m.msg);
      }
      case 'query':
        return answer(w, m.id, o.query(m.q));
      case 'append':
        return answer(
          w,
          m.id,
          o.append(m.lines).then(() => undefined),
        );
      case 'publish':
        o.publish?.(m.topic, m.payload).catch((err: Error) => log.warn({ err, topic: m.topic }, 'could not publish alert event'));
        return;
      case 'reply':
        if (m.error === undefined) o.calls.resolve(m.id, m.value);
        else o.calls.reject(m.id, new QuantracError(m.code ?? 'ERR_ALERTS', m.error));
        return;
      case 'closed':
        return o.onClosed();
      default:
        return; // 'ready' and 'failed' are the supervisor's
    }
  };
}
