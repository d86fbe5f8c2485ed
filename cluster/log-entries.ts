import type { SchedulerLike } from '../platform/index.js';
import { wait } from '../platform/index.js';

/** One entry of the replicated log as read back (fields n, lp, c: docs/ARCHITECTURE.md, "Cluster mode"). */
export interface LogEntry {
  id: string;
  /** The node that appended it. */
  node?: string;
  /** Line protocol, lines ending in \n; undefined for an entry trimmed while pending, or a damaged one. */
  lp?: string;
  /** Readings in it. */
  count: number;
}

/** The entries of one stream in an XREAD / XREADGROUP / XAUTOCLAIM answer (`[[id, [field, value, ...]], ...]`). */
export function parseEntries(raw: unknown): LogEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: LogEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    const entry: LogEntry = { id: item[0], count: 0 };
    const fields: unknown = item[1];
    if (Array.isArray(fields)) {
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const value = String(fields[i + 1]);
        if (fields[i] === 'lp') entry.lp = value;
        else if (fields[i] === 'n') entry.node = value;
        else if (fields[i] === 'c') entry.count = Number(value) || 0;
      }
    }
    out.push(entry);
  }
  return out;
}

/** The entries of the first stream of an XREAD / XREADGROUP answer (`[[key, entries]]` or null). */
export function streamEntries(reply: unknown): LogEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const first: unknown = reply[0];
  return Array.isArray(first) ? parseEntries(first[1]) : [];
}

/** The time part of a stream id (`<ms>-<seq>`): when Redis appended the entry. */
export const entryTime = (id: string): number => Number(id.slice(0, id.indexOf('-')));

/**
 * A loop over a blocking Redis read that must never end but on stop(): a failed step is
 * logged by the caller and retried after a backoff (0.1 s doubling to 5 s) on the scheduler.
 */
export async function runLoop(
  step: () => Promise<void>,
  stopped: () => boolean,
  onError: (err: unknown, failures: number) => void,
  scheduler: SchedulerLike,
  signal: AbortSignal,
): Promise<void> {
  let failures = 0;
  while (!stopped()) {
    try {
      await step();
      failures = 0;
    } catch (err) {
      if (stopped()) return;
      onError(err, ++failures);
      await wait(Math.min(5000, 100 * 2 ** Math.min(failures - 1, 6)), scheduler, signal);
    }
  }
}
