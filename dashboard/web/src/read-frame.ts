import type { Alert, AlertEvent, LiveIndex, LiveRow, LiveSnap, Presence, Reading, StorageCondition } from '../../../core/index.js';
// The codec file itself, not core/index.ts: the bundle takes pure functions, never zod.
import { decodeBinaryDelta } from '../../../core/live-binary.js';

/** The frames the page understands, checked by hand: the bundle takes no zod from core. */
export type PageFrame =
  | LiveSnap
  | { type: 'delta'; serverTime: number; rows: LiveRow[]; presence: Presence[]; received?: Array<number | null> }
  | { type: 'alert'; serverTime: number; event: AlertEvent }
  | { type: 'storage'; serverTime: number; storage: StorageCondition }
  | { type: 'snapshot'; serverTime: number; latest: Reading[] }
  | { type: 'readings'; serverTime: number; readings: Reading[] }
  | { type: 'beat'; serverTime: number };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

function isAlert(x: unknown): x is Alert {
  return (
    isObject(x) &&
    typeof x['id'] === 'string' &&
    typeof x['station'] === 'string' &&
    typeof x['parameter'] === 'string' &&
    (x['severity'] === 'warning' || x['severity'] === 'critical') &&
    typeof x['state'] === 'string' &&
    typeof x['since'] === 'number'
  );
}

function isPresence(x: unknown): x is Presence {
  return isObject(x) && typeof x['station'] === 'string' && (x['state'] === 'online' || x['state'] === 'offline');
}

function isStorage(x: unknown): x is StorageCondition {
  return isObject(x) && typeof x['backlog'] === 'boolean' && typeof x['spoolBytes'] === 'number';
}

function isIndex(x: unknown): x is LiveIndex {
  return (
    isObject(x) &&
    isStringArray(x['stations']) &&
    isStringArray(x['zones']) &&
    Array.isArray(x['parameters']) &&
    x['parameters'].every(isStringArray) &&
    Array.isArray(x['units']) &&
    x['units'].every(isStringArray)
  );
}

const STATUSES: ReadonlySet<string> = new Set(['00', '01', '02']);
function isReading(x: unknown): x is Reading {
  return (
    isObject(x) &&
    typeof x['station'] === 'string' &&
    typeof x['parameter'] === 'string' &&
    typeof x['unit'] === 'string' &&
    typeof x['value'] === 'number' &&
    Number.isFinite(x['value']) &&
    typeof x['ts'] === 'number' &&
    Number.isFinite(x['ts']) &&
    typeof x['status'] === 'string' &&
    STATUSES.has(x['status'])
  );
}

/**
 * Decodes one text frame of the live protocol (core/live.ts). Bad data never breaks the
 * page: an undecodable frame gives undefined; a malformed alert, presence or reading inside
 * a good frame is dropped alone (rows are checked as they are decoded, core/live-codec.ts).
 */
export function readFrame(data: unknown): PageFrame | undefined {
  if (data instanceof ArrayBuffer) {
    // A binary delta (core/live-binary.ts): the same rows as a compact one.
    const delta = decodeBinaryDelta(data);
    return delta === undefined ? undefined : { type: 'delta', serverTime: delta.serverTime, rows: delta.rows, presence: [] };
  }
  if (typeof data !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const f = parsed;
  const serverTime = typeof f['serverTime'] === 'number' ? f['serverTime'] : Date.now();
  const rows = (Array.isArray(f['rows']) ? f['rows'] : []).filter(Array.isArray) as LiveRow[];
  switch (f['type']) {
    case 'snap':
      if (!isIndex(f['index'])) return undefined;
      return {
        type: 'snap',
        serverTime,
        index: f['index'],
        rows,
        received: Array.isArray(f['received']) ? f['received'].map((v) => (typeof v === 'number' ? v : null)) : [],
        online: Array.isArray(f['online']) ? f['online'].map((v) => (v === 0 || v === 1 ? v : null)) : [],
        alerts: Array.isArray(f['alerts']) ? f['alerts'].filter(isAlert) : [],
        storage: isStorage(f['storage']) ? f['storage'] : null,
      };
    case 'delta':
      return {
        type: 'delta',
        serverTime,
        rows,
        presence: Array.isArray(f['presence']) ? f['presence'].filter(isPresence) : [],
        ...(Array.isArray(f['received']) ? { received: f['received'].map((v) => (typeof v === 'number' ? v : null)) } : {}),
      };
    case 'alert':
      if (!isObject(f['event']) || !isAlert(f['event']['alert']) || typeof f['event']['type'] !== 'string') return undefined;
      return { type: 'alert', serverTime, event: f['event'] as unknown as AlertEvent };
    case 'storage':
      return isStorage(f['storage']) ? { type: 'storage', serverTime, storage: f['storage'] } : undefined;
    case 'snapshot':
      return Array.isArray(f['latest']) ? { type: 'snapshot', serverTime, latest: f['latest'].filter(isReading) } : undefined;
    case 'readings':
      return Array.isArray(f['readings']) ? { type: 'readings', serverTime, readings: f['readings'].filter(isReading) } : undefined;
    case 'beat':
      return { type: 'beat', serverTime };
    default:
      return undefined;
  }
}
