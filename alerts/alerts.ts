import { join } from 'node:path';
import { filter, type Observable } from 'rxjs';
import type { Alert, AlertEvent, Silence, AlertsApi, Catalogue, Logger, Presence, Reading, StorageCondition } from '../core/index.js';
import { systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { scheduleTicks, subscribeInputs } from './alert-inputs.js';
import { CENTRE } from './backlog-rule.js';
import { createAlertEngine, type AlertEngine } from './engine.js';
import { encodeSilence } from './event-lines.js';
import { createEventOutlet } from './event-outlet.js';
import { loadHistory, type QueryFn } from './event-store.js';
import type { EmailSender, SmtpSettings } from './notify/email.js';
import { createNotifier, type Notifier } from './notify/notifier.js';
import { EMPTY_NOTIFY_CONFIG, type NotifyConfig } from './notify/notify-config.js';
import type { WebhookRequest } from './notify/webhook.js';
import { checkReminders } from './reminders.js';
import { createRestorer } from './restore-alerts.js';
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
  /**
   * Cluster mode (docs/ARCHITECTURE.md, "Cluster mode"): evaluate only the stations adopted
   * (`adopt`, `drop`: whose shard this node holds); open alerts come with them, not from InfluxDB.
   * cluster-alerts.ts sets it and drives it from the cluster's port.
   */
  gated?: boolean;
}

/** The alerts part as the centre sees it, on this thread (createAlerts) or in a worker (startAlertsWorker). */
export interface AlertsService extends AlertsApi {
  /** Every alert event as it happens, for the dashboard. */
  readonly events$: Observable<AlertEvent>;
  /** How many open alerts were restored from InfluxDB at start. */
  readonly restored: number;
  /**
   * Rebuilds one station's open alerts from InfluxDB, quietly (docs/ARCHITECTURE.md, "Scaling out":
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
  /** Gated (cluster) mode: starts evaluating these stations, their open alerts and silences put back quietly; returns how many alerts. */
  adopt(stations: readonly string[], alerts: Alert[], silences: Silence[]): number;
  /** Gated (cluster) mode: stops evaluating these stations and forgets their alerts. */
  drop(stations: readonly string[]): void;
}

/**
 * The alerts part: the rules engine on `readings$`, presence and storage condition; every
 * event persisted as an `alert_event` point through the durable sink, sent to the dashboard
 * (`events$`), to MQTT `alerts/{zone}/{station}` and to people by route; open alerts restored
 * from InfluxDB on start without notifying again.
 */
export async function createAlerts(options: AlertsOptions): Promise<Alerts> {
  const { catalogue, log } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const clock: Clock = options.clock ?? scheduler;
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
  const outlet = createEventOutlet({ append: options.append, publish: options.publish, notifier, log });
  const owned = options.gated ? new Set<string>() : undefined;
  const rules = options.rules ?? createRules();
  const engine = createAlertEngine({ catalogue, rules, clock, owned, onEvent: (e) => outlet.onEvent(e) });
  // Gated, the open alerts come with the stations adopted (from the cluster's hash), not from InfluxDB.
  const restorer =
    options.query && !owned ? createRestorer({ engine, query: options.query, clock, scheduler, log, onEvent: outlet.onEvent }) : undefined;
  await restorer?.start();

  const subs = subscribeInputs(engine, owned ? gateInputs(options, owned) : options, log);
  subs.push(
    scheduleTicks(
      scheduler,
      options.tickMs ?? 5_000,
      () => {
        engine.tick();
        checkReminders(engine, notifier, clock.now());
      },
      log,
    ),
  );

  return {
    events$: outlet.events$,
    get restored() {
      return restorer?.restored ?? 0;
    },
    engine,
    notifier,
    async flush() {
      await notifier.delivery.idle();
      await outlet.writesDone();
    },
    adoptStation: async (station) => (restorer ? restorer.adopt(station) : 0),
    open: (filter) => engine.open(filter),
    history: async (filter) => (options.query ? loadHistory(options.query, filter) : []),
    acknowledge: (id, by, note) => engine.acknowledge(id, by, note),
    silence(input) {
      const { silence } = engine.silence(input);
      outlet.persist([encodeSilence(silence)]);
      log.info({ station: silence.station, parameter: silence.parameter, until: silence.until, by: silence.by }, 'maintenance window set');
      return silence;
    },
    silences: () => engine.silences.active(clock.now()),
    adopt(stations, alerts, silences) {
      for (const s of silences) engine.silences.restore(s);
      return engine.adopt(stations, alerts);
    },
    drop: (stations) => engine.drop(stations),
    async close() {
      restorer?.stop();
      for (const s of subs.splice(0)) s.unsubscribe();
      await notifier.close();
      await outlet.writesDone();
      outlet.complete();
    },
  };
}

/** The inputs of the stations adopted only (cluster mode): one Set look-up per reading. */
function gateInputs(inputs: AlertsOptions, owned: ReadonlySet<string>): AlertsOptions {
  return {
    ...inputs,
    readings$: inputs.readings$.pipe(filter((r) => owned.has(r.station))),
    presence$: inputs.presence$?.pipe(filter((p) => owned.has(p.station))),
    // The centre-wide storage rule has one owner too (its alert's station is CENTRE), so the
    // backlog alert is raised and notified once cluster-wide.
    storage$: inputs.storage$?.pipe(filter(() => owned.has(CENTRE))),
  };
}
