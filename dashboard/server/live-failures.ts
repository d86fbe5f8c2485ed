import type { Logger } from '../../core/index.js';
import { createRateLimitedLog, type Clock } from '../../platform/index.js';

/** Reports a failure inside the hub (`what` failed), which carries on. */
export type LiveFailed = (what: string, err: unknown) => void;

/** Repeated failures are logged at most this often (with a count), so a bad stream cannot flood the log. */
const ERROR_LOG_MS = 60_000;

/**
 * The hub's subscribers and timers run in the centre's streams and timers: an exception there
 * would be rethrown asynchronously (RxJS reports it as unhandled) and end the process, broker
 * and ingest with it. So each is guarded: the failure is logged, at most one line a minute
 * for all of them (the next line counts those held back), and the hub goes on.
 */
export function createLiveFailures(log: Logger | undefined, clock: Clock): LiveFailed {
  if (log === undefined) return () => undefined;
  const limited = createRateLimitedLog(log, ERROR_LOG_MS, clock);
  return (what, err) => limited('error', 'live hub failure', { err }, `live hub: ${what} failed; carrying on`);
}

/** `fn`, with a throw reported to `failed` instead of thrown. */
export function guarded<T>(failed: LiveFailed, what: string, fn: (value: T) => void): (value: T) => void {
  return (value) => {
    try {
      fn(value);
    } catch (err) {
      failed(what, err);
    }
  };
}
