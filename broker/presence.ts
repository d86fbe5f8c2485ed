import { parseTimestamp } from '../core/index.js';
import type { Presence } from '../core/index.js';

/** Reads a `stations/{id}/status` payload (`{"state":"online"|"offline","ts":...}`); undefined when malformed. */
export function parsePresence(stationId: string, payload: Buffer, now: number, isWill: boolean): Presence | undefined {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object') return undefined;
  const { state, ts } = body as { state?: unknown; ts?: unknown };
  if (state !== 'online' && state !== 'offline') return undefined;
  return { station: stationId, state, ts: parseTimestamp(ts) ?? now, reason: isWill ? 'will' : 'status' };
}
