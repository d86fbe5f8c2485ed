import { z } from 'zod';
import { ConfigError } from './errors.js';
import { packagePath } from './package-paths.js';
import { LevelsConfigShape, levelsConfigProblems } from './config-levels.js';
import { ClusterConfigShape } from './config-cluster.js';
import { MapConfigShape } from './config-map.js';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z.string().trim().min(1).optional();

/**
 * The whole configuration as one schema over the environment (docs/CONFIGURATION.md).
 * Read once, in main.ts; flags override by being merged into the environment first.
 */
export const ConfigSchema = z.object({
  MQTT_HOST: z.string().default('127.0.0.1'),
  MQTT_PORT: port.default(1883),
  /** Optional listeners (broker/): MQTT over TLS (PEM cert and key paths) and over WebSocket. */
  MQTT_TLS_PORT: port.optional(),
  MQTT_TLS_CERT: optionalString,
  MQTT_TLS_KEY: optionalString,
  MQTT_WS_PORT: port.optional(),
  /** Per-client limits (broker/; docs/PROTOCOL.md). */
  MQTT_MAX_CLIENT_ID_LENGTH: z.coerce.number().int().min(23).default(128),
  MQTT_MAX_KEEPALIVE_S: z.coerce.number().int().positive().max(65535).default(300),
  MQTT_MAX_INFLIGHT: z.coerce.number().int().positive().default(16),
  MQTT_MAX_OUTBOUND_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  MQTT_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  MQTT_MAX_QUEUED: z.coerce.number().int().positive().default(1000),
  /** Before login (broker/; docs/CONFIGURATION.md): connections waiting to log in, the CONNECT's size, the time to send it. */
  MQTT_MAX_PENDING_CONNECTIONS: z.coerce.number().int().positive().default(1000),
  MQTT_MAX_CONNECT_BYTES: z.coerce
    .number()
    .int()
    .min(256)
    .default(16 * 1024),
  MQTT_CONNECT_TIMEOUT_S: z.coerce.number().int().positive().max(3600).default(10),
  /** Login throttling: failed logins per source address per minute, then refused this long. */
  MQTT_AUTH_MAX_FAILURES_PER_MIN: z.coerce.number().int().positive().default(10),
  MQTT_AUTH_BLOCK_S: z.coerce.number().int().positive().default(60),
  /**
   * Secret checks (scrypt, on libuv's thread pool, which the spool's fsync shares) running at
   * once, and waiting; beyond the queue a login gets CONNACK 3 at once (docs/SECURITY.md, "Login throttling").
   */
  MQTT_AUTH_MAX_CONCURRENT_CHECKS: z.coerce.number().int().min(1).max(3).default(1),
  MQTT_AUTH_MAX_QUEUED_CHECKS: z.coerce.number().int().nonnegative().default(100),
  /** scrypt cost N (a power of two) for new gateway secret hashes. */
  MQTT_AUTH_SCRYPT_COST: z.coerce
    .number()
    .int()
    .min(1024)
    .refine((n) => Number.isInteger(Math.log2(n)), 'must be a power of two')
    .default(16384),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: port.default(8080),
  /** Dashboard (dashboard/): origins allowed besides the page's own (comma-separated; a reverse proxy that rewrites Host). */
  DASHBOARD_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    ),
  /** Behind a TLS-terminating reverse proxy: trust X-Forwarded-Proto/-For (Secure cookie, client address for throttling). */
  DASHBOARD_TRUST_PROXY: z.stringbool().default(false),
  /** A dashboard session ends after this long without activity (an open live view is activity), or this long in all. */
  DASHBOARD_SESSION_IDLE_MIN: z.coerce.number().positive().default(720),
  DASHBOARD_SESSION_MAX_H: z.coerce.number().positive().default(168),
  /** Login throttling: failed logins per address or user name in 15 minutes, then refused this long. */
  DASHBOARD_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  DASHBOARD_LOGIN_LOCK_S: z.coerce.number().int().positive().default(300),
  /** One user name, from any addresses: after this many failures in 15 minutes, one attempt at a time, 1 s apart doubling up to the cap. */
  DASHBOARD_LOGIN_NAME_BACKOFF_AFTER: z.coerce.number().int().positive().default(20),
  DASHBOARD_LOGIN_NAME_BACKOFF_MAX_S: z.coerce.number().int().min(1).max(300).default(30),
  /** Password checks (scrypt) running at once, and waiting; beyond the queue a login gets 503 at once. */
  DASHBOARD_LOGIN_MAX_CONCURRENT_CHECKS: z.coerce.number().int().min(1).max(3).default(1),
  DASHBOARD_LOGIN_MAX_QUEUED_CHECKS: z.coerce.number().int().nonnegative().default(20),
  /**
   * Live deltas go to a client at most once per this interval: 250 ms is the cap of 4 frames a
   * second (docs/ARCHITECTURE.md, the two kinds of live socket), and a reading on the overview waits up to that long for its frame.
   * Shorter means fresher values for more frames and bytes (docs/PERFORMANCE.md).
   */
  DASHBOARD_FRAME_MS: z.coerce.number().int().min(100, 'at least 100 (10 frames a second)').max(5000).default(250),
  /** scrypt cost N (a power of two) for new dashboard password hashes. */
  DASHBOARD_SCRYPT_COST: z.coerce
    .number()
    .int()
    .min(1024)
    .refine((n) => Number.isInteger(Math.log2(n)), 'must be a power of two')
    .default(32768),
  DATA_DIR: z.string().default('./data'),
  /** Default files ship with the package and are found from any working directory (core/package-paths.ts). */
  CATALOGUE: z.string().default(packagePath('seeds', 'catalogue.json')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: human-readable lines when stdout is a terminal, JSON lines otherwise (core/logger.ts). */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),

  /** Unset: run a local influxd under DATA_DIR. */
  INFLUX_URL: z.url().optional(),
  INFLUX_DB: z.string().default('quantrac'),
  INFLUX_RP: optionalString,
  INFLUX_USERNAME: optionalString,
  INFLUX_PASSWORD: optionalString,
  INFLUX_ORG: optionalString,
  INFLUX_BUCKET: optionalString,
  INFLUX_TOKEN: optionalString,

  /** Delivery batching: a batch is sent when it has this many lines or is this old. */
  INGEST_BATCH_LINES: z.coerce.number().int().positive().default(20_000),
  INGEST_FLUSH_MS: z.coerce.number().int().positive().default(200),
  INGEST_BATCH_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  /** Batches in flight to InfluxDB at once; the checkpoint still advances in order. */
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(2),
  /** Cap of the exponential backoff between InfluxDB write retries (retries never stop). */
  INGEST_RETRY_MAX_MS: z.coerce.number().int().positive().default(30_000),
  /** The storage backlog condition is raised when undelivered readings are older than this. */
  INGEST_BACKLOG_ALERT_S: z.coerce.number().positive().default(60),
  /** Durable spool (ingest/; the durable spool, docs/ARCHITECTURE.md): backlog budget on disk, where slowing starts, segment size. */
  SPOOL_BUDGET_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(1024 ** 3),
  SPOOL_HIGH_WATER_PERCENT: z.coerce.number().min(1).max(100).default(50),
  SPOOL_SEGMENT_BYTES: z.coerce
    .number()
    .int()
    .min(4096)
    .default(16 * 1024 ** 2),
  SPOOL_MAX_SLOWDOWN_MS: z.coerce.number().int().nonnegative().default(1000),
  /** Dead-letter store retention: whichever limit is reached first. */
  DEADLETTER_MAX_AGE_DAYS: z.coerce.number().positive().default(90),
  DEADLETTER_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(256 * 1024 ** 2),
  /** Accepted window of a reading's timestamp (PROTOCOL.md, "Readings message"). */
  READING_MAX_AGE_DAYS: z.coerce.number().positive().default(30),
  READING_MAX_AHEAD_S: z.coerce.number().nonnegative().default(300),

  /** Alerts (alerts/): the rules file, the routing file (unset: DATA_DIR/notify.json if present, else seeds/notify.json). */
  ALERTS_RULES_FILE: z.string().default(packagePath('seeds', 'rules.json')),
  ALERTS_NOTIFY_FILE: optionalString,
  /** Incidents (incidents/, docs/INCIDENTS.md): the correlation rules file (unset: DATA_DIR/incidents.json if present, else seeds/incidents.json). */
  INCIDENTS_RULES_FILE: optionalString,
  /** How often wall-clock rules (transmission interrupted), reminders and silences are checked. */
  ALERTS_TICK_MS: z.coerce.number().int().positive().default(5000),
  /**
   * Where the alert rules run: `worker` (a thread of their own, on the second core; the main
   * thread keeps the broker and the durable path) or `main` (one thread for everything).
   */
  ALERTS_THREAD: z.enum(['worker', 'main']).default('worker'),
  /** The alerts worker's V8 old space, MB (its rules' state: about 1.9 KB per series, 30 MB for 2,000 stations x 8). */
  ALERTS_WORKER_HEAP_MB: z.coerce.number().int().min(32).default(128),
  /** Signs webhook bodies (X-Quantrac-Signature: sha256=HMAC); secrets only from the environment or DATA_DIR. */
  ALERTS_WEBHOOK_SECRET: optionalString,
  /** E-mail to on-call people; unset SMTP_HOST: e-mail off. */
  SMTP_HOST: optionalString,
  SMTP_PORT: port.default(587),
  SMTP_SECURE: z.stringbool().default(false),
  SMTP_USER: optionalString,
  SMTP_PASSWORD: optionalString,
  SMTP_FROM: z.string().default('quantrac <alerts@quantrac.invalid>'),

  /** Simulators in demo mode: message interval. */
  DEMO_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  /** The scenario file the demo plays (simulators/, seeds/scenarios/); empty: normal data only. */
  DEMO_SCENARIO_FILE: z.string().default(packagePath('seeds', 'scenarios', 'demo.json')),

  /** Legacy text files (legacy/): the drop folder the FTP server writes to (unset: adapter off). */
  LEGACY_DROP_DIR: optionalString,
  /** Where raw files are kept; default `DATA_DIR/legacy/archive` and `DATA_DIR/legacy/rejected`. */
  LEGACY_ARCHIVE_DIR: optionalString,
  LEGACY_REJECTED_DIR: optionalString,
  /** Scan period of the drop folder; a file is read once its size held over two scans. */
  LEGACY_POLL_MS: z.coerce.number().int().positive().default(2000),
  /**
   * Accept a station's files only under `LEGACY_DROP_DIR/<station id or legacy prefix>/` (one chrooted FTP account per station);
   * on by default, as otherwise any FTP account can submit readings for any station (docs/LEGACY.md).
   */
  LEGACY_REQUIRE_STATION_FOLDER: z.stringbool().default(true),
  /** Larger legacy files are moved to the rejected folder unread: a cycle's file is a few hundred bytes (docs/LEGACY.md, "Bounds"). */
  LEGACY_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Past this many lines that are not readings, a legacy file is rejected whole and not read further; also the reasons listed. */
  LEGACY_MAX_BAD_LINES: z.coerce.number().int().positive().default(100),

  /** Open-data API (reports/): a token bucket per client address, burst size and refill. */
  OPEN_DATA_BURST_REQUESTS: z.coerce.number().int().positive().default(30),
  OPEN_DATA_REQUESTS_PER_MIN: z.coerce.number().positive().default(60),
  /** Take the client address from X-Forwarded-For: only behind a trusted reverse proxy. */
  OPEN_DATA_TRUST_PROXY: z.stringbool().default(false),
  /** How long a computed report is reused; 0 computes every request afresh. */
  REPORT_CACHE_MS: z.coerce.number().int().nonnegative().default(30_000),
  ...LevelsConfigShape,
  ...ClusterConfigShape,
  ...MapConfigShape,
});

