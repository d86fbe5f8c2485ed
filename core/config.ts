import { z } from 'zod';
import { ConfigError } from './errors.js';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z.string().trim().min(1).optional();

/**
 * The whole configuration as one schema over the environment (README, "Configuration").
 * Read once, in main.ts; flags override by being merged into the environment first.
 */
export const ConfigSchema = z.object({
  MQTT_HOST: z.string().default('127.0.0.1'),
  MQTT_PORT: port.default(1883),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: port.default(8080),
  DATA_DIR: z.string().default('./data'),
  CATALOGUE: z.string().default('seeds/catalogue.json'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

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
  INGEST_BATCH_LINES: z.coerce.number().int().positive().default(5000),
  INGEST_FLUSH_MS: z.coerce.number().int().positive().default(200),
  /** Accepted window of a reading's timestamp (PROTOCOL.md, "Readings message"). */
  READING_MAX_AGE_DAYS: z.coerce.number().positive().default(30),
  READING_MAX_AHEAD_S: z.coerce.number().nonnegative().default(300),

  /** Simulators in demo mode: message interval. */
  DEMO_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
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
  if ((config.INFLUX_ORG === undefined) !== (config.INFLUX_BUCKET === undefined)) {
    throw new ConfigError('invalid configuration: INFLUX_ORG and INFLUX_BUCKET go together (v2 API)');
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
