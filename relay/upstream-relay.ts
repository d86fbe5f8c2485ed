import { readFile } from 'node:fs/promises';
import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import { RejectionNoticeSchema, type Logger, type LogCursor, type Presence, type Route } from '../core/index.js';
import {
  createRateLimitedLog,
  createRetryPolicy,
  systemScheduler,
  wait,
  type Clock,
  type RateLimitedLog,
  type SchedulerLike,
} from '../platform/index.js';
import { createCursorAdvancer } from './upstream-ack-window.js';
import type { RelayCatalogue } from './upstream-batch.js';
import { mqttConnector, type ConnectUpstream, type UpstreamConnection } from './upstream-connection.js';
import { createForwarder, type Forwarder } from './upstream-forwarder.js';
import { runLink, type LinkOptions } from './upstream-link.js';
import { createRelayMetrics, lagMs, type RelayMetrics } from './upstream-metrics.js';
import { createRelayRoutes } from './upstream-routes.js';
import { displayUpstream, type RelaySettings } from './upstream-settings.js';
import { RELAY_WILL, relayStatusTopic, startHeartbeat, StationStatusRelay } from './upstream-status.js';

export interface RelayOptions extends RelaySettings {
  /** The relay's own durable cursor over the spool (ingest's `openCursor('upstream')`). */
  cursor: LogCursor;
  /** Units per station parameter, and the stations the relay speaks for (core/catalogue.ts). */
  catalogue: RelayCatalogue;
  /** Station presence (the broker's), published upstream as each station's status. */
  presence$: Observable<Presence>;
  registry: Registry;
  log: Logger;
  scheduler?: SchedulerLike;
  clock?: Clock;
  /** How to reach the upstream; default mqtt.js over the URL (tests give a fake). */
  connect?: ConnectUpstream;
  /** How long close() waits for the PUBACKs of what is in flight (default 5 s). */
  drainMs?: number;
}

/** What `GET /api/relay/upstream` answers. */
export interface RelayStatus {
  /** `mqtt(s)://host:port`: never credentials. */
  upstream: string;
  connected: boolean;
  /** Since when connected (or, when not, since when down), epoch ms. */
  since?: number;
  /** Why the last attempt or connection failed (a CONNACK refusal, a network error); cleared on connect. */
  lastError?: string;
  backlogBytes: number;
  backlogPoints: number;
  lagMs: number;
  /** Readings acknowledged by the upstream since this process started. */
  forwardedReadings: number;
}

export interface Relay {
  status(): RelayStatus;
  /** GET /api/relay/upstream, mounted on the dashboard (needs a session, any role). */
  readonly routes: Route[];
  /** Stops reading, waits a short while for in-flight PUBACKs, ends the connection. */
  close(): Promise<void>;
}

/** Subscription chunks for the rejection notices: a province has hundreds of stations. */
const SUBSCRIBE_CHUNK = 100;

/**
 * The upstream relay (docs/CONFIGURATION.md, "Upstream relay"): a province centre forwards
 * every accepted reading, its stations' status and its alert events to the national centre as
 * a gateway of it (docs/PROTOCOL.md), from its own durable spool cursor, advanced only on the
 * upstream's PUBACKs.
 */
