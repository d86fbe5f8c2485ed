import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Catalogue, InfluxQuery } from '../../core/index.js';
import { localIso, SECURITY_HEADERS } from '../../platform/index.js';
import { downsampleQuery, rawQuery } from './history-query.js';

export interface HistoryCsvRequest {
  query: InfluxQuery;
  catalogue: Catalogue;
  station: string;
  parameter?: string;
  from: number;
  to: number;
  /** Undefined: raw points; else mean/min/max/count per bucket of this many ms. */
  stepMs?: number;
}

/** Rows fetched per InfluxQL query: the range is walked in windows of about this many points. */
const ROWS_PER_QUERY = 50_000;
const FORMULA = /^[=+\-@\t\r]/;
/** Station local time with milliseconds, "2026-11-27T08:15:00.000+07:00" (docs/DOMAIN.md, "Time"). */
const CSV_TIME = { millis: true };

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  // A text cell starting like a formula would be run by a spreadsheet (CSV injection).
  const text = FORMULA.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const line = (cells: Array<string | number | null | undefined>): string => `${cells.map(cell).join(',')}\r\n`;

/**
 * Streams a history range as RFC 4180 CSV (UTF-8 with a byte-order mark, so spreadsheets
 * read "°C" right; CRLF; `.` decimals), walking the range in windows so that neither the
 * centre nor InfluxDB holds a month of one-second data at once. Times in UTC and in
 * station local time (UTC+7). Returns the data rows written (for the audit log's export entry).
 */
export async function writeHistoryCsv(res: ServerResponse, r: HistoryCsvRequest): Promise<number> {
  const station = r.catalogue.station(r.station)!;
  const units = new Map(station.parameters.map((p) => [p.parameter, p.unit]));
  const params = r.parameter === undefined ? station.parameters.length : 1;
  const pointsPerMs = r.stepMs === undefined ? params / (station.intervalS * 1000) : params / r.stepMs;
  const windowMs = Math.max(60_000, Math.min(7 * 86_400_000, Math.floor(ROWS_PER_QUERY / pointsPerMs)));
  const name = `quantrac_${r.station}_${r.parameter ?? 'all'}_${new Date(r.from).toISOString().slice(0, 16).replace(/[-:]/g, '')}_${new Date(r.to).toISOString().slice(0, 16).replace(/[-:]/g, '')}.csv`;
  // The first window is fetched before the headers, so a database error is still a clean 502.
  let from = r.from;
  let rows = await fetchWindow(r, from, Math.min(r.to, from + windowMs), units);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name}"`,
    'cache-control': 'no-store',
  });
  const header =
    r.stepMs === undefined
      ? ['time_utc', 'time_local', 'station', 'parameter', 'value', 'unit', 'status']
      : ['time_utc', 'time_local', 'station', 'parameter', 'mean', 'min', 'max', 'count', 'unit', 'status'];
  res.write(`\uFEFF${line(header)}`);
  let written = 0;
  for (;;) {
    written += rows.length;
    if (rows.length > 0 && !res.write(rows.join(''))) await once(res, 'drain');
    from += windowMs;
    if (from >= r.to || res.destroyed) break;
    rows = await fetchWindow(r, from, Math.min(r.to, from + windowMs), units);
  }
  res.end();
  return written;
}

async function fetchWindow(r: HistoryCsvRequest, from: number, to: number, units: Map<string, string>): Promise<string[]> {
  if (r.stepMs === undefined) {
    const series = await r.query(rawQuery(r.station, r.parameter, from, to));
    const out: Array<[number, string]> = [];
    for (const s of series) {
      const col = (c: string): number => s.columns.indexOf(c);
      const [it, iv, ip, is] = [col('time'), col('value'), col('parameter'), col('status')];
      for (const v of s.values) {
        const t = v[it] as number;
        const p = String(v[ip] ?? '');
        out.push([
          t,
          line([new Date(t).toISOString(), localIso(t, CSV_TIME), r.station, p, v[iv] as number, units.get(p) ?? '', String(v[is] ?? '')]),
        ]);
      }
    }
    return out.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  }
  const parameters = r.parameter === undefined ? [...units.keys()] : [r.parameter];
  const out: Array<[number, string]> = [];
  for (const p of parameters) {
    const series = await r.query(downsampleQuery(r.station, p, from, to, r.stepMs));
    for (const s of series) {
      const status = s.tags?.['status'] ?? '';
      for (const v of s.values) {
        const [t, mean, min, max, count] = v as [number, number, number, number, number];
        out.push([
          t,
          line([new Date(t).toISOString(), localIso(t, CSV_TIME), r.station, p, mean, min, max, count, units.get(p) ?? '', status]),
        ]);
      }
    }
  }
  return out.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
}
