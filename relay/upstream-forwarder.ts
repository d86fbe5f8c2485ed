import type { LogCursor } from '../core/index.js';
import { AckWindow, type CursorAdvancer } from './upstream-ack-window.js';
import { chunkToUnits, type BatchOptions, type OutMessage, type Unit } from './upstream-batch.js';
import type { UpstreamConnection } from './upstream-connection.js';

/** What the forwarder reports, for metrics and the relay's status. */
export interface ForwarderEvents {
  /** A message was acknowledged `seconds` after it was published. */
  acknowledged(message: OutMessage, seconds: number): void;
  /** Reading the cursor failed (an I/O error): the forwarder waits and tries again. */
  readFailed(err: unknown): void;
}

export interface Forwarder {
  /**
   * Forwards until the connection is lost or `stop` aborts; on stop, waits up to `drainMs` for
   * the PUBACKs of what is in flight (so the cursor passes them) before it returns.
   */
  run(conn: UpstreamConnection, stop: AbortSignal, drainMs?: number): Promise<void>;
  /** Messages published on the current connection and not yet acknowledged. */
  readonly inflight: number;
}

export interface ForwarderOptions extends BatchOptions {
  cursor: LogCursor;
  advancer: CursorAdvancer;
  maxInflight: number;
  /** Bytes and lines per cursor read. */
  readBytes?: number;
  readLines?: number;
  events: ForwarderEvents;
  now(): number;
  /** Waits `ms` unless the signal aborts first (the platform's `wait` on the relay's scheduler). */
  pause(ms: number, signal: AbortSignal): Promise<void>;
}

/**
 * Forwards the spool to one connection, from the cursor's position, until the connection is
 * lost (docs/ARCHITECTURE.md, "One durable log, many cursors"): reads whole lines, turns them
 * into messages (upstream-batch.ts), publishes them at QoS 1 in order, at most maxInflight
 * unacknowledged, and advances the cursor over acknowledged prefixes (upstream-ack-window.ts).
 * On loss it drops what is in flight; the next run starts again at the position, so a message
 * may be sent twice but never skipped (a resend is harmless: the same point upstream).
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const { cursor, readBytes = 1 << 20, readLines = 20_000 } = options;
  let window: AckWindow | undefined;

  const nextUnits = async (from: number, signal: AbortSignal, over: Promise<void>): Promise<Unit[] | undefined> => {
    let read: Awaited<ReturnType<LogCursor['read']>>;
    try {
      read = await cursor.read(from, readBytes, readLines);
    } catch (err) {
      options.events.readFailed(err);
      await options.pause(1000, signal);
      return undefined;
    }
    if (read.end <= from) {
      await Promise.race([cursor.changed(), over]);
      return undefined;
    }
    if (read.data.length === 0) return [{ end: read.end, lines: read.lines }];
    return chunkToUnits(read.data, from, options);
  };

  const send = (conn: UpstreamConnection, w: AckWindow, unit: Unit): void => {
    const ack = w.push(unit);
    const message = unit.message;
    if (!message) return;
    const sentAt = options.now();
    conn.publish(message.topic, message.payload, { qos: 1 }).then(
      () => {
        if (!w.dropped) options.events.acknowledged(message, (options.now() - sentAt) / 1000);
        ack();
      },
      () => undefined, // the connection is gone: its loss ends the run, which resumes from the position
    );
  };

  return {
    get inflight() {
      return window?.inflight ?? 0;
    },
    async run(conn, stop, drainMs = 5000) {
      const signal = AbortSignal.any([conn.closed, stop]);
      await options.advancer.idle();
      const w = (window = new AckWindow(options.advancer, options.maxInflight));
      const lost = (): void => w.drop();
      conn.closed.addEventListener('abort', lost, { once: true });
      const over = aborted(signal);
      let from = cursor.position;
      try {
        while (!signal.aborted) {
          const units = await nextUnits(from, signal, over);
          if (!units) continue;
          for (const unit of units) {
            await Promise.race([w.room(), over]);
            if (signal.aborted) break;
            send(conn, w, unit);
          }
          from = units[units.length - 1]!.end;
        }
        if (!conn.closed.aborted) {
          const bound = new AbortController();
          await Promise.race([w.drained(), options.pause(drainMs, AbortSignal.any([conn.closed, bound.signal]))]);
          bound.abort();
        }
      } finally {
        conn.closed.removeEventListener('abort', lost);
        w.drop();
      }
    },
  };
}

/** Resolves when the signal aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
