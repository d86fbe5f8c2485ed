import { z } from 'zod';

const optionalString = z.string().trim().min(1).optional();

/**
 * Settings of the levels of centres and of access by level (docs/CONFIGURATION.md, "Upstream
 * relay" and "Audit log"), merged into ConfigSchema.
 */
export const LevelsConfigShape = {
  /** The upstream centre this one forwards to, as a gateway of it: mqtt://host:port or mqtts://host:port. Unset: no relay. */
  UPSTREAM_URL: z
    .string()
    .trim()
    .regex(/^mqtts?:\/\/[^\s/]+(:\d+)?\/?$/, 'UPSTREAM_URL must be mqtt://host:port or mqtts://host:port')
    .optional(),
  /** The relay's account at the upstream centre (a gateway account listing this centre's stations). */
  UPSTREAM_USERNAME: optionalString,
  UPSTREAM_PASSWORD: optionalString,
  /** A PEM file of the CA that signed the upstream's certificate (mqtts:// with a private CA). */
  UPSTREAM_CA: optionalString,
  /** The MQTT client id suffix: the client id is `<UPSTREAM_USERNAME>:<this>`. */
  UPSTREAM_CLIENT_SUFFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,32}$/)
    .default('relay'),
  /** At most this many readings messages in flight (published, PUBACK awaited). */
  UPSTREAM_MAX_INFLIGHT: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Readings per forwarded message, at most (the gateway contract allows 1000). */
  UPSTREAM_BATCH_READINGS: z.coerce.number().int().min(1).max(1000).default(500),
  /** Reconnect back-off ceiling, seconds. */
  UPSTREAM_RETRY_MAX_S: z.coerce.number().positive().default(30),

  /** Audit log (DATA_DIR/audit/): days of files kept. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().default(400),
};

/** Checks across the upstream settings: a URL needs its account. */
export function levelsConfigProblems(config: { UPSTREAM_URL?: string; UPSTREAM_USERNAME?: string; UPSTREAM_PASSWORD?: string }): string[] {
  if (config.UPSTREAM_URL === undefined) return [];
  const missing = (['UPSTREAM_USERNAME', 'UPSTREAM_PASSWORD'] as const).filter((k) => config[k] === undefined);
  return missing.length > 0 ? [`UPSTREAM_URL needs ${missing.join(' and ')} (the relay's gateway account at the upstream centre)`] : [];
}
