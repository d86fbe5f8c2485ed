import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { Subject } from 'rxjs';
import {
  createSeriesIndex,
  parseCatalogue,
  QuantracError,
  type AlertEvent,
  type Logger,
  type Presence,
  type Reading,
  type StorageCondition,
} from '../core/index.js';
import { createAlerts, type Alerts } from './alerts.js';
import { createReadingUnpacker } from './reading-batch.js';
import { loadAlertSettings } from './settings.js';
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

/** Log records go to the main thread's logger, so the centre has one log with one configuration. */
function workerLogger(bindings: Record<string, unknown>, minLevel: number): Logger {
  const plain = (v: unknown): unknown =>
    v instanceof Error
      ? { type: v.name, message: v.message, stack: v.stack, ...('code' in v ? { code: (v as { code: unknown }).code } : {}) }
      : v;
  const write =
    (level: LogLevel) =>
    (objOrMsg?: unknown, msg?: string): void => {
      if (LOG_LEVELS.indexOf(level) < minLevel) return;
      const obj: Record<string, unknown> = {};
      if (typeof objOrMsg === 'string') msg = objOrMsg;
      else if (objOrMsg instanceof Error) obj.err = plain(objOrMsg);
      else if (objOrMsg && typeof objOrMsg === 'object') for (const [k, v] of Object.entries(objOrMsg)) obj[k] = plain(v);
      try {
        post({ t: 'log', level, bindings, obj, ...(msg === undefined ? {} : { msg }) });
      } catch {
        post({ t: 'log', level, bindings, obj: { unserialisable: Object.keys(obj) }, ...(msg === undefined ? {} : { msg }) });
      }
    };
  const log = Object.fromEntries(LOG_LEVELS.map((l) => [l, write(l)])) as Record<LogLevel, ReturnType<typeof write>>;
  return { ...log, child: (more: Record<string, unknown>) => workerLogger({ ...bindings, ...more }, minLevel) } as unknown as Logger;
}

const log = workerLogger({}, Math.max(0, LOG_LEVELS.indexOf(data.logLevel as LogLevel)));

// Requests to the main thread (query, append), answered by `reply` messages.
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
const ask = <T>(message: (id: number) => FromWorker): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    post(message(id));
  });

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

// The worker's own heap, for /metrics (the main thread's process metrics do not see it).
const heapTimer = setInterval(() => {
  const h = getHeapStatistics();
  post({ t: 'heap', used: h.used_heap_size, total: h.total_heap_size });
}, 5000);
heapTimer.unref();

// Pending alerts change (appear, change severity, vanish) without an event: look a few times a second.
const stateTimer = setInterval(() => {
  if (readingsSinceState > 0) sendState();
}, 250);

async function start(): Promise<void> {
  const settings = await loadAlertSettings(data.config, catalogue);
  alerts = await createAlerts({
    ...settings,
    catalogue,
    readings$,
    presence$,
    storage$,
    append: (lines) => ask<void>((id) => ({ t: 'append', id, lines })),
    query: (q) => ask((id) => ({ t: 'query', id, q })),
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
    case 'reply': {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error === undefined) p?.resolve(m.value);
      else p?.reject(new Error(m.error));
      break;
    }
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
      clearInterval(stateTimer);
      clearInterval(heapTimer);
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