export async function createRelay(options: RelayOptions): Promise<Relay> {
  const scheduler = options.scheduler ?? systemScheduler;
  const clock = options.clock ?? scheduler;
  const log = options.log.child({ part: 'relay', upstream: displayUpstream(options.url) });
  const connect = options.connect ?? mqttConnector(await connectOptions(options));
  const note = createRateLimitedLog(log, 60_000, clock);
  const state = new RelayState(options, clock);
  const metrics = createRelayMetrics(options.registry, () => state.backlog());
  const forwarder = createForwarder({
    cursor: options.cursor,
    advancer: createCursorAdvancer(options.cursor, (err) =>
      note('error', 'advance', { err }, 'relay cursor: advance failed; retried with the next acknowledgement'),
    ),
    maxInflight: options.maxInflight,
    catalogue: options.catalogue,
    batchReadings: options.batchReadings,
    onSkip: (reason, text) => {
      metrics.skippedLines.inc();
      note('warn', `skip:${reason}`, { reason, line: text.slice(0, 200) }, 'relay: a spool line is not relayed');
    },
    events: {
      acknowledged: (message, seconds) => {
        metrics.publishAckSeconds.observe(seconds);
        metrics.forwardedReadings.inc(message.readings);
        metrics.forwardedAlertEvents.inc(message.alertEvents);
        state.forwardedReadings += message.readings;
      },
      readFailed: (err) => note('error', 'read', { err }, 'relay cursor: read failed; retrying'),
    },
    now: () => clock.now(),
    pause: (ms, signal) => wait(ms, scheduler, signal),
  });
  const stations = new StationStatusRelay(options.presence$, (id) => options.catalogue.station(id) !== undefined);
  const stop = new AbortController();
  const link: LinkOptions = {
    connect,
    scheduler,
    policy: createRetryPolicy({ baseMs: 1000, maxMs: options.retryMaxS * 1000 }),
    session: (conn, s) => runSession({ conn, stop: s, options, state, metrics, forwarder, stations, note, scheduler }),
    attempted: (outcome, err, retryInMs) => {
      metrics.connects.inc({ outcome });
      if (outcome === 'ok') return log.info({ clientId: clientIdOf(options) }, 'relay: connected to the upstream centre');
      state.failed(err!.message);
      note('warn', `connect:${err!.message}`, { outcome, error: err!.message, retryInMs }, 'relay: cannot connect to the upstream centre');
    },
    lost: (reason) => {
      state.failed(reason.message);
      log.warn({ error: reason.message }, 'relay: connection to the upstream centre lost; resuming from the cursor after reconnecting');
    },
  };
  const running = runLink(link, stop.signal).catch((err: unknown) => log.error({ err }, 'relay: connection loop ended'));
  return {
    status: () => state.status(),
    routes: createRelayRoutes(() => state.status()),
    async close() {
      stop.abort();
      await running;
      stations.close();
    },
  };
}

/** The relay's link state, for its status route and heartbeat. */
class RelayState {
  connected = false;
  since: number | undefined;
  lastError: string | undefined;
  forwardedReadings = 0;
  private readonly upstream: string;

  constructor(
    private readonly options: Pick<RelayOptions, 'url' | 'cursor'>,
    private readonly clock: Clock,
  ) {
    this.upstream = displayUpstream(options.url);
  }

  up(): void {
    this.connected = true;
    this.since = this.clock.now();
    this.lastError = undefined;
  }

  down(): void {
    if (this.connected) this.since = this.clock.now();
    this.connected = false;
  }

  failed(message: string): void {
    this.lastError = message;
    if (this.since === undefined) this.since = this.clock.now();
  }

  backlog(): { bytes: number; points: number; lagMs: number } {
    const b = this.options.cursor.backlog();
    return { bytes: b.bytes, points: b.points, lagMs: lagMs(b, this.clock.now()) };
  }

