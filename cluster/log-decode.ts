import { StatusSchema, type Reading } from '../core/index.js';
import { parseLineProtocol } from '../platform/index.js';

/** The unit of a station's parameter (the catalogue's `stationParameter(...).unit`): the log carries no unit. */
export type UnitOf = (station: string, parameter: string) => string | undefined;

const PREFIX = 'reading,parameter=';

/**
 * The readings of a log entry's line protocol (docs/ARCHITECTURE.md, "Schema": measurement
 * `reading`, tags parameter/station/status/zone, field value, ms time), each passed to `emit`;
 * `#seq` comments, alert events and other measurements are passed over (alert events travel
 * on pub/sub). Lines as ingest writes them (no escapes) are cut by position; any other goes
 * through the full parser. Returns how many `reading` lines could not be decoded.
 */
export function decodeReadings(lp: string, receivedAt: number, unitOf: UnitOf, emit: (r: Reading) => void): number {
  let skipped = 0;
  for (let start = 0; start < lp.length;) {
    let end = lp.indexOf('\n', start);
    if (end < 0) end = lp.length;
    if (lp.startsWith('reading,', start)) {
      const line = lp.slice(start, end);
      const r = (line.includes('\\') ? undefined : fastReading(line, receivedAt, unitOf)) ?? parsedReading(line, receivedAt, unitOf);
      if (r) emit(r);
      else skipped++;
    }
    start = end + 1;
  }
  return skipped;
}

/** `reading,parameter=P,station=S,status=T,zone=Z value=V TS` (ingest/line-protocol.ts), or undefined. */
function fastReading(line: string, receivedAt: number, unitOf: UnitOf): Reading | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  const a = line.indexOf(',station=', PREFIX.length);
  const b = line.indexOf(',status=', a + 9);
  const c = line.indexOf(',zone=', b + 8);
  const d = line.indexOf(' value=', c + 6);
  const e = line.indexOf(' ', d + 7);
  if (a < 0 || b < 0 || c < 0 || d < 0 || e < 0) return undefined;
  const status = line.slice(b + 8, c);
  if (status !== '00' && status !== '01' && status !== '02') return undefined;
  return toReading(
    line.slice(PREFIX.length, a),
    line.slice(a + 9, b),
    status,
    line.slice(c + 6, d),
    Number(line.slice(d + 7, e)),
    Number(line.slice(e + 1)),
    receivedAt,
    unitOf,
  );
}

function parsedReading(line: string, receivedAt: number, unitOf: UnitOf): Reading | undefined {
  const p = parseLineProtocol(line);
  if (typeof p === 'string' || p.ts === undefined) return undefined;
  const status = StatusSchema.safeParse(p.tags.status ?? '00');
  const { parameter, station, zone } = p.tags;
  const value = p.fields.value;
  if (!status.success || parameter === undefined || station === undefined || zone === undefined || typeof value !== 'number')
    return undefined;
  return toReading(parameter, station, status.data, zone, value, p.ts, receivedAt, unitOf);
}

function toReading(
  parameter: string,
  station: string,
  status: Reading['status'],
  zone: string,
  value: number,
  ts: number,
  receivedAt: number,
  unitOf: UnitOf,
): Reading | undefined {
  if (!Number.isFinite(value) || !Number.isSafeInteger(ts) || station === '' || parameter === '') return undefined;
  return { station, zone, parameter, value, unit: unitOf(station, parameter) ?? '', status, ts, receivedAt };
}
