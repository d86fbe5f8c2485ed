import type { ServerResponse } from 'node:http';
import type { Catalogue, StationSummary } from '../../core/index.js';
import { methodIs, parseInstant, type ApiRoutes } from './api-context.js';
import { countQuery, downsampleQuery, chooseStep } from './history-query.js';
import { HttpError, json } from './http-util.js';
import type { LiveHub } from './live-hub.js';
import { DAY_MS, localDate, localDayStart } from './local-time.js';
import { writeHistoryCsv } from './history-csv.js';

export type InfluxQuery = (influxql: string) => Promise<Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>>;

export interface StationRoutesOptions {
  catalogue: Catalogue;
  stations: () => StationSummary[];
  hub: LiveHub;
  query?: InfluxQuery;
  now?: () => number;
}

const MAX_HISTORY_MS = 366 * DAY_MS;

/**
 * Read-only station data for any logged-in user: the catalogue, latest values, presence,
 * history (downsampled in InfluxQL) and its CSV, and today's data availability.
 */
export function createStationRoutes(options: StationRoutesOptions): ApiRoutes {
  const { catalogue, hub } = options;
  const now = options.now ?? Date.now;

  const needQuery = (): InfluxQuery => {
    if (!options.query) throw new HttpError(503, 'ERR_NO_HISTORY', 'history is not available (no database)');
    return options.query;
  };

  const stationParam = (q: URLSearchParams): string => {
    const station = q.get('station') ?? '';
    if (!catalogue.station(station)) throw new HttpError(404, 'ERR_NO_STATION', `no station "${station}"`);
    return station;
  };

  const range = (q: URLSearchParams, defaultSpanMs: number, maxMs: number): { from: number; to: number } => {
    const to = parseInstant(q.get('to'), now(), 'to');
    const from = parseInstant(q.get('from'), to - defaultSpanMs, 'from');
    if (!(from < to)) throw new HttpError(400, 'ERR_BAD_RANGE', 'from must be before to');
    if (to - from > maxMs) throw new HttpError(400, 'ERR_RANGE_TOO_LONG', `at most ${Math.round(maxMs / DAY_MS)} days at a time`);
    return { from, to };
  };

  return async (req, res, ctx) => {
    const { path, query: q } = ctx;
    if (path === '/api/stations') {
      methodIs(req, 'GET', 'HEAD');
      json(res, 200, { stations: options.stations() });
      return true;
    }
    if (path === '/api/latest') {
      methodIs(req, 'GET', 'HEAD');
      const station = q.get('station');
      const latest = hub.latest();
      json(res, 200, { latest: station ? latest.filter((r) => r.station === station) : latest });
      return true;
    }
    if (path === '/api/presence') {
      methodIs(req, 'GET', 'HEAD');
      json(res, 200, { presence: hub.presence(), storage: hub.storage() });
      return true;
    }
    if (path === '/api/history') {
      methodIs(req, 'GET', 'HEAD');
      await history(res, q);
      return true;
    }
    if (path === '/api/history.csv') {
      methodIs(req, 'GET', 'HEAD');
      const station = stationParam(q);
      const parameter = q.get('parameter') || undefined;
      if (parameter !== undefined && !catalogue.stationParameter(station, parameter)) throw new HttpError(404, 'ERR_NO_PARAMETER', `${station} does not measure "${parameter}"`);
      const { from, to } = range(q, DAY_MS, 31 * DAY_MS);
      const step = q.get('step');
      const stepMs = step === null || step === '' || step === 'raw' ? undefined : step === 'auto' ? chooseStep(from, to, 1000) : Number(step);
      if (stepMs !== undefined && !(Number.isSafeInteger(stepMs) && stepMs >= 1000)) throw new HttpError(400, 'ERR_BAD_STEP', 'step: raw, auto or a whole number of ms >= 1000');
      await writeHistoryCsv(res, { query: needQuery(), catalogue, station, parameter, from, to, stepMs });
      return true;
    }
    const m = /^\/api\/stations\/([^/]+)\/availability$/.exec(path);
    if (m) {
      methodIs(req, 'GET', 'HEAD');
      await availability(res, decodeURIComponent(m[1]!), q.get('date'));
      return true;
    }
    return false;
  };

  async function history(res: ServerResponse, q: URLSearchParams): Promise<void> {
    const station = stationParam(q);
    const parameter = q.get('parameter') ?? '';
    const sp = catalogue.stationParameter(station, parameter);
    if (!sp) throw new HttpError(404, 'ERR_NO_PARAMETER', `${station} does not measure "${parameter}"`);
    const { from, to } = range(q, 3_600_000, MAX_HISTORY_MS);
    const points = Math.min(2000, Math.max(10, Number(q.get('points') ?? 600) || 600));
    const stepMs = chooseStep(from, to, points);
    const series = await needQuery()(downsampleQuery(station, parameter, from, to, stepMs));
    const valid: Array<[number, number, number, number, number]> = [];
    const flagged: Array<[number, number, string]> = [];
    for (const s of series) {
      const status = s.tags?.['status'] ?? '00';
      for (const row of s.values) {
        const [t, mean, min, max, count] = row as [number, number | null, number | null, number | null, number];
        if (mean === null || min === null || max === null) continue;
        if (status === '00') valid.push([t, mean, min, max, count]);
        else flagged.push([t, mean, status]);
      }
    }
    valid.sort((a, b) => a[0] - b[0]);
    flagged.sort((a, b) => a[0] - b[0]);
    const limit = catalogue.limitAt(station, parameter, new Date(to));
    json(res, 200, {
      station,
      parameter,
      unit: sp.unit,
      from,
      to,
      stepMs,
      limit: limit ? { max: limit.max, ...(limit.lower !== undefined ? { min: limit.lower } : {}), regulation: `${limit.regulation} ${limit.column}` } : null,
      columns: ['time', 'mean', 'min', 'max', 'count'],
      points: valid,
      flagged,
    });
  }

  async function availability(res: ServerResponse, stationId: string, dateText: string | null): Promise<void> {
    const station = catalogue.station(stationId);
    if (!station) throw new HttpError(404, 'ERR_NO_STATION', `no station "${stationId}"`);
    const t = now();
    const date = dateText || localDate(t);
    const start = localDayStart(date);
    if (start === undefined) throw new HttpError(400, 'ERR_BAD_DATE', 'date: YYYY-MM-DD');
    const end = Math.min(start + DAY_MS, Math.max(start, t));
    const expected = Math.floor((end - start) / (station.intervalS * 1000));
    const series = end > start ? await needQuery()(countQuery(station.id, start, end)) : [];
    const counts = new Map<string, { received: number; valid: number }>();
    for (const s of series) {
      const parameter = s.tags?.['parameter'] ?? '';
      const n = Number(s.values[0]?.[1] ?? 0);
      const c = counts.get(parameter) ?? { received: 0, valid: 0 };
      c.received += n;
      if ((s.tags?.['status'] ?? '00') === '00') c.valid += n;
      counts.set(parameter, c);
    }
    const parameters = station.parameters.map((p) => {
      const c = counts.get(p.parameter) ?? { received: 0, valid: 0 };
      return { parameter: p.parameter, received: c.received, valid: c.valid, expected, percent: expected > 0 ? Math.min(100, (100 * c.valid) / expected) : null };
    });
    json(res, 200, {
      station: station.id,
      date,
      from: start,
      to: end,
      intervalS: station.intervalS,
      parameters,
      // DOMAIN.md, "Averages and data validity": no Vietnamese rule was found; this is adopted practice.
      rule: 'valid (status 00) values received / values expected at the station interval, since local midnight (UTC+7)',
    });
  }
}
