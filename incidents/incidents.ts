import { interval, Subject, type Observable, type Subscription } from 'rxjs';
import type { AlertEvent, Catalogue, Incident, IncidentCause, IncidentEvent, Logger } from '../core/index.js';
import { systemClock, systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { createCorrelator, type Correlator } from './correlator.js';
import type { IncidentRules } from './incident-rules.js';
import { encodeIncidentEvent, loadIncidentEvents, loadOpenIncidents, type IncidentHistoryFilter, type QueryFn } from './incident-store.js';
import { placesOf } from './places.js';

export interface IncidentsOptions {
  catalogue: Catalogue;
  rules: IncidentRules;
  /** Every alert event (alerts.events$), in order. */
  alertEvents$: Observable<AlertEvent>;
  /** The durable line sink (ingest.appendLines): every incident event goes to InfluxDB through it. */
  append(lines: string[]): Promise<void>;
  /** InfluxQL: restores open incidents on start; serves the history. */
  query: QueryFn;
  log: Logger;
  clock?: Clock;
  scheduler?: SchedulerLike;
  /** How often incidents whose members have all resolved are checked for closing. */
  tickMs?: number;
  newId?: () => string;
}

export interface IncidentsService {
  /** Every incident event as it happens: the dashboard and the notifications. */
  readonly events$: Observable<IncidentEvent>;
  open(): Incident[];
  /** An open incident, or the latest stored state of a closed one. */
  get(id: string): Promise<Incident | undefined>;
  history(filter?: IncidentHistoryFilter): Promise<IncidentEvent[]>;
  acknowledge(id: string, by: string): IncidentEvent | undefined;
  investigate(id: string, by: string): IncidentEvent | undefined;
  close(id: string, by: string, cause: IncidentCause, note?: string): IncidentEvent | undefined;
  /** How many open incidents were restored at start. */
  readonly restored: number;
  close$(): Promise<void>;
}

/**
 * Incidents (docs/INCIDENTS.md): the correlator fed by every alert event, its events stored
 * through the durable spool and published; open incidents restored from InfluxDB before the
 * first alert event is taken, so a restart tells nobody anything twice.
 */
export async function createIncidents(options: IncidentsOptions): Promise<IncidentsService> {
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? systemScheduler;
  const log = options.log;
  const correlator: Correlator = createCorrelator({
    rules: options.rules,
    places: placesOf(options.catalogue),
    ...(options.newId ? { newId: options.newId } : {}),
  });
  const events = new Subject<IncidentEvent>();
  let pending = Promise.resolve();

  let restored = 0;
  try {
    const open = await loadOpenIncidents(options.query);
    correlator.restore(open);
    restored = open.length;
    log.info({ restored }, 'open incidents restored from InfluxDB');
  } catch (err) {
    // Alerts keep flowing: incidents start afresh rather than stop the centre (logged, counted below).
    log.warn({ err }, 'open incidents could not be restored; incidents start empty');
  }

  const publish = (out: readonly IncidentEvent[]): void => {
    if (out.length === 0) return;
    const lines = out.map(encodeIncidentEvent);
    pending = pending
      .then(() => options.append(lines))
      .catch((err: unknown) => log.error({ err, incidents: out.map((e) => e.incident.id) }, 'incident events could not be stored'));
    for (const e of out) events.next(e);
  };
  const one = (e: IncidentEvent | undefined): IncidentEvent | undefined => {
    if (e) publish([e]);
    return e;
  };

  const subs: Subscription[] = [
    options.alertEvents$.subscribe((e) => {
      try {
        publish(correlator.onAlertEvent(e));
      } catch (err) {
        // One bad event never stops the correlation of the next.
        log.error({ err, alert: (e as Partial<AlertEvent> | undefined)?.alert?.id }, 'incident correlation failed for an alert event');
      }
    }),
  ];
  subs.push(interval(options.tickMs ?? 30_000, scheduler).subscribe(() => publish(correlator.tick(clock.now()))));

  return {
    events$: events.asObservable(),
    open: () => correlator.open(),
    async get(id) {
      const open = correlator.open().find((i) => i.id === id);
      if (open) return open;
      const [latest] = await loadIncidentEvents(options.query, { id, limit: 1 });
      return latest?.incident;
    },
    history: (filter) => loadIncidentEvents(options.query, filter),
    acknowledge: (id, by) => one(correlator.acknowledge(id, by, clock.now())),
    investigate: (id, by) => one(correlator.investigate(id, by, clock.now())),
    close: (id, by, cause, note) => one(correlator.close(id, by, clock.now(), cause, note)),
    get restored() {
      return restored;
    },
    async close$() {
      for (const s of subs) s.unsubscribe();
      events.complete();
      await pending;
    },
  };
}