export type Config = z.infer<typeof ConfigSchema>;

export type InfluxTarget =
  | { api: 'v1'; url: string; db: string; rp?: string; username?: string; password?: string }
  | { api: 'v2'; url: string; org: string; bucket: string; token?: string };

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  const levels = levelsConfigProblems(config);
  if (levels.length > 0) throw new ConfigError(`invalid configuration: ${levels.join('; ')}`);
  if ((config.INFLUX_ORG === undefined) !== (config.INFLUX_BUCKET === undefined)) {
    throw new ConfigError('invalid configuration: INFLUX_ORG and INFLUX_BUCKET go together (v2 API)');
  }
  // All three or none (docs/CONFIGURATION.md): a certificate without a port would otherwise be ignored silently.
  const tls = { MQTT_TLS_PORT: config.MQTT_TLS_PORT, MQTT_TLS_CERT: config.MQTT_TLS_CERT, MQTT_TLS_KEY: config.MQTT_TLS_KEY };
  const tlsMissing = Object.entries(tls)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (tlsMissing.length > 0 && tlsMissing.length < 3) {
    const set = Object.keys(tls).filter((k) => !tlsMissing.includes(k));
    throw new ConfigError(
      `invalid configuration: MQTT over TLS needs MQTT_TLS_PORT, MQTT_TLS_CERT and MQTT_TLS_KEY (port, PEM file paths), all three or none; ${set.join(' and ')} set without ${tlsMissing.join(' and ')}`,
    );
  }
  return config;
}

/** The InfluxDB write target: the v2 API when an org and bucket are configured, else 1.x. */
export function influxTarget(config: Config, url: string): InfluxTarget {
  if (config.INFLUX_ORG !== undefined && config.INFLUX_BUCKET !== undefined) {
    return { api: 'v2', url, org: config.INFLUX_ORG, bucket: config.INFLUX_BUCKET, token: config.INFLUX_TOKEN };
  }
  return { api: 'v1', url, db: config.INFLUX_DB, rp: config.INFLUX_RP, username: config.INFLUX_USERNAME, password: config.INFLUX_PASSWORD };
}
