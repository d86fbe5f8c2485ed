import type { ServerResponse } from 'node:http';
import type { QuerySeries } from '../../core/index.js';
import { DAY_MS, HttpError, sendJson } from '../../platform/index.js';
import { requireParameter } from './api-context.js';
import { writeHistoryCsv } from './history-csv.js';
import { chooseStep, downsampleQuery } from './history-query.js';
import type { StationParams } from './station-params.js';

const MAX_HISTORY_MS = 366 * DAY_MS;
const MAX_CSV_MS = 31 * DAY_MS;

type ValidPoint = [time: number, mean: number, min: number, max: number, count: number];
type FlaggedPoint = [time: number, mean: number, status: string];

/** Buckets of valid values (status 00) apart from flagged ones (01, 02), which the chart draws apart; both in time order. */
function splitByStatus(series: QuerySeries[]): { valid: ValidPoint[]; flagged: FlaggedPoint[] } {
  const valid: ValidPoint[] = [];
  const flagged: FlaggedPoint[] = [];
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
  return { valid, flagged };
}

/** `GET /api/history`: one parameter's history, downsampled in InfluxQL to at most `points` buckets, with the limit in force at its end. */
export async function sendHistory(res: ServerResponse, q: URLSearchParams, params: StationParams): Promise<void> {
  const { catalogue } = params;
  const station = params.station(q);
  const parameter = q.get('parameter') ?? '';
  const sp = requireParameter(catalogue, station, parameter);
  const { from, to } = params.range(q, 3_600_000, MAX_HISTORY_MS);
  const points = Math.min(2000, Math.max(10, Number(q.get('points') ?? 600) || 600));
  const stepMs = chooseStep(from, to, points);
  const { valid, flagged } = splitByStatus(await params.query()(downsampleQuery(station, parameter, from, to, stepMs)));
  const limit = catalogue.limitAt(station, parameter, new Date(to));
  sendJson(res, 200, {
    station,
    parameter,
    unit: sp.unit,
    from,
    to,
    stepMs,
    limit: limit
      ? { max: limit.max, ...(limit.lower !== undefined ? { min: limit.lower } : {}), regulation: `${limit.regulation} ${limit.column}` }
      : null,
    columns: ['time', 'mean', 'min', 'max', 'count'],
    points: valid,
    flagged,
  });
}

/** `?step=`: raw (undefined), auto (about 1000 buckets) or a whole number of ms, at least a second. */
function csvStep(step: string | null, from: number, to: number): number | undefined {
  const stepMs = step === null || step === '' || step === 'raw' ? undefined : step === 'auto' ? chooseStep(from, to, 1000) : Number(step);
  if (stepMs !== undefined && !(Number.isSafeInteger(stepMs) && stepMs >= 1000)) {
    throw new HttpError(400, 'ERR_BAD_STEP', 'step: raw, auto or a whole number of ms >= 1000');
  }
  return stepMs;
}

/** `GET /api/history.csv`: a station's history (one parameter or all), raw or downsampled, at most 31 days (history-csv.ts). */
export async function sendHistoryCsv(res: ServerResponse, q: URLSearchParams, params: StationParams): Promise<void> {
  const { catalogue } = params;
  const station = params.station(q);
  const parameter = q.get('parameter') || undefined;
  if (parameter !== undefined) requireParameter(catalogue, station, parameter);
  const { from, to } = params.range(q, DAY_MS, MAX_CSV_MS);
  const stepMs = csvStep(q.get('step'), from, to);
  await writeHistoryCsv(res, { query: params.query(), catalogue, station, parameter, from, to, stepMs });
}
