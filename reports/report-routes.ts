import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Route } from '../core/index.js';
import { answerReport } from './answer-report.js';
import { parseUrl, sendJson } from '../platform/index.js';
import { choiceParam, dayOf, decodeSegment, idOf, monthOf, ParamError, sendParamError, single } from '../platform/http/query-params.js';
import { stationDayCsv, stationMonthCsv, zoneDayCsv } from './report-csv.js';
import type { ReportService } from './report-service.js';

export const REPORTS_PREFIX = '/api/reports/';

/** A report request, its path and query checked (platform query-params.ts): a bad one is a 400 ERR_BAD_PARAM naming what. */
interface ReportRequest {
  kind?: string;
  id?: string;
  period?: string;
  rest: number;
  format: 'json' | 'csv' | undefined;
  /** `?date=` (YYYY-MM-DD for a day, YYYY-MM for a month) or `?month=`, as given. */
  date: string | null;
}

function reportRequest(url: URL): ReportRequest {
  const raw = url.pathname
    .slice(REPORTS_PREFIX.length)
    .split('/')
    .filter((s) => s !== '');
  const [kind, encodedId, period, ...rest] = raw.map((s) => decodeSegment(s, 'path'));
  const id = encodedId === undefined ? undefined : idOf(encodedId, kind === 'zones' ? 'zone' : 'station');
  const format = choiceParam(url.searchParams, 'format', ['json', 'csv'] as const);
  const given = single(url.searchParams, 'date');
  const month = period === 'month' && given === null ? single(url.searchParams, 'month') : null;
  let date: string | null = null;
  if (given !== null) date = period === 'month' ? monthOf(given, 'date') : dayOf(given, 'date');
  else if (month !== null) date = monthOf(month, 'month');
  return { kind, id, period, rest: rest.length, format, date };
}

/**
 * `/api/reports/...` for logged-in users (the dashboard mounts it behind the session):
 * - `stations/{id}/day?date=YYYY-MM-DD`, `stations/{id}/month?date=YYYY-MM`
 * - `zones/{id}/day?date=YYYY-MM-DD`
 * each as JSON, or CSV with `&format=csv`. `date` defaults to today / this month (UTC+7).
 */
export function createReportRoutes(service: ReportService, log: Logger): Route {
  return {
    prefix: REPORTS_PREFIX,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = parseUrl(req);
      if (!url.pathname.startsWith(REPORTS_PREFIX)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'reports are read-only: use GET', code: 'ERR_METHOD' }, { allow: 'GET, HEAD' });
        return true;
      }
      let r: ReportRequest;
      try {
        r = reportRequest(url);
      } catch (err) {
        if (!(err instanceof ParamError)) throw err;
        sendParamError(res, err);
        return true;
      }
      await answer(res, service, log, r);
      return true;
    },
  };
}

async function answer(res: ServerResponse, service: ReportService, log: Logger, r: ReportRequest): Promise<void> {
  const { kind, id, period, format = null } = r;
  if (id === undefined || r.rest > 0) {
    sendJson(res, 404, { error: 'no such report', code: 'ERR_NOT_FOUND' });
  } else if (kind === 'stations' && period === 'day') {
    const day = r.date ?? service.today();
    const work = async () => {
      const report = await service.stationDay(id, day);
      return { json: report, csv: () => stationDayCsv(report), filename: `bao-cao-${id}-${day}.csv` };
    };
    await answerReport(res, log, work, format);
  } else if (kind === 'stations' && period === 'month') {
    const month = r.date ?? service.thisMonth();
    const work = async () => {
      const report = await service.stationMonth(id, month);
      return { json: report, csv: () => stationMonthCsv(report), filename: `bao-cao-${id}-${month}.csv` };
    };
    await answerReport(res, log, work, format);
  } else if (kind === 'zones' && period === 'day') {
    const day = r.date ?? service.today();
    const work = async () => {
      const report = await service.zoneDay(id, day);
      return { json: report, csv: () => zoneDayCsv(report), filename: `bao-cao-kcn-${id}-${day}.csv` };
    };
    await answerReport(res, log, work, format);
  } else {
    sendJson(res, 404, { error: 'no such report: stations/{id}/day, stations/{id}/month or zones/{id}/day', code: 'ERR_NOT_FOUND' });
  }
}
