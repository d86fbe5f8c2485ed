import type { Catalogue, InfluxQuery, Logger, Route } from '../core/index.js';
import { systemClock, type Clock } from '../platform/index.js';
import { createOpenDataRoutes } from './open-data-routes.js';
import { createRateLimiter } from './rate-limiter.js';
import { createReportRoutes } from './report-routes.js';
import { createReportService, type ReportService } from './report-service.js';

export interface ReportsOptions {
  /** InfluxQL over `/query` with epoch ms (ingest's InfluxClient.query). */
  query: InfluxQuery;
  catalogue: Catalogue;
  log: Logger;
  clock?: Clock;
  openData?: {
    /** Token bucket per client address: burst size and sustained requests per minute. */
    burstRequests?: number;
    requestsPerMin?: number;
    /** Read the client address from X-Forwarded-For (only behind a trusted reverse proxy). */
    trustProxy?: boolean;
  };
  /** How long a computed report is reused (ms); 0 turns the cache off. */
  cacheTtlMs?: number;
}

export interface Reports {
  /** Mount on the dashboard: `/api/reports/` (behind the session) and `/api/open` (public). */
  readonly routes: Route[];
  readonly service: ReportService;
  close(): Promise<void>;
}

/** Compliance reports (hourly/daily averages with the validity rules) and the open-data API. */
export function createReports(options: ReportsOptions): Reports {
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const service = createReportService({
    query: options.query,
    catalogue: options.catalogue,
    clock,
    cacheTtlMs: options.cacheTtlMs ?? 30_000,
  });
  const limiter = createRateLimiter({
    burst: options.openData?.burstRequests ?? 30,
    perMinute: options.openData?.requestsPerMin ?? 60,
    clock,
  });
  const routes = [
    createReportRoutes(service, log),
    createOpenDataRoutes({ service, catalogue: options.catalogue, limiter, trustProxy: options.openData?.trustProxy ?? false, log }),
  ];
  return {
    routes,
    service,
    async close() {
      service.clear();
    },
  };
}
