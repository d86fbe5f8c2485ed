import type { Logger } from 'pino';
import { systemClock, type Clock } from '../time/clock.js';

export interface RateLimitedLog {
  /**
   * Logs `msg` at `level` unless the same `key` was logged less than the interval ago; the next
   * line that does go out carries `suppressed`, the number held back meanwhile.
   */
  (level: 'info' | 'warn' | 'error', key: string, fields: Record<string, unknown>, msg: string): void;
}

/**
 * A logger for repeatable client errors: one line per key and interval, however fast a client
 * repeats itself, so no client can turn its packets into megabytes of log. Keys are bounded
 * (`maxKeys`): past it the oldest are forgotten.
 */
export function createRateLimitedLog(log: Logger, intervalMs = 60_000, clock: Clock = systemClock, maxKeys = 10_000): RateLimitedLog {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (level, key, fields, msg) => {
    const now = clock.now();
    const seen = last.get(key);
    if (seen && now - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    if (!seen && last.size >= maxKeys) last.delete(last.keys().next().value!);
    last.delete(key);
    last.set(key, { at: now, suppressed: 0 });
    log[level](seen && seen.suppressed > 0 ? { ...fields, suppressed: seen.suppressed } : fields, msg);
  };
}
