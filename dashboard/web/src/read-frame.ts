import type { LiveFrame, Reading } from '../../../core/index.js';

const STATUSES: ReadonlySet<string> = new Set(['00', '01', '02']);

function isReading(x: unknown): x is Reading {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return typeof r['station'] === 'string'
    && typeof r['parameter'] === 'string'
    && typeof r['unit'] === 'string'
    && typeof r['value'] === 'number' && Number.isFinite(r['value'])
    && typeof r['ts'] === 'number' && Number.isFinite(r['ts'])
    && typeof r['status'] === 'string' && STATUSES.has(r['status']);
}

/**
 * Decodes one text frame of the live protocol (core/live.ts). Bad data never breaks the
 * page: an undecodable frame gives undefined, and a malformed reading inside a good frame
 * is dropped alone. The checks are by hand because the bundle takes no runtime code (zod
 * schemas) from core.
 */
export function readFrame(data: unknown): LiveFrame | undefined {
  if (typeof data !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const frame = parsed as Record<string, unknown>;
  const serverTime = typeof frame['serverTime'] === 'number' ? frame['serverTime'] : Date.now();
  if (frame['type'] === 'snapshot' && Array.isArray(frame['latest'])) {
    return { type: 'snapshot', serverTime, latest: frame['latest'].filter(isReading) };
  }
  if (frame['type'] === 'readings' && Array.isArray(frame['readings'])) {
    return { type: 'readings', serverTime, readings: frame['readings'].filter(isReading) };
  }
  return undefined;
}
