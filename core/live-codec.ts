import type { LiveIndex, LiveRow } from './live.js';
import type { Reading, Status } from './reading.js';

/**
 * Turns compact rows (core/live.ts, LiveRow) back into readings. Pure and dependency-free, so
 * the browser bundle can import this file directly. A row that does not fit the index
 * (unknown station, too many values) is skipped, never thrown on.
 */
export function decodeLiveRows(
  index: LiveIndex,
  rows: readonly LiveRow[],
  serverTime: number,
  receivedAt: (stationIndex: number) => number = () => serverTime,
): Reading[] {
  const out: Reading[] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length < 3) continue;
    const si = row[0];
    const dt = row[1];
    if (typeof si !== 'number' || typeof dt !== 'number') continue;
    const station = index.stations[si];
    const parameters = index.parameters[si];
    const units = index.units[si];
    if (station === undefined || parameters === undefined || units === undefined) continue;
    const last = row[row.length - 1];
    const statuses = typeof last === 'string' ? last : undefined;
    const end = statuses === undefined ? row.length : row.length - 1;
    if (end - 2 > parameters.length) continue;
    const ts = serverTime + dt;
    const rx = receivedAt(si);
    for (let i = 2; i < end; i += 1) {
      const value = row[i];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const p = i - 2;
      const digit = statuses?.[p];
      const status: Status = digit === '1' ? '01' : digit === '2' ? '02' : '00';
      out.push({ station, zone: index.zones[si] ?? '', parameter: parameters[p]!, value, unit: units[p]!, status, ts, receivedAt: rx });
    }
  }
  return out;
}

/** Measured values cross the wire with 6 significant digits: more than any analyser resolves. */
export function wireValue(value: number): number {
  return Number(value.toPrecision(6));
}
