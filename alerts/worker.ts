import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { Subject, type SchedulerAction, type Subscription } from 'rxjs';
import {
  createSeriesIndex,
  parseCatalogue,
  QuantracError,
  type AlertEvent,
  type Presence,
  type Reading,
  type StorageCondition,
} from '../core/index.js';
import { everyUnref, systemScheduler } from '../platform/index.js';
import { createAlerts, type Alerts } from './alerts.js';
import { createCallChannel } from './call-channel.js';
import { createReadingUnpacker } from './reading-batch.js';
import { loadAlertSettings } from './settings.js';
import { workerLogger } from './worker-log.js';
import { LOG_LEVELS, type AlertsState, type AlertsWorkerData, type FromWorker, type LogLevel, type ToWorker } from './worker-protocol.js';

/**
 * The alerts worker (ALERTS_THREAD=worker): the whole alerts part, rules, lifecycle and
 * notifications, on its own thread and core, so that the main thread's time goes to the
 * broker and the durable path. The main thread (alerts-worker.ts) sends it readings in packed
 * batches, presence and the storage condition, and calls; it sends back events, the open
 * alerts, log records, and asks the main thread to store lines, query InfluxDB and publish.
 */
const port = parentPort!;
const data = workerData as AlertsWorkerData;
const post = (m: FromWorker): void => port.postMessage(m);

const log = workerLogger(post, {}, Math.max(0, LOG_LEVELS.indexOf(data.logLevel as LogLevel)));

// Requests to the main thread (query, append), answered by `reply` messages.
const asks = createCallChannel();

const readings$ = new Subject<Reading>();
const presence$ = new Subject<Presence>();
const storage$ = new Subject<StorageCondition>();
const catalogue = parseCatalogue(JSON.parse(data.catalogue));
const unpack = createReadingUnpacker(createSeriesIndex(catalogue), catalogue);

let alerts: Alerts | undefined;
let lastState = '';
let events: AlertEvent[] = [];
/** MQTT publications of alert events, sent after the state too: a subscriber told of an alert finds it in open(). */
let publishes: Array<{ topic: string; payload: string }> = [];
let flushQueued = false;
let readingsSinceState = 0;

const stateOf = (a: Alerts): string =>
  JSON.stringify({ open: a.open(), silences: a.silences(), restored: a.restored } satisfies AlertsState);
/** Sends the open alerts and silences if they changed; always before the events they explain. */
const sendState = (): void => {
  if (!alerts) return;
  readingsSinceState = 0;
  const state = stateOf(alerts);
  if (state === lastState) return;
  lastState = state;
  post({ t: 'state', state });
};
/** Sends the state if it changed, then the events and publications it explains. */
const flushEvents = (): void => {
  flushQueued = false;
  sendState();
  const batch = events;
  events = [];
  if (batch.length > 0) post({ t: 'events', events: batch });
  const out = publishes;
  publishes = [];
  for (const p of out) post({ t: 'publish', ...p });
};
const queueFlush = (): void => {
  if (flushQueued) return;
  flushQueued = true;
  queueMicrotask(flushEvents);
};

/** Runs `work` every `ms` on the system scheduler: one action, rescheduled, so one Node timer throughout. */
const every = (ms: number, work: () => void): Subscription =>
  systemScheduler.schedule(function (this: SchedulerAction<unknown>) {
    work();
    this.schedule(undefined, ms);
  }, ms);

// The worker's own heap, for /metrics (the main thread's process metrics do not see it); a
// sample due does not keep the thread alive.
const heapTimer = everyUnref(
  systemScheduler,
  () => {
    const h = getHeapStatistics();
    post({ t: 'heap', used: h.used_heap_size, total: h.total_heap_size });
  },
  5000,
);

// Pending alerts change (appear, change severity, vanish) without an event: look a few times a second.
const stateTimer = every(250, () => {
  if (readingsSinceState > 0) sendState();
});

async function start(): Promise<void> {
  const settings = await loadAlertSettings(data.config, catalogue);
  alerts = await createAlerts({
    ...settings,
    catalogue,
    readings$,
    presence$,
    storage$,
    append: (lines) => asks.call<void>((id) => post({ t: 'append', id, lines })),
    query: (q) => asks.call((id) => post({ t: 'query', id, q })),
    gated: data.gated,
    publish: async (topic, payload) => {
      publishes.push({ topic, payload });
      queueFlush();
    },
    log,
  });
  alerts.events$.subscribe((e) => {
    events.push(e);
    queueFlush();
  });
  lastState = stateOf(alerts);
  post({ t: 'ready', state: lastState });
}

async function call(a: Alerts, method: string, args: unknown[]): Promise<unknown> {
  switch (method) {
    case 'acknowledge':
      return a.acknowledge(...(args as Parameters<Alerts['acknowledge']>));
    case 'silence':
      return a.silence(...(args as Parameters<Alerts['silence']>));
    case 'flush':
      return a.flush();
    case 'adoptStation':
      return a.adoptStation(...(args as Parameters<Alerts['adoptStation']>));
    case 'adoptStations':
      return a.adopt(...(args as Parameters<Alerts['adopt']>));
    case 'dropStations':
      return a.drop(...(args as Parameters<Alerts['drop']>));
    default:
      throw new Error(`no such call: ${method}`);
  }
}

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'readings': {
      for (const r of unpack(m.batch)) readings$.next(r);
      readingsSinceState += m.batch.n;
      post({ t: 'done', readings: m.batch.n });
      break;
    }
    case 'presence':
      presence$.next(m.presence);
      break;
    case 'storage':
      storage$.next(m.storage);
      break;
    case 'reply':
      if (m.error === undefined) asks.resolve(m.id, m.value);
      else asks.reject(m.id, new Error(m.error));
      break;
    case 'call': {
      const a = alerts;
      if (!a) {
        post({ t: 'reply', id: m.id, error: 'alerts not started' });
        break;
      }
      call(a, m.method, m.args).then(
        (value) => {
          flushEvents();
          post({ t: 'reply', id: m.id, value });
        },
        (err: Error) => post({ t: 'reply', id: m.id, error: err.message, ...(err instanceof QuantracError ? { code: err.code } : {}) }),
      );
      break;
    }
    case 'close':
      stateTimer.unsubscribe();
      heapTimer.unsubscribe();
      void (alerts?.close() ?? Promise.resolve()).finally(() => {
        flushEvents();
        post({ t: 'closed' });
        port.close();
      });
      break;
  }
});

start().catch((err: Error) => {
  post({ t: 'failed', error: err.message });
});
