import type { SchedulerLike, Subscription } from 'rxjs';
import type { Alert, AlertEvent, Logger } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import type { AlertEngine } from './engine.js';
import { loadOpenAlerts, loadSilences, type QueryFn } from './event-store.js';

/** Wait between tries while InfluxDB cannot be reached at start, ms. */
const RETRY_MS = 30_000;

export interface RestorerOptions {
  engine: AlertEngine;
  query: QueryFn;
  clock: Clock;
  scheduler: SchedulerLike;
  log: Logger;
  /** An event for the record (an orphan closed quietly). */
  onEvent(event: AlertEvent, quiet: boolean): void;
}

export interface Restorer {
  /** Restores silences and open alerts; when InfluxDB cannot answer, resolves anyway and keeps trying every 30 s. */
  start(): Promise<void>;
  /** Rebuilds one station's open alerts, quietly; returns how many. */
  adopt(station: string): Promise<number>;
  /** Open alerts restored so far. */
  readonly restored: number;
  /** Stops trying. */
  stop(): void;
}

/** An orphan as resolved; its text says why, in every language when it has a code (`closed`, core/alert-text.ts). */
function closedAlert(alert: Alert, now: number): Alert {
  const closed: Alert = { ...alert, state: 'resolved', updatedAt: now, message: `${alert.message}${ORPHAN_SUFFIX}` };
  if (alert.code !== undefined) closed.params = { ...alert.params, closed: 'unconfigured' };
  return closed;
}
const ORPHAN_SUFFIX = ' (resolved: the rule is no longer configured)';

/**
 * Puts the open alerts and silences stored in InfluxDB back in place, without notifying again
 * (a restart, a restarted worker, a station that moved here: docs/ARCHITECTURE.md, "Scaling out").
 */
export function createRestorer(options: RestorerOptions): Restorer {
  const { engine, query, clock, log } = options;
  let restored = 0;
  let retry: Subscription | undefined;

  const restore = async (): Promise<void> => {
    const now = clock.now();
    for (const s of await loadSilences(query, now)) engine.silences.restore(s);
    const result = engine.restore(await loadOpenAlerts(query));
    restored += result.restored;
    for (const alert of result.orphans) {
      // Its station or rule is gone from the configuration: close it in the record, quietly.
      options.onEvent({ type: 'resolved', at: now, alert: closedAlert(alert, now) }, true);
    }
    log.info({ restored: result.restored, orphans: result.orphans.length }, 'open alerts restored from InfluxDB');
  };

  const retryLater = (): void => {
    retry = options.scheduler.schedule(() => {
      restore().then(
        () => {
          retry = undefined;
        },
        (err: Error) => {
          log.warn({ err }, 'restoring open alerts failed again');
          if (retry) retryLater();
        },
      );
    }, RETRY_MS);
  };

  return {
    async start() {
      try {
        await restore();
      } catch (err) {
        // InfluxDB down at start must not stop the centre (main.ts); keep trying in the background.
        // Until it succeeds, an alert that was open before the restart may be raised again.
        log.error({ err }, 'could not restore open alerts from InfluxDB; retrying every 30 s');
        retryLater();
      }
    },
    async adopt(station) {
      const result = engine.restore(await loadOpenAlerts(query, station));
      restored += result.restored;
      return result.restored;
    },
    get restored() {
      return restored;
    },
    stop() {
      retry?.unsubscribe();
      retry = undefined;
    },
  };
}
