import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalogue, Logger, Route } from '../core/index.js';
import { parseUrl, sendJson } from '../platform/index.js';
import { choiceParam, dayOf, decodeSegment, idOf, ParamError, sendParamError, single } from '../platform/http/query-params.js';
import { answerReport } from './answer-report.js';
import { OPEN_PREFIX, openDataCatalogue, openDataIndex } from './open-data-catalogue.js';
import { answeredAtGate } from './open-data-gate.js';
import type { RateLimiter } from './rate-limiter.js';
import { hourlyCsv, zoneDayCsv } from './report-csv.js';
import type { ReportService } from './report-service.js';

export { OPEN_PREFIX } from './open-data-catalogue.js';

// Figures of past hours change only when late data arrives; a minute of caching is harmless.
const CACHEABLE = { 'cache-control': 'public, max-age=60' };

export interface OpenDataOptions {
  service: ReportService;
  catalogue: Catalogue;
  limiter: RateLimiter;
  trustProxy: boolean;
  log: Logger;
}

/** One open-data request past the gate: its path segments after the prefix and its query. */
interface OpenRequest {
  kind?: string;
  id?: string;
  what?: string;
  rest: string[];
  format: 'json' | 'csv' | null;
  date: string;
}

/** The path segments and query of an open-data request, checked (platform query-params.ts); a ParamError names what is wrong. */
function openRequest(url: URL, path: string, today: () => string): OpenRequest {
  const raw = path
    .slice(OPEN_PREFIX.length)
    .split('/')
    .filter((s) => s !== '');
  const [kind, encodedId, what, ...rest] = raw.map((s) => decodeSegment(s, 'path'));
  const id = encodedId === undefined ? undefined : idOf(encodedId, kind === 'zones' ? 'zone' : 'station');
  const given = single(url.searchParams, 'date');
  const date = given === null ? today() : dayOf(given, 'date');
  return { kind, id, what, rest, format: choiceParam(url.searchParams, 'format', ['json', 'csv'] as const) ?? null, date };
}

/**
 * The public, read-only open-data API (no session): CORS for every origin, GET/HEAD/OPTIONS
 * only, a token bucket per client address (429 with Retry-After when it is empty).
 * - `/api/open`: what is here; `/api/open/stations`, `/api/open/zones`: the catalogue
 * - `/api/open/stations/{id}/hourly?date=YYYY-MM-DD[&format=csv]`: hourly averages and availability
 * - `/api/open/zones/{id}/daily.csv?date=YYYY-MM-DD` (or `/daily` as JSON): a zone's day per station and parameter
 */
export function createOpenDataRoutes(options: OpenDataOptions): Route {
  const listing = openDataCatalogue(options.catalogue);
  const answer = openDataAnswers(options, listing);
  return {
    prefix: OPEN_PREFIX,
    public: true,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = parseUrl(req);
      const path = url.pathname.replace(/\/+$/, '');
      if (path !== OPEN_PREFIX && !path.startsWith(`${OPEN_PREFIX}/`)) return false;
      if (answeredAtGate(req, res, options)) return true;
      let request: OpenRequest;
      try {
        request = openRequest(url, path, () => options.service.today());
      } catch (err) {
        if (!(err instanceof ParamError)) throw err;
        sendParamError(res, err);
        return true;
      }
      await answer(res, request);
      return true;
    },
  };
}

/** Answers a request past the gate: the index, the catalogue lists, a station's hours or a zone's day. */
function openDataAnswers(
  { service, log }: OpenDataOptions,
  listing: ReturnType<typeof openDataCatalogue>,
): (res: ServerResponse, r: OpenRequest) => Promise<void> {
  return async (res, { kind, id, what, rest, format, date }) => {
    if (kind === undefined) {
      sendJson(res, 200, openDataIndex(), CACHEABLE);
    } else if (kind === 'stations' && id === undefined) {
      sendJson(res, 200, { stations: listing.stations }, CACHEABLE);
    } else if (kind === 'zones' && id === undefined) {
      sendJson(res, 200, { zones: listing.zones }, CACHEABLE);
    } else if (kind === 'stations' && id !== undefined && (what === 'hourly' || what === 'hourly.csv') && rest.length === 0) {
      const work = async () => {
        const r = await service.stationDay(id, date);
        return { json: r, csv: () => hourlyCsv(r), filename: `quantrac-${id}-${date}-hourly.csv` };
      };
      await answerReport(res, log, work, what === 'hourly.csv' ? 'csv' : format, CACHEABLE);
    } else if (kind === 'zones' && id !== undefined && (what === 'daily' || what === 'daily.csv') && rest.length === 0) {
      const work = async () => {
        const r = await service.zoneDay(id, date);
        return { json: r, csv: () => zoneDayCsv(r), filename: `quantrac-${id}-${date}-daily.csv` };
      };
      await answerReport(res, log, work, what === 'daily.csv' ? 'csv' : format, CACHEABLE);
    } else {
      sendJson(res, 404, { error: 'not found: see /api/open', code: 'ERR_NOT_FOUND' });
    }
  };
}
