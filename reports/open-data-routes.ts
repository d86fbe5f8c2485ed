import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalogue, Logger } from '../core/index.js';
import { answerReport } from './answer-report.js';
import { VALIDITY_RULES } from './build-reports.js';
import { clientAddress, parseUrl, segments, sendJson, type ReportRoute } from './http-util.js';
import type { RateLimiter } from './rate-limiter.js';
import { hourlyCsv, zoneDayCsv } from './report-csv.js';
import type { ReportService } from './report-service.js';

export const OPEN_PREFIX = '/api/open';

// Anyone may read from any origin (the data strategy asks for open data); nothing is writable.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Content-Disposition, Retry-After, RateLimit-Remaining',
};
const ALLOW = 'GET, HEAD, OPTIONS';
// Figures of past hours change only when late data arrives; a minute of caching is harmless.
const CACHEABLE = { 'cache-control': 'public, max-age=60' };

export interface OpenDataOptions {
  service: ReportService;
  catalogue: Catalogue;
  limiter: RateLimiter;
  trustProxy: boolean;
  log: Logger;
}

/**
 * The public, read-only open-data API (no session): CORS for every origin, GET/HEAD/OPTIONS
 * only, a token bucket per client address (429 with Retry-After when it is empty).
 * - `/api/open`: what is here; `/api/open/stations`, `/api/open/zones`: the catalogue
 * - `/api/open/stations/{id}/hourly?date=YYYY-MM-DD[&format=csv]`: hourly averages and availability
 * - `/api/open/zones/{id}/daily.csv?date=YYYY-MM-DD` (or `/daily` as JSON): a zone's day per station and parameter
 */
export function createOpenDataRoutes(options: OpenDataOptions): ReportRoute {
  const { service, catalogue, limiter, log } = options;
  const stations = catalogue.stations.map((s) => {
    const zone = catalogue.zoneOf(s.id);
    return {
      id: s.id,
      name: s.name,
      kind: s.kind,
      facility: catalogue.facility(s.facilityId)?.name ?? '',
      zoneId: zone?.id ?? '',
      lat: s.lat,
      lon: s.lon,
      intervalS: s.intervalS,
      parameters: s.parameters.map((p) => ({ parameter: p.parameter, unit: p.unit })),
    };
  });
  const zones = catalogue.zones.map((z) => ({ ...z, stations: stations.filter((s) => s.zoneId === z.id).map((s) => s.id) }));

  return {
    prefix: OPEN_PREFIX,
    public: true,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = parseUrl(req);
      const path = url.pathname.replace(/\/+$/, '');
      if (path !== OPEN_PREFIX && !path.startsWith(`${OPEN_PREFIX}/`)) return false;
      for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);

      const client = clientAddress(req, options.trustProxy);
      const admission = limiter.take(client);
      if (!admission.ok) {
        log.debug({ client }, 'open data: rate limited');
        sendJson(
          res,
          429,
          { error: 'too many requests: slow down', code: 'ERR_RATE_LIMITED', retryAfterS: admission.retryAfterS },
          { 'retry-after': String(admission.retryAfterS) },
        );
        return true;
      }
      res.setHeader('ratelimit-remaining', String(admission.remaining));

      if (req.method === 'OPTIONS') {
        res
          .writeHead(204, {
            allow: ALLOW,
            'access-control-allow-methods': ALLOW,
            'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'Accept',
            'access-control-max-age': '86400',
          })
          .end();
        return true;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'the open-data API is read-only', code: 'ERR_METHOD' }, { allow: ALLOW });
        return true;
      }

      const [kind, id, what, ...rest] = segments(path, OPEN_PREFIX) ?? ['?'];
      const format = url.searchParams.get('format');
      const date = url.searchParams.get('date') ?? service.today();
      if (kind === undefined) {
        sendJson(res, 200, index(), CACHEABLE);
      } else if (kind === 'stations' && id === undefined) {
        sendJson(res, 200, { stations }, CACHEABLE);
      } else if (kind === 'zones' && id === undefined) {
        sendJson(res, 200, { zones }, CACHEABLE);
      } else if (kind === 'stations' && id !== undefined && (what === 'hourly' || what === 'hourly.csv') && rest.length === 0) {
        await answerReport(
          res,
          log,
          async () => {
            const r = await service.stationDay(id, date);
            return { json: r, csv: () => hourlyCsv(r), filename: `quantrac-${id}-${date}-hourly.csv` };
          },
          what === 'hourly.csv' ? 'csv' : format,
          CACHEABLE,
        );
      } else if (kind === 'zones' && id !== undefined && (what === 'daily' || what === 'daily.csv') && rest.length === 0) {
        await answerReport(
          res,
          log,
          async () => {
            const r = await service.zoneDay(id, date);
            return { json: r, csv: () => zoneDayCsv(r), filename: `quantrac-${id}-${date}-daily.csv` };
          },
          what === 'daily.csv' ? 'csv' : format,
          CACHEABLE,
        );
      } else {
        sendJson(res, 404, { error: 'not found: see /api/open', code: 'ERR_NOT_FOUND' });
      }
      return true;
    },
  };
}

function index(): unknown {
  return {
    name: 'quantrac open data: automatic monitoring of industrial discharges',
    timezone: 'UTC+07:00',
    validityRules: VALIDITY_RULES,
    endpoints: {
      stations: `${OPEN_PREFIX}/stations`,
      zones: `${OPEN_PREFIX}/zones`,
      hourly: `${OPEN_PREFIX}/stations/{stationId}/hourly?date=YYYY-MM-DD[&format=csv]`,
      zoneDailyCsv: `${OPEN_PREFIX}/zones/{zoneId}/daily.csv?date=YYYY-MM-DD`,
      zoneDaily: `${OPEN_PREFIX}/zones/{zoneId}/daily?date=YYYY-MM-DD`,
    },
    access: 'read-only (GET, HEAD); any origin (CORS); rate-limited per client address (HTTP 429 with Retry-After)',
  };
}
