import { join } from 'node:path';
import { asyncScheduler, Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import {
  alertsTopic,
  type Alert,
  type AlertEvent,
  type Silence,
  type AlertsApi,
  type Catalogue,
  type Clock,
  type Logger,
  type Presence,
  type Reading,
  type StorageCondition,
} from '../core/index.js';
import { createAlertEngine, type AlertEngine } from './engine.js';
import { encodeAlertEvent, encodeSilence } from './event-lines.js';
import { loadHistory, loadOpenAlerts, loadSilences, type QueryFn } from './event-store.js';
import type { EmailSender, SmtpSettings } from './notify/email.js';
import { createNotifier, type Notifier } from './notify/notifier.js';
import { EMPTY_NOTIFY_CONFIG, type NotifyConfig } from './notify/notify-config.js';
import type { WebhookRequest } from './notify/webhook.js';
import { checkReminders } from './reminders.js';
import { createRules, type Rules } from './rules-config.js';
import type { SilenceInput } from './silences.js';

export interface AlertsOptions {
  catalogue: Catalogue;
  readings$: Observable<Reading>;
  /** Station presence (broker.presence$): offline by will fires rule 5 at once. */
  presence$?: Observable<Presence>;
  /** Ingest's storage condition (rule 7). */
  storage$?: Observable<StorageCondition>;
  rules?: Rules;
  notify?: NotifyConfig;
  smtp?: SmtpSettings;
  webhookSecret?: string;
  /** The durable line sink (ingest.appendLines): every alert event goes to InfluxDB through it. */
  append?(lines: string[]): Promise<void>;
  /** InfluxQL (ingest.influx.query): restores open alerts and silences on start; serves history. */
  query?: QueryFn;
  /** MQTT publish (broker.publish) for `alerts/{zone}/{station}`. */
  publish?(topic: string, payload: string): Promise<void>;
  /** Dead letters go to DATA_DIR/alerts/dead-letters.jsonl. */
  dataDir?: string;
  log: Logger;
  clock?: Clock;
  /** Timers (the wall-clock tick, retry backoff); a VirtualTimeScheduler in unit tests. */
  scheduler?: SchedulerLike;
  /** How often wall-clock rules, reminders and silences are checked. */
  tickMs?: number;
  emailSender?: EmailSender;
  post?: (req: WebhookRequest) => Promise<void>;
}

/** The alerts part as the centre sees it, on this thread (createAlerts) or in a worker (startAlertsWorker). */
export interface AlertsService extends AlertsApi {
  /** Every alert event as it happens, for the dashboard. */
  readonly events$: Observable<AlertEvent>;
  /** How many open alerts were restored from InfluxDB at start. */
  readonly restored: number;
  /**
   * Rebuilds one station's open alerts from InfluxDB, quietly (ARCHITECTURE.md, "Scaling out":
   * when a station's gateway moves to this node). Returns how many were restored.
   */
  adoptStation(station: string): Promise<number>;
  /** Resolves when event writes and notifications under way are done. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface Alerts extends AlertsService {
  readonly engine: AlertEngine;
  readonly notifier: Notifier;
  acknowledge(id: string, by: string, note?: string): Alert | undefined;
  silence(input: SilenceInput): Silence;
}

/**
 * The alerts part: the rules engine on `readings$`, presence and storage condition; every
 * event persisted as an `alert_event` point through the durable sink, sent to the dashboard
 * (`events$`), to MQTT `alerts/{zone}/{station}` and to people by route; open alerts restored
 * from InfluxDB on start without notifying again.
 */
export async function createAlerts(options: AlertsOptions): Promise<Alerts> {
  const { catalogue, log } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const clock: Clock = options.clock ?? { now: () => scheduler.now() };
  const tickMs = options.tickMs ?? 5_000;
  const events$ = new Subject<AlertEvent>();
  const writes = new Set<Promise<void>>();

  const persist = (lines: string[]): void => {
    if (!options.append) return;
    const p = options.append(lines).catch((err: Error) => log.error({ err }, 'could not store alert events'));
    writes.add(p);
    void p.finally(() => writes.delete(p));
  };

  const notifier = createNotifier({
    config: options.notify ?? EMPTY_NOTIFY_CONFIG,
    smtp: options.smtp,
    webhookSecret: options.webhookSecret,
    scheduler,
    clock,
    log,
    deadLetterFile: options.dataDir === undefined ? undefined : join(options.dataDir, 'alerts', 'dead-letters.jsonl'),
    emailSender: options.emailSender,
    post: options.post,
  });

  const publish = (event: AlertEvent): void => {
    if (!options.publish) return;
    const a = event.alert;
    options
      .publish(alertsTopic(a.zone, a.station), JSON.stringify(event))
      .catch((err: Error) => log.warn({ err, alert: a.id }, 'could not publish alert event'));
  };

  const onEvent = (event: AlertEvent, quiet = false): void => {
    persist([encodeAlertEvent(event)]);
    events$.next(event);
    publish(event);
    const a = event.alert;
    // Silences hold every notification to people; a flapping alert holds all but its own
    // flapping, acknowledged and resolved events (on-call staff stop reading a channel that storms).
    const held = quiet || a.silenced === true || (a.flapping === true && (event.type === 'escalated' || event.type === 'reminder'));
    log.info({ type: event.type, alert: a.id, severity: a.severity, held }, a.message);
    if (!held) notifier.notify(event);
  };

  const engine = createAlertEngine({ catalogue, rules: options.rules ?? createRules(), clock, onEvent: (e) => onEvent(e) });

  let restored = 0;
  let restoreRetry: Subscription | undefined;
  const restore = async (query: QueryFn): Promise<void> => {
    const now = clock.now();
    for (const s of await loadSilences(query, now)) engine.silences.restore(s);
    const result = engine.restore(await loadOpenAlerts(query));
    restored += result.restored;
    for (const alert of result.orphans) {
      // Its station or rule is gone from the configuration: close it in the record, quietly.
      const resolved = {
        ...alert,
        state: 'resolved' as const,
        updatedAt: now,
        message: `${alert.message} (resolved: the rule is no longer configured)`,
      };
      onEvent({ type: 'resolved', at: now, alert: resolved }, true);
    }
    log.info({ restored: result.restored, orphans: result.orphans.length }, 'open alerts restored from InfluxDB');
  };
  if (options.query) {
    const query = options.query;
    try {
      await restore(query);
    } catch (err) {
      // InfluxDB down at start must not stop the centre (main.ts); keep trying in the background.
      // Until it succeeds, an alert that was open before the restart may be raised again.
      log.error({ err }, 'could not restore open alerts from InfluxDB; retrying every 30 s');
      const retry = (): void => {
        restoreRetry = scheduler.schedule(() => {
          restore(query).then(
            () => {
              restoreRetry = undefined;
            },
            (e: Error) => {
              log.warn({ err: e }, 'restoring open alerts failed again');
              if (restoreRetry) retry();
            },
          );
        }, 30_000);
      };
      retry();
    }
  }

  const subs: Subscription[] = [];
  let readingErrors = 0;
  subs.push(
    options.readings$.subscribe({
      next: (r) => {
        try {
          engine.onReading(r);
        } catch (err) {
          // A bad reading never stops the rules for the others.
          if (readingErrors++ % 1000 === 0)
            log.error({ err, station: r.station, parameter: r.parameter }, 'alert rules failed on a reading');
        }
      },
      error: (err: Error) => log.error({ err }, 'readings stream failed; alert rules stop'),
    }),
  );
  // A throw in a subscriber would reach RxJS's unhandled-error path, which rethrows it on a
  // timer and ends the process: like a bad reading, a bad presence or storage value is logged
  // (at most once per 1000) and the stream carries on.
  let streamErrors = 0;
  const guard =
    <T>(what: string, fn: (value: T) => void) =>
    (value: T): void => {
      try {
        fn(value);
      } catch (err) {
        if (streamErrors++ % 1000 === 0) log.error({ err, value }, `alert rules failed on a ${what} update`);
      }
    };
  if (options.presence$) {
    subs.push(
      options.presence$.subscribe({
        next: guard('presence', (p) => engine.onPresence(p)),
        error: (err: Error) => log.error({ err }, 'presence stream failed'),
      }),
    );
  }
  if (options.storage$) {
    subs.push(
      options.storage$.subscribe({
        next: guard('storage condition', (c) => engine.onStorage(c)),
        error: (err: Error) => log.error({ err }, 'storage condition stream failed'),
      }),
    );
  }
  // Each tick is a fresh action (not a recursive reschedule), so a long run in virtual time
  // builds no chain of nested subscriptions.
  let tickSub: Subscription | undefined;
  let closed = false;
  const scheduleTick = (): void => {
    tickSub = scheduler.schedule(() => {
      try {
        engine.tick();
        checkReminders(engine, notifier, clock.now());
      } catch (err) {
        log.error({ err }, 'alert tick failed');
      }
      if (!closed) scheduleTick();
    }, tickMs);
  };
  scheduleTick();

  const flush = async (): Promise<void> => {
    await notifier.delivery.idle();
    while (writes.size > 0) await Promise.allSettled([...writes]);
  };

  return {
    events$: events$.asObservable(),
    get restored() {
      return restored;
    },
    engine,
    notifier,
    flush,
    async adoptStation(station) {
      if (!options.query) return 0;
      const result = engine.restore(await loadOpenAlerts(options.query, station));
      restored += result.restored;
      return result.restored;
    },
    open: (filter) => engine.open(filter),
    history: async (filter) => (options.query ? loadHistory(options.query, filter) : []),
    acknowledge: (id, by, note) => engine.acknowledge(id, by, note),
    silence(input) {
      const { silence } = engine.silence(input);
      persist([encodeSilence(silence)]);
      log.info({ station: silence.station, parameter: silence.parameter, until: silence.until, by: silence.by }, 'maintenance window set');
      return silence;
    },
    silences: () => engine.silences.active(clock.now()),
    async close() {
      closed = true;
      tickSub?.unsubscribe();
      restoreRetry?.unsubscribe();
      restoreRetry = undefined;
      for (const s of subs.splice(0)) s.unsubscribe();
      await notifier.close();
      while (writes.size > 0) await Promise.allSettled([...writes]);
      events$.complete();
    },
  };
}
