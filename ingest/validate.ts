import { isUtf8 } from 'node:buffer';
import type { Catalogue, Reading, Rejection, Status } from '../core/index.js';
import { ERROR_CODES, normaliseUnit } from '../core/index.js';
import { parseTimestamp, timestampFault } from '../core/index.js';

export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_READINGS = 1000;

export interface ValidationWindow {
  /** Oldest accepted measurement time relative to now, ms. */
  maxAgeMs: number;
  /** How far ahead of the centre's clock a measurement may be, ms. */
  maxAheadMs: number;
}

export interface ValidationResult {
  stationId: string;
  seq?: number;
  accepted: Reading[];
  rejections: Rejection[];
  /** True when the whole message was refused (undecodable or mis-addressed). */
  wholeMessage: boolean;
  /** Readings refused with a whole-message rejection, when they could be counted (too many). */
  rejectedReadings?: number;
  /** Faults met while checking (each became an `internal` rejection): the caller counts and logs them. */
  faults?: unknown[];
}

const STATUSES = new Set<string>(['00', '01', '02']);

/**
 * Decodes and validates one readings message per docs/PROTOCOL.md, "Acceptance and rejection":
 * a malformed message is rejected whole; otherwise each reading stands or falls alone.
 * Every failure becomes a coded rejection; a fault while checking one reading refuses that
 * reading alone (`internal`, the error in `faults`). The caller guards the rest.
 */
export function validateMessage(
  stationId: string,
  payload: Buffer,
  receivedAt: number,
  catalogue: Catalogue,
  window: ValidationWindow,
): ValidationResult {
  const whole = (code: keyof typeof ERROR_CODES, message: string, path = ''): ValidationResult => ({
    stationId,
    accepted: [],
    rejections: [{ path, code, message }],
    wholeMessage: true,
  });

  if (payload.length > MAX_PAYLOAD_BYTES)
    return whole('too_large', `payload is ${payload.length} bytes, the limit is ${MAX_PAYLOAD_BYTES}`);
  // isUtf8 (simdutf) then toString: the same check as a fatal TextDecoder, at a fraction of its cost.
  if (!isUtf8(payload)) return whole('not_utf8', ERROR_CODES.not_utf8);
  const text = payload.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    // Python's json.dumps and many firmwares write NaN and Infinity as bare tokens: read them,
    // so the reading holding one is rejected as not_finite and its neighbours are kept.
    const tolerant = markNonFinite(text);
    try {
      if (tolerant === text) throw err;
      body = JSON.parse(tolerant);
    } catch {
      return whole('not_json', `payload is not JSON: ${clip((err as Error).message, 200)}`);
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return whole(
      'bad_shape',
      `a readings message is a JSON object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`,
    );
  }
  const msg = body as Record<string, unknown>;
  const station = catalogue.station(stationId);
  if (!station) return whole('unknown_station', `station ${stationId} is not in the catalogue`);
  if (msg.station === undefined) return whole('missing_field', 'station is required', 'station');
  if (msg.station !== stationId)
    return whole('station_mismatch', `payload station ${quote(msg.station)} differs from the topic's ${stationId}`, 'station');
  let seq: number | undefined;
  if (msg.seq !== undefined) {
    if (typeof msg.seq !== 'number' || !Number.isSafeInteger(msg.seq) || msg.seq < 0)
      return whole('wrong_type', 'seq must be a non-negative integer', 'seq');
    seq = msg.seq;
  }
  const readings = msg.readings;
  if (readings === undefined) return whole('missing_field', 'readings is required', 'readings');
  if (!Array.isArray(readings)) return whole('wrong_type', 'readings must be an array', 'readings');
  if (readings.length === 0) return whole('no_readings', ERROR_CODES.no_readings, 'readings');
  if (readings.length > MAX_READINGS)
    return {
      ...whole('too_many_readings', `${readings.length} readings, at most ${MAX_READINGS} per message`, 'readings'),
      rejectedReadings: readings.length,
    };

  const context: ReadingContext = {
    stationId,
    zone: catalogue.zoneOf(stationId)!.id,
    catalogue,
    rawMessageTs: msg.ts,
    messageTs: msg.ts === undefined ? undefined : parseTimestamp(msg.ts),
    receivedAt,
    window,
  };
  const result: ValidationResult = { stationId, seq, accepted: [], rejections: [], wholeMessage: false };
  checkReadings(readings, context, result);
  return result;
}

/** Each reading stands or falls alone, a fault in checking one too (`internal`, the error kept in `faults`). */
function checkReadings(readings: unknown[], context: ReadingContext, result: ValidationResult): void {
  for (let i = 0; i < readings.length; i++) {
    let outcome: Reading | ReadingFault;
    try {
      outcome = checkReading(readings[i], context);
    } catch (err) {
      (result.faults ??= []).push(err);
      outcome = fault('', 'internal', internalMessage(err));
    }
    if ('code' in outcome) {
      // The path is built only for a rejection: this loop runs for every reading.
      const path = outcome.field === 'ts' ? 'ts' : `readings[${i}]${outcome.field}`;
      result.rejections.push({ path, code: outcome.code, message: outcome.message });
    } else {
      result.accepted.push(outcome);
    }
  }
}

/** A reading's fault: `field` follows `readings[i]` in the path (`ts` alone: the message's ts). */
interface ReadingFault {
  field: string;
  code: keyof typeof ERROR_CODES;
  message: string;
}