  status(): RelayStatus {
    const b = this.backlog();
    return {
      upstream: this.upstream,
      connected: this.connected,
      ...(this.since === undefined ? {} : { since: this.since }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      backlogBytes: b.bytes,
      backlogPoints: b.points,
      lagMs: b.lagMs,
      forwardedReadings: this.forwardedReadings,
    };
  }
}

interface SessionParts {
  conn: UpstreamConnection;
  stop: AbortSignal;
  options: RelayOptions;
  state: RelayState;
  metrics: RelayMetrics;
  forwarder: Forwarder;
  stations: StationStatusRelay;
  note: RateLimitedLog;
  scheduler: SchedulerLike;
}

/** One connection's life: status and heartbeat, the rejection notices, and the forwarding until it ends. */
async function runSession(p: SessionParts): Promise<void> {
  const { conn, state, metrics } = p;
  const topic = relayStatusTopic(p.options.username);
  state.up();
  metrics.connected.set(1);
  conn.onMessage((t, payload) => onNotice(p, t, payload));
  p.stations.attach(conn);
  const heartbeat = startHeartbeat(
    conn,
    topic,
    () => {
      const b = state.backlog();
      return {
        ts: p.scheduler.now(),
        connected: true,
        backlogBytes: b.bytes,
        backlogPoints: b.points,
        lagMs: b.lagMs,
        forwarded: state.forwardedReadings,
      };
    },
    p.scheduler,
  );
  void subscribeNotices(p);
  try {
    await p.forwarder.run(conn, p.stop, p.options.drainMs);
    if (!conn.closed.aborted) await boundedPublish(conn, topic, RELAY_WILL, p.scheduler);
  } finally {
    heartbeat.unsubscribe();
    p.stations.detach();
    state.down();
    metrics.connected.set(0);
  }
}

/** Subscribes to the rejection notices of the catalogue's stations (a gateway account may read its own stations' errors). */
async function subscribeNotices(p: SessionParts): Promise<void> {
  const topics = p.options.catalogue.stations.map((s) => `stations/${s.id}/errors`);
  try {
    for (let i = 0; i < topics.length && !p.conn.closed.aborted; i += SUBSCRIBE_CHUNK) {
      const refused = await p.conn.subscribe(topics.slice(i, i + SUBSCRIBE_CHUNK));
      if (refused.length > 0)
        p.note(
          'warn',
          'subscribe-refused',
          { refused: refused.length, first: refused[0] },
          'relay: the upstream refused error subscriptions',
        );
    }
  } catch (err) {
    if (!p.conn.closed.aborted) p.note('warn', 'subscribe', { err }, 'relay: subscribing to rejection notices failed');
  }
}

/** A rejection notice from the upstream (docs/PROTOCOL.md, "Acceptance and rejection"): counted and logged, rate-limited per station. */
function onNotice(p: SessionParts, topic: string, payload: Buffer): void {
  const m = /^stations\/([^/]+)\/errors$/.exec(topic);
  if (!m) return;
  p.metrics.rejections.inc();
  let notice: unknown;
  try {
    notice = JSON.parse(payload.toString('utf8'));
  } catch {
    notice = undefined;
  }
  const parsed = RejectionNoticeSchema.safeParse(notice);
  const fields = parsed.success
    ? { station: m[1], seq: parsed.data.seq, rejected: parsed.data.rejected, errors: parsed.data.errors.slice(0, 3) }
    : { station: m[1], unparsable: true };
  p.note('warn', `rejected:${m[1]}`, fields, 'relay: the upstream rejected relayed data');
}

/** Publishes and waits for the PUBACK at most 2 s (shutdown must not hang on a silent upstream). */
async function boundedPublish(conn: UpstreamConnection, topic: string, payload: string, scheduler: SchedulerLike): Promise<void> {
  const bound = new AbortController();
  await Promise.race([conn.publish(topic, payload, { qos: 1, retain: true }).catch(() => undefined), wait(2000, scheduler, bound.signal)]);
  bound.abort();
}

const clientIdOf = (o: Pick<RelaySettings, 'username' | 'clientSuffix'>): string => `${o.username}:${o.clientSuffix}`;

/** The mqtt.js connector's options; the CA file is read once here, and an unreadable one is a clear start-up error. */
async function connectOptions(o: RelayOptions): Promise<Parameters<typeof mqttConnector>[0]> {
  let ca: string | undefined;
  if (o.caFile !== undefined) {
    try {
      ca = await readFile(o.caFile, 'utf8');
    } catch (err) {
      throw new Error(`UPSTREAM_CA: cannot read ${o.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
        cause: err,
      });
    }
  }
  const will = { topic: relayStatusTopic(o.username), payload: RELAY_WILL };
  return { url: o.url, username: o.username, password: o.password, clientId: clientIdOf(o), ca, will };
}
