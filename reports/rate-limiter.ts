import type { Clock } from '../platform/index.js';

export interface RateLimiterOptions {
  /** Bucket size: requests a client may send in a burst. */
  burst: number;
  /** Refill: sustained requests per minute. */
  perMinute: number;
  clock: Clock;
  /** Buckets kept at most; beyond it idle (full) buckets go first, then the least recently used. */
  maxClients?: number;
}

export type Admission = { ok: true; remaining: number } | { ok: false; retryAfterS: number };

export interface RateLimiter {
  take(client: string): Admission;
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client: each request takes a token; tokens come back at `perMinute`
 * up to `burst`. State is lazy (refilled on use), so there is no timer to stop, and bounded
 * by `maxClients` so a flood of addresses cannot grow memory without limit.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { burst, clock } = options;
  const perMs = options.perMinute / 60_000;
  const maxClients = options.maxClients ?? 10_000;
  const buckets = new Map<string, Bucket>();

  const refill = (b: Bucket, now: number): void => {
    b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.at) * perMs);
    b.at = now;
  };

  const makeRoom = (now: number): void => {
    for (const [key, b] of buckets) {
      refill(b, now);
      if (b.tokens >= burst) buckets.delete(key);
    }
    // Still full: drop the least recently used (Map order is insertion order; take() re-inserts).
    for (const key of buckets.keys()) {
      if (buckets.size < maxClients) break;
      buckets.delete(key);
    }
  };

  return {
    take(client) {
      const now = clock.now();
      let b = buckets.get(client);
      if (b === undefined) {
        if (buckets.size >= maxClients) makeRoom(now);
        b = { tokens: burst, at: now };
      } else {
        buckets.delete(client);
        refill(b, now);
      }
      buckets.set(client, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true, remaining: Math.floor(b.tokens) };
      }
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
    },
    get size() {
      return buckets.size;
    },
  };
}
