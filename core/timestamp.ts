/** RFC 3339 with a mandatory offset (PROTOCOL.md: "RFC 3339 with an offset, or integer epoch milliseconds"). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** The last instant a JavaScript Date can hold (ECMA-262, "Time Values and Time Range"): +275760-09-13T00:00:00Z. */
export const MAX_TIME_MS = 8.64e15;

/**
 * Parses a protocol timestamp to epoch ms; undefined when it is neither form, or names no real
 * instant: an impossible calendar date or time (2026-11-31, 02-30, hour 24, minute 60; RFC 3339
 * section 5.7) is refused, never rolled over as Date.parse does, and so is an epoch ms beyond
 * the range a Date holds. `timestampFault` says which.
 */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts === 'number') return Number.isSafeInteger(ts) && ts >= 0 && ts <= MAX_TIME_MS ? ts : undefined;
  if (typeof ts !== 'string') return undefined;
  const m = RFC3339.exec(ts);
  if (!m || calendarFault(m) !== undefined) return undefined;
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Why a timestamp is refused, in a short sentence (bounded: a hostile value is never echoed whole); undefined when it is fine. */
export function timestampFault(ts: unknown): string | undefined {
  if (typeof ts === 'number') {
    if (!Number.isInteger(ts)) return `epoch milliseconds must be an integer, got ${clip(String(ts))}`;
    if (ts < 0) return `epoch milliseconds must not be negative, got ${clip(String(ts))}`;
    if (ts > MAX_TIME_MS || !Number.isSafeInteger(ts))
      return `epoch ms ${clip(String(ts))} is past the last representable date (8.64e15 ms)`;
    return undefined;
  }
  if (typeof ts !== 'string')
    return `a timestamp is a string or a number, got ${ts === null ? 'null' : Array.isArray(ts) ? 'an array' : typeof ts}`;
  const m = RFC3339.exec(ts);
  if (!m) return `${JSON.stringify(clip(ts))} is not RFC 3339 with an offset`;
  const fault = calendarFault(m);
  if (fault !== undefined) return `${JSON.stringify(clip(ts))} is no real date and time: ${fault}`;
  return Number.isFinite(Date.parse(ts)) ? undefined : `${JSON.stringify(clip(ts))} cannot be read as a date`;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The calendar check Date.parse skips (it reads 2026-11-31 as 2026-12-01 and hour 24 as the next day). */
function calendarFault(m: RegExpExecArray): string | undefined {
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) return `month ${m[2]} does not exist`;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has days 01 to ${days}, not ${m[3]}`;
  if (Number(m[4]) > 23) return `hour ${m[4]} does not exist (00 to 23)`;
  if (Number(m[5]) > 59) return `minute ${m[5]} does not exist (00 to 59)`;
  // A leap second (:60) is refused too: a JavaScript time value cannot hold it.
  if (Number(m[6]) > 59) return `second ${m[6]} is not taken (00 to 59)`;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return `offset ${m[7]}:${m[8]} does not exist`;
  return undefined;
}

function clip(s: string, n = 40): string {
  return s.length <= n ? s : `${s.slice(0, n)}...`;
}
