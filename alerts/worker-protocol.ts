import type { Alert, AlertEvent, Config, Presence, Silence, StorageCondition } from '../core/index.js';
import type { ReadingBatch } from './reading-batch.js';

/** What the alerts worker is started with (workerData). */
export interface AlertsWorkerData {
  /** The catalogue's data as JSON (the main thread's, so both number the series alike). */
  catalogue: string;
  config: Config;
  logLevel: string;
  /** Cluster mode: evaluate only the stations adopted (docs/ARCHITECTURE.md, "Cluster mode"). */
  gated?: boolean;
}

/** The alerts' state the main thread answers `open()` and `silences()` from. */
export interface AlertsState {
  open: Alert[];
  silences: Silence[];
  restored: number;
}

export type CallMethod = 'acknowledge' | 'silence' | 'flush' | 'adoptStation' | 'adoptStations' | 'dropStations';

/** Main thread -> worker. */
export type ToWorker =
  | { t: 'readings'; batch: ReadingBatch }
  | { t: 'presence'; presence: Presence }
  | { t: 'storage'; storage: StorageCondition }
  | { t: 'call'; id: number; method: CallMethod; args: unknown[] }
  | { t: 'reply'; id: number; value?: unknown; error?: string }
  | { t: 'close' };

/** Worker -> main thread. Order matters: `state` comes before the events and replies it explains. */
export type FromWorker =
  | { t: 'ready'; state: string }
  | { t: 'state'; state: string }
  | { t: 'events'; events: AlertEvent[] }
  | { t: 'done'; readings: number }
  | { t: 'heap'; used: number; total: number }
  | { t: 'log'; level: LogLevel; bindings: Record<string, unknown>; obj: Record<string, unknown>; msg?: string }
  | { t: 'query'; id: number; q: string }
  | { t: 'append'; id: number; lines: string[] }
  | { t: 'publish'; topic: string; payload: string }
  | { t: 'reply'; id: number; value?: unknown; error?: string; code?: string }
  | { t: 'failed'; error: string }
  | { t: 'closed' };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