const fault = (field: string, code: keyof typeof ERROR_CODES, message: string): ReadingFault => ({ field, code, message });

/** What every reading of a message is checked against. */
interface ReadingContext {
  stationId: string;
  zone: string;
  catalogue: Catalogue;
  /** The message's ts as sent, and parsed (undefined: absent or refused). */
  rawMessageTs: unknown;
  messageTs: number | undefined;
  receivedAt: number;
  window: ValidationWindow;
}

/** One reading, checked per docs/PROTOCOL.md; tags come from the catalogue, never from the payload. */
function checkReading(item: unknown, context: ReadingContext): Reading | ReadingFault {
  const { stationId, zone, catalogue, rawMessageTs, messageTs, receivedAt, window } = context;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return fault('', 'wrong_type', 'a reading is a JSON object');
  const r = item as Record<string, unknown>;
  if (r.parameter === undefined) return fault('.parameter', 'missing_field', 'parameter is required');
  if (typeof r.parameter !== 'string') return fault('.parameter', 'wrong_type', 'parameter must be a string');
  const def = catalogue.stationParameter(stationId, r.parameter);
  if (!def) return fault('.parameter', 'unknown_parameter', `${quote(r.parameter)} is not measured at ${stationId}`);
  if (r.value === undefined) return fault('.value', 'missing_field', 'value is required');
  if (typeof r.value === 'string' && r.value.startsWith(NON_FINITE))
    return fault('.value', 'not_finite', `value of ${r.parameter} is ${r.value.slice(1)}`);
  if (typeof r.value !== 'number') return fault('.value', 'wrong_type', 'value must be a number');
  if (!Number.isFinite(r.value)) return fault('.value', 'not_finite', `value of ${r.parameter} is not finite`);
  if (r.unit === undefined) return fault('.unit', 'missing_field', 'unit is required');
  if (typeof r.unit !== 'string') return fault('.unit', 'wrong_type', 'unit must be a string');
  if (r.unit !== def.unit && normaliseUnit(r.unit) !== def.unit)
    return fault('.unit', 'unit_mismatch', `${r.parameter} is measured in ${def.unit}, got ${quote(r.unit)}`);
  const status = r.status ?? '00';
  if (typeof status !== 'string' || !STATUSES.has(status))
    return fault('.status', 'bad_status', `status must be "00", "01" or "02", got ${quote(status)}`);
  let ts = messageTs;
  let tsField = 'ts';
  if (r.ts !== undefined) {
    ts = parseTimestamp(r.ts);
    tsField = '.ts';
    if (ts === undefined) return fault(tsField, 'bad_timestamp', timestampFault(r.ts) ?? ERROR_CODES.bad_timestamp);
  } else if (rawMessageTs === undefined) {
    return fault('.ts', 'missing_field', 'ts is required on the message or the reading');
  } else if (ts === undefined) {
    return fault('ts', 'bad_timestamp', timestampFault(rawMessageTs) ?? ERROR_CODES.bad_timestamp);
  }
  if (ts < receivedAt - window.maxAgeMs) return fault(tsField, 'too_old', `measured at ${isoTime(ts)}, older than the accepted window`);
  if (ts > receivedAt + window.maxAheadMs) return fault(tsField, 'in_future', `measured at ${isoTime(ts)}, ahead of the centre clock`);
  return { station: stationId, zone, parameter: def.parameter, value: r.value, unit: def.unit, status: status as Status, ts, receivedAt };
}

/** Marks a bare NaN / Infinity / -Infinity token outside strings, so JSON.parse reads it as a tagged string. */
const NON_FINITE = '\u0000';
function markNonFinite(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    for (const token of ['NaN', 'Infinity', '-Infinity']) {
      if (text.startsWith(token, i) && !/[\w.]/.test(text[i + token.length] ?? '') && !/[\w.]/.test(text[i - 1] ?? '')) {
        // Escaped in the JSON text (a raw control character is not valid JSON); parsed, it is NON_FINITE.
        out += `${text.slice(from, i)}"\\u0000${token}"`;
        i += token.length - 1;
        from = i + 1;
        break;
      }
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * A payload value echoed in a message, bounded whatever it is: a hostile 200 KiB string is cut,
 * and a structure is shown two levels deep, four entries a level (a value nested 100,000 deep
 * would overflow the stack of JSON.stringify).
 */
function quote(value: unknown): string {
  return clip(render(value, 2), 80);
}

function render(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 81) : value);
  if (value === null || typeof value !== 'object') return String(value);
  const array = Array.isArray(value);
  if (depth === 0) return array ? '[...]' : '{...}';
  const parts: string[] = [];
  let more = false;
  if (array) {
    for (const v of (value as unknown[]).slice(0, 4)) parts.push(render(v, depth - 1));
    more = (value as unknown[]).length > 4;
  } else {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (parts.length === 4) {
        more = true;
        break;
      }
      parts.push(`${render(key, 0)}:${render((value as Record<string, unknown>)[key], depth - 1)}`);
    }
  }
  if (more) parts.push('...');
  return array ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/** A measurement time for a message; never throws (a time the window refused may still be odd). */
function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `epoch ms ${ms}` : d.toISOString();
}

/** The message of an `internal` rejection: it names the error's kind only (its text may hold anything). */
export function internalMessage(err: unknown): string {
  const kind = err instanceof Error ? clip(err.name, 40) : typeof err;
  return `the centre failed while checking this content (${kind}); it is kept as a dead letter`;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}...`;
}
