/**
 * The error catalogue: every rejection and failure the centre reports has a stable code.
 * Codes are part of the gateway contract (PROTOCOL.md, rejection notices) and of the
 * dead-letter store, so they never change meaning once released.
 */
export const ERROR_CODES = {
  // whole-message rejections
  not_utf8: 'payload is not valid UTF-8',
  not_json: 'payload is not JSON',
  bad_shape: 'payload is not a readings message',
  too_large: 'payload is larger than 256 KiB',
  station_mismatch: 'station in payload differs from the topic',
  unknown_station: 'station is not in the catalogue',
  bad_topic: 'topic is not a gateway topic',
  // per-reading rejections
  missing_field: 'a required field is missing',
  wrong_type: 'a field has the wrong type',
  not_finite: 'value is not a finite number',
  unknown_parameter: 'parameter is not measured at this station',
  unit_mismatch: 'unit differs from the catalogue',
  bad_status: 'status is not 00, 01 or 02',
  bad_timestamp: 'timestamp is not RFC 3339 with an offset or epoch milliseconds',
  too_old: 'timestamp is older than the accepted window',
  in_future: 'timestamp is ahead of the centre clock beyond the accepted window',
  too_many_readings: 'more than 1000 readings in one message',
  no_readings: 'a message needs at least one reading',
  // storage
  influx_rejected: 'InfluxDB refused the line',
  // the centre itself: a fault while handling the message (docs/PROTOCOL.md, "Acceptance and rejection")
  internal: 'the centre failed while checking this content; it is kept as a dead letter',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a stable code; `retryable` says whether trying again can succeed. */
export class QuantracError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QuantracError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** The catalogue file is invalid; `entry` names the bad entry (e.g. `stations[3] (BN-X)`). */
export class CatalogueError extends QuantracError {
  readonly entry: string;
  constructor(entry: string, message: string) {
    super('ERR_CATALOGUE', `catalogue: ${entry}: ${message}`);
    this.name = 'CatalogueError';
    this.entry = entry;
  }
}

/** The configuration (environment or flags) is invalid. */
export class ConfigError extends QuantracError {
  constructor(message: string) {
    super('ERR_CONFIG', message);
    this.name = 'ConfigError';
  }
}
