import type { ServerResponse } from 'node:http';
import type { QuerySeries } from '../../core/index.js';
import { DAY_MS, sendJson } from '../../platform/index.js';
import { idParam, intParam, ParamError, single } from '../../platform/http/query-params.js';
import { requireParameter, type ApiContext } from './api-context.js';
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
export async function sendHistory(res: ServerResponse, ctx: ApiContext, params: StationParams): Promise<void> {
  const { catalogue } = params;
  const q = ctx.query;
  const station = params.station(q, ctx);
  const parameter = idParam(q, 'parameter');
  if (parameter === undefined) throw new ParamError('parameter', 'required');
  const sp = requireParameter(catalogue, station, parameter);
  const { from, to } = params.range(q, 3_600_000, MAX_HISTORY_MS);
  const points = intParam(q, 'points', { min: 10, max: 2000 }, 600);
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

/** `?step=`: raw (undefined), auto (about 1000 buckets) or a whole number of ms from a second to the export's longest range. */
function csvStep(q: URLSearchParams, from: number, to: number): number | undefined {
  const step = single(q, 'step');
  if (step === null || step === 'raw') return undefined;
  if (step === 'auto') return chooseStep(from, to, 1000);
  const stepMs = /^\d{4,10}$/.test(step) ? Number(step) : NaN;
  if (!(stepMs >= 1000 && stepMs <= MAX_CSV_MS))
    throw new ParamError('step', `raw, auto or a whole number of ms from 1000 to ${MAX_CSV_MS}`);
  return stepMs;
}

/**
 * `GET /api/history.csv`: a station's history (one parameter or all), raw or downsampled, at
 * most 31 days (history-csv.ts). Audited as an export with its row count (docs/SECURITY.md).
 */
export async function sendHistoryCsv(res: ServerResponse, ctx: ApiContext, params: StationParams): Promise<void> {
  const { catalogue } = params;
  const q = ctx.query;
  const station = params.station(q, ctx);
  const parameter = idParam(q, 'parameter');
  if (parameter !== undefined) requireParameter(catalogue, station, parameter);
  const { from, to } = params.range(q, DAY_MS, MAX_CSV_MS);
  const stepMs = csvStep(q, from, to);
  const rows = await writeHistoryCsv(res, { query: params.query(), catalogue, station, parameter, from, to, stepMs });
  ctx.audit({
    action: 'export',
    target: station,
    outcome: 'ok',
    detail: { kind: 'history.csv', parameter: parameter ?? 'all', from, to, rows, complete: !res.destroyed },
  });
}
