import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Route } from '../core/index.js';
import { answerReport } from './answer-report.js';
import { parseUrl, segments, sendJson } from '../platform/index.js';
import { stationDayCsv, stationMonthCsv, zoneDayCsv } from './report-csv.js';
import type { ReportService } from './report-service.js';

export const REPORTS_PREFIX = '/api/reports/';

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
      const parts = segments(url.pathname, REPORTS_PREFIX);
      const format = url.searchParams.get('format');
      const date = url.searchParams.get('date');
      const [kind, id, period, ...rest] = parts ?? [];
      if (parts === undefined || id === undefined || rest.length > 0) {
        sendJson(res, 404, { error: 'no such report', code: 'ERR_NOT_FOUND' });
        return true;
      }
      if (kind === 'stations' && period === 'day') {
        const day = date ?? service.today();
        await answerReport(
          res,
          log,
          async () => {
            const r = await service.stationDay(id, day);
            return { json: r, csv: () => stationDayCsv(r), filename: `bao-cao-${id}-${day}.csv` };
          },
          format,
        );
      } else if (kind === 'stations' && period === 'month') {
        const month = date ?? url.searchParams.get('month') ?? service.thisMonth();
        await answerReport(
          res,
          log,
          async () => {
            const r = await service.stationMonth(id, month);
            return { json: r, csv: () => stationMonthCsv(r), filename: `bao-cao-${id}-${month}.csv` };
          },
          format,
        );
      } else if (kind === 'zones' && period === 'day') {
        const day = date ?? service.today();
        await answerReport(
          res,
          log,
          async () => {
            const r = await service.zoneDay(id, day);
            return { json: r, csv: () => zoneDayCsv(r), filename: `bao-cao-kcn-${id}-${day}.csv` };
          },
          format,
        );
      } else {
        sendJson(res, 404, { error: 'no such report: stations/{id}/day, stations/{id}/month or zones/{id}/day', code: 'ERR_NOT_FOUND' });
      }
      return true;
    },
  };
}
