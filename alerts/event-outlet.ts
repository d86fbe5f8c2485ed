import { Subject, type Observable } from 'rxjs';
import { alertsTopic, type AlertEvent, type Logger } from '../core/index.js';
import { encodeAlertEvent } from './event-lines.js';
import type { Notifier } from './notify/notifier.js';

export interface EventOutletOptions {
  /** The durable line sink (ingest.appendLines). */
  append?(lines: string[]): Promise<void>;
  /** MQTT publish (broker.publish). */
  publish?(topic: string, payload: string): Promise<void>;
  notifier: Notifier;
  log: Logger;
}

export interface EventOutlet {
  readonly events$: Observable<AlertEvent>;
  /** Stores, streams, publishes and logs an event, and notifies people unless it is held (or `quiet`). */
  onEvent(event: AlertEvent, quiet?: boolean): void;
  /** Stores lines through the durable sink (alert events, silences); a failure is logged. */
  persist(lines: string[]): void;
  /** Resolves when the writes under way are done. */
  writesDone(): Promise<void>;
  complete(): void;
}

/**
 * Where every alert event goes: an `alert_event` point through the durable sink, the dashboard
 * (`events$`), MQTT `alerts/{zone}/{station}`, the log, and people by route.
 */
export function createEventOutlet(options: EventOutletOptions): EventOutlet {
  const { log, notifier } = options;
  const events$ = new Subject<AlertEvent>();
  const writes = new Set<Promise<void>>();

  const persist = (lines: string[]): void => {
    if (!options.append) return;
    const p = options.append(lines).catch((err: Error) => log.error({ err }, 'could not store alert events'));
    writes.add(p);
    void p.finally(() => writes.delete(p));
  };

  const publish = (event: AlertEvent): void => {
    if (!options.publish) return;
    const a = event.alert;
    options
      .publish(alertsTopic(a.zone, a.station), JSON.stringify(event))
      .catch((err: Error) => log.warn({ err, alert: a.id }, 'could not publish alert event'));
  };

  return {
    events$: events$.asObservable(),
    persist,
    onEvent(event, quiet = false) {
      persist([encodeAlertEvent(event)]);
      events$.next(event);
      publish(event);
      const a = event.alert;
      // Silences hold every notification to people; a flapping alert holds all but its own
      // flapping, acknowledged and resolved events (on-call staff stop reading a channel that storms).
      const held = quiet || a.silenced === true || (a.flapping === true && (event.type === 'escalated' || event.type === 'reminder'));
      log.info({ type: event.type, alert: a.id, severity: a.severity, held }, a.message);
      if (!held) notifier.notify(event);
    },
    async writesDone() {
      while (writes.size > 0) await Promise.allSettled([...writes]);
    },
    complete: () => events$.complete(),
  };
}
