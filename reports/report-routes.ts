import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditEntry, AuditLog, Catalogue, Logger, Route, RouteUser } from '../core/index.js';
import { answerReport } from './answer-report.js';
import { clientAddress, parseUrl, sendJson } from '../platform/index.js';
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

export interface ReportRoutesOptions {
  service: ReportService;
  catalogue: Catalogue;
  log: Logger;
  /** Where exports (CSV) and refusals by scope are recorded (docs/SECURITY.md, "Audit log"). */
  audit?: AuditLog;
  /** Read the client address from X-Forwarded-For, as the dashboard does (only behind a trusted reverse proxy). */
  trustProxy?: boolean;
}

/** What one request may see and whom to record: the user's scope (none: mounted outside the dashboard, no scope applies). */
interface Asker {
  sees(stationId: string): boolean;
  audit(entry: Omit<AuditEntry, 'user' | 'address'>): void;
}

function askerOf(options: ReportRoutesOptions, req: IncomingMessage, user: RouteUser | undefined): Asker {
  const address = clientAddress(req, options.trustProxy === true);
  return {
    sees: (id) => user === undefined || user.scope.all || user.scope.has(id),
    audit: (entry) => options.audit?.record({ ...entry, ...(user ? { user: user.name } : {}), address }),
  };
}

/** The answer of a station or zone that does not exist: one out of scope gets exactly this too. */
const noStation = (id: string) => ({ error: `no station ${JSON.stringify(id)} in the catalogue`, code: 'ERR_NOT_FOUND' });
const noZone = (id: string) => ({ error: `no zone ${JSON.stringify(id)} in the catalogue`, code: 'ERR_NOT_FOUND' });

/** Data rows of a report CSV (its lines less the header), for the export's audit entry. */
const csvRows = (text: string): number => Math.max(0, text.split('\n').filter((l) => l.trim() !== '').length - 1);

/**
 * `/api/reports/...` for logged-in users (the dashboard mounts it behind the session), only of
 * stations in the user's scope (docs/SECURITY.md, "Access by level"): a station out of scope,
 * or a zone wholly out of it, answers as one that does not exist (and the refusal is audited);
 * a zone partly in scope shows only its stations in scope.
 * - `stations/{id}/day?date=YYYY-MM-DD`, `stations/{id}/month?date=YYYY-MM`
 * - `zones/{id}/day?date=YYYY-MM-DD`
 * each as JSON, or CSV with `&format=csv` (audited as an export). `date` defaults to today / this month (UTC+7).
 */
export function createReportRoutes(options: ReportRoutesOptions): Route {
  return {
    prefix: REPORTS_PREFIX,
    async handle(req: IncomingMessage, res: ServerResponse, user?: RouteUser): Promise<boolean> {
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
      await answer(res, options, askerOf(options, req, user), r);
      return true;
    },
  };
}

/** The stations of a zone this asker sees, or undefined when the zone does not exist or none of it is in scope. */
function zoneStations(catalogue: Catalogue, asker: Asker, zoneId: string): { all: boolean; ids: string[] } | undefined {
  const members = catalogue.stations.filter((s) => catalogue.zoneOf(s.id)?.id === zoneId).map((s) => s.id);
  const ids = members.filter((id) => asker.sees(id));
  if (ids.length === 0) return undefined;
  return { all: ids.length === members.length, ids };
}

type Work = () => Promise<{ json: unknown; csv: () => string; filename: string }>;

/** The work of a report request in scope, or the refusal already sent (404 as for what does not exist). */
function reportWork(res: ServerResponse, options: ReportRoutesOptions, asker: Asker, r: ReportRequest & { id: string }): Work | undefined {
  const { service, catalogue } = options;
  const { kind, id, period } = r;
  if (kind === 'stations' && (period === 'day' || period === 'month')) {
    if (catalogue.station(id) !== undefined && !asker.sees(id)) {
      asker.audit({ action: 'scope_refused', target: id, outcome: 'refused', detail: { report: `stations/${period}` } });
      sendJson(res, 404, noStation(id));
      return undefined;
    }
    if (period === 'day') {
      const day = r.date ?? service.today();
      return async () => {
        const report = await service.stationDay(id, day);
        return { json: report, csv: () => stationDayCsv(report), filename: `bao-cao-${id}-${day}.csv` };
      };
    }
    const month = r.date ?? service.thisMonth();
    return async () => {
      const report = await service.stationMonth(id, month);
      return { json: report, csv: () => stationMonthCsv(report), filename: `bao-cao-${id}-${month}.csv` };
    };
  }
  if (kind === 'zones' && period === 'day') {
    const zone = catalogue.zones.find((z) => z.id === id);
    const seen = zoneStations(catalogue, asker, id);
    if (zone !== undefined && seen === undefined) {
      asker.audit({ action: 'scope_refused', target: id, outcome: 'refused', detail: { report: 'zones/day' } });
      sendJson(res, 404, noZone(id));
      return undefined;
    }
    const day = r.date ?? service.today();
    return async () => {
      const report = await service.zoneDay(id, day, seen?.all === false ? seen.ids : undefined);
      return { json: report, csv: () => zoneDayCsv(report), filename: `bao-cao-kcn-${id}-${day}.csv` };
    };
  }
  sendJson(res, 404, { error: 'no such report: stations/{id}/day, stations/{id}/month or zones/{id}/day', code: 'ERR_NOT_FOUND' });
  return undefined;
}

async function answer(res: ServerResponse, options: ReportRoutesOptions, asker: Asker, r: ReportRequest): Promise<void> {
  const { id, format = null } = r;
  if (id === undefined || r.rest > 0) return sendJson(res, 404, { error: 'no such report', code: 'ERR_NOT_FOUND' });
  const work = reportWork(res, options, asker, { ...r, id });
  if (!work) return;
  const target = `${r.kind ?? ''}/${id}/${r.period ?? ''}`;
  // A CSV is an export: audited with its row count once it is made (docs/SECURITY.md, "Audit log").
  const audited: Work = async () => {
    const out = await work();
    return {
      ...out,
      csv: () => {
        const text = out.csv();
        asker.audit({
          action: 'export',
          target,
          outcome: 'ok',
          detail: { kind: 'report.csv', date: r.date ?? 'current', rows: csvRows(text) },
        });
        return text;
      },
    };
  };
  await answerReport(res, options.log, audited, format);
}
