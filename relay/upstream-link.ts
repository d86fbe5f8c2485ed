import type { SchedulerLike } from 'rxjs';
import { wait, type RetryPolicy } from '../platform/index.js';
import { UpstreamRefused, type ConnectUpstream, type UpstreamConnection } from './upstream-connection.js';

export type ConnectOutcome = 'ok' | 'refused' | 'error';

export interface LinkOptions {
  connect: ConnectUpstream;
  policy: RetryPolicy;
  scheduler: SchedulerLike;
  /** Runs while connected; returns when the connection is lost or `stop` aborts. */
  session(conn: UpstreamConnection, stop: AbortSignal): Promise<void>;
  /** Each attempt's outcome; `retryInMs` is the back-off before the next attempt (failures only). */
  attempted(outcome: ConnectOutcome, err?: Error, retryInMs?: number): void;
  /** A connection that was up is lost (not by `stop`). */
  lost(reason: Error): void;
  /** A connection that lasted this long resets the back-off (default 10 s). */
  stableMs?: number;
}

/**
 * The relay's connection loop: connect, run a session, and after a refusal, a failure or a
 * loss wait by the retry policy (full jitter, ceiling UPSTREAM_RETRY_MAX_S) and connect again,
 * until `stop` aborts. A connection dropped at once (an upstream that refuses what the relay
 * sends) does not reset the back-off, so it cannot turn into a tight loop.
 */
export async function runLink(options: LinkOptions, stop: AbortSignal): Promise<void> {
  const { policy, scheduler, stableMs = 10_000 } = options;
  let attempt = 0;
  while (!stop.aborted) {
    let conn: UpstreamConnection | undefined;
    try {
      conn = await connectUnlessStopped(options.connect, stop);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const waitMs = policy.delayMs(attempt++);
      options.attempted(e instanceof UpstreamRefused ? 'refused' : 'error', e, waitMs);
      await wait(waitMs, scheduler, stop);
      continue;
    }
    if (!conn) break;
    options.attempted('ok');
    const startedAt = scheduler.now();
    try {
      await options.session(conn, stop);
      if (conn.closed.aborted && !stop.aborted) options.lost(conn.closed.reason as Error);
    } catch (err) {
      // A fault of this side (the cursor, say) ends the session, not the relay: reconnect and resume.
      options.lost(err instanceof Error ? err : new Error(String(err)));
    } finally {
      await conn.end().catch(() => undefined);
    }
    if (scheduler.now() - startedAt >= stableMs) attempt = 0;
    if (!stop.aborted) await wait(policy.delayMs(attempt++), scheduler, stop);
  }
}

/** Connects; when `stop` aborts first, resolves undefined and ends the connection if it still comes. */
async function connectUnlessStopped(connect: ConnectUpstream, stop: AbortSignal): Promise<UpstreamConnection | undefined> {
  if (stop.aborted) return undefined;
  const pending = connect();
  let onStop: (() => void) | undefined;
  const stopped = new Promise<undefined>((resolve) => {
    onStop = () => resolve(undefined);
    stop.addEventListener('abort', onStop, { once: true });
  });
  try {
    const conn = await Promise.race([pending, stopped]);
    if (conn === undefined)
      pending
        .then(
          (c) => c.end(),
          () => undefined,
        )
        .catch(() => undefined);
    return conn;
  } finally {
    stop.removeEventListener('abort', onStop!);
  }
}
