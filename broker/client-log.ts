import type { Logger } from '../core/index.js';
import { createRateLimitedLog, type Clock } from '../platform/index.js';

export type ClientLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Logs a repeatable client error (a refused subscription, a forbidden publish, a full queue,
 * a bad packet): one line per client and kind a minute, the next carrying the `suppressed`
 * count, so no client can flood the log however fast it repeats itself.
 */
export type ClientLog = (level: ClientLogLevel, client: string, kind: string, fields: Record<string, unknown>, msg: string) => void;

/**
 * The client a refusal before login is rate-limited as. Not its address: an unauthenticated
 * peer may come from any number of them and must not get a log line for each (one line a
 * minute per kind, with the count held back; the counters count every one).
 */
export const BEFORE_LOGIN = 'before login';

/** The longest topic a log line carries (a topic may be 64 KiB); the rest is cut and its length given. */
const MAX_LOGGED_TOPIC = 200;

/** A topic for a log field: itself, or its first MAX_LOGGED_TOPIC characters and its length. */
export function topicForLog(topic: string): string {
  return topic.length <= MAX_LOGGED_TOPIC ? topic : `${topic.slice(0, MAX_LOGGED_TOPIC)}... (${topic.length} characters)`;
}

/** The broker's repeatable client errors through platform createRateLimitedLog, keyed by client and kind. */
export function createClientLog(log: Logger, clock: Clock, intervalMs = 60_000): ClientLog {
  const limited = createRateLimitedLog(log, intervalMs, clock);
  // The rate-limited log writes at info, warn or error; debug lines go through a view of the
  // logger whose `info` is `debug`, and are not counted at all when debug is off.
  const debugView = { info: (fields: object, msg: string) => log.debug(fields, msg) } as unknown as Logger;
  const limitedDebug = createRateLimitedLog(debugView, intervalMs, clock);
  return (level, client, kind, fields, msg) => {
    const key = `${kind} ${client}`;
    if (level !== 'debug') limited(level, key, fields, msg);
    else if (log.isLevelEnabled('debug')) limitedDebug('info', key, fields, msg);
  };
}
