import { Counter, type Registry } from 'prom-client';
import type { AdmitMessage, Catalogue, ForwardedMessage, InfluxQuery, Logger, Rejection, Route } from '../core/index.js';
import { createRetryPolicy, DAY_MS, retryUntilDone, systemScheduler, type Clock, type SchedulerLike } from '../platform/index.js';
import { createRelayedAlerts } from './downstream-alerts.js';
import { encodeRelayedEvent, loadRelayedEvents, type RelayedEvent } from './downstream-lines.js';
import { createDownstreamRoutes } from './downstream-routes.js';
import { createRelayStates, type RelayState } from './downstream-status.js';
import { checkRelayedAlert, checkRelayStatus } from './downstream-validate.js';

export { RELAYED_ALERT_EVENT, type RelayedEvent } from './downstream-lines.js';
export type { RelayState } from './downstream-status.js';

/** Relayed alert events are restored from this far back at start. */
const RESTORE_DAYS = 30;

export interface DownstreamOptions {
  /** Ingest's appendLines: durable (spool, fsync) before it resolves, so before the relay's PUBACK. */
  append(lines: string[]): Promise<void>;
  /** Ingest's deadLetter: a refused forwarded message and its reasons. */
  deadLetter(message: AdmitMessage, errors: Rejection[]): Promise<void> | void;
  catalogue: Pick<Catalogue, 'station'>;
  query: InfluxQuery;
  /** The stations a relay account serves (the broker's credentials); undefined for no such account. */
  accountStations(account: string): readonly string[] | undefined;
  log: Logger;
  registry: Registry;
  clock?: Clock;
  /** Runs the restore's retries; default systemScheduler. */
  scheduler?: SchedulerLike;
}

export interface Downstream {
  /** The broker's acceptForwarded: resolves once the message is kept (or dead-lettered); rejects only when storage failed, so the relay resends. */
  accept(message: ForwardedMessage): Promise<void>;
  /** GET /api/relays and GET /api/relayed-alerts, behind the login. */
  readonly routes: Route[];
  /** The province centres forwarding here, as last reported. */
  relays(): RelayState[];
  /** Resolves when the relayed alerts of the last 30 days are back from InfluxDB (retried until they are, or close). */
  readonly restored: Promise<void>;
  close(): Promise<void>;
}

/**
 * The national side of the relay (docs/PROTOCOL.md, "Between centres"): a province centre's
 * alert events, stored as `relayed_alert_event` and kept per alert id for the dashboard (never
 * fed to this centre's own rules or notifications, which run on the readings), and its link
 * state per account for the forwarding panel and the metrics. A bad message is dead-lettered
 * with its reasons and acknowledged, as a bad readings message is; nothing is thrown but a
 * storage failure.
 */
export function createDownstream(options: DownstreamOptions): Downstream {
  const { log, clock = systemScheduler } = options;
  const scheduler = options.scheduler ?? systemScheduler;
  const alerts = createRelayedAlerts(clock);
  const states = createRelayStates(options.registry, clock);
  const events = new Counter({
    name: 'quantrac_downstream_messages_total',
    help: 'Messages province centres forwarded here, by kind and result (kept or dead-lettered)',
    labelNames: ['kind', 'result'],
    registers: [options.registry],
  });
  const closing = new AbortController();

  const refuse = async (m: ForwardedMessage, errors: Rejection[]): Promise<void> => {
    events.labels(m.kind, 'rejected').inc();
    log.warn({ account: m.account, topic: m.topic, errors }, 'forwarded message refused; kept as a dead letter');
    try {
      await options.deadLetter({ topic: m.topic, payload: m.payload, clientId: m.account }, errors);
    } catch (err) {
      log.error({ err, account: m.account, topic: m.topic }, 'could not keep a refused forwarded message as a dead letter');
    }
  };

  const restored = retryUntilDone(() => loadRelayedEvents(options.query, clock.now() - RESTORE_DAYS * DAY_MS), {
    policy: createRetryPolicy({ baseMs: 1_000, maxMs: 30_000 }),
    scheduler,
    signal: closing.signal,
    onError(err) {
      if (closing.signal.aborted) throw err;
      log.warn({ err }, 'could not restore relayed alerts from InfluxDB; retrying');
    },
  }).then(
    (found: RelayedEvent[]) => {
      let kept = 0;
      for (const e of found) if (alerts.put(e)) kept++;
      log.info({ events: found.length, kept }, 'relayed alerts restored from InfluxDB');
    },
    () => undefined,
  );

  return {
    async accept(m) {
      if (m.kind === 'relay-status') {
        const checked = checkRelayStatus(m);
        if (!checked.ok) return refuse(m, checked.errors);
        const s = states.update(m.account, checked.value);
        events.labels(m.kind, 'kept').inc();
        log.debug({ account: m.account, connected: s.connected, lagMs: s.lagMs }, 'relay status');
        return;
      }
      const checked = checkRelayedAlert(m, options.catalogue, options.accountStations);
      if (!checked.ok) return refuse(m, checked.errors);
      await options.append([encodeRelayedEvent(checked.value)]);
      alerts.put(checked.value);
      events.labels(m.kind, 'kept').inc();
    },
    routes: createDownstreamRoutes({
      states,
      alerts,
      accountStations: options.accountStations,
      stationExists: (id) => options.catalogue.station(id) !== undefined,
    }),
    relays: () => states.list(),
    restored,
    async close() {
      closing.abort();
      await restored;
    },
  };
}
