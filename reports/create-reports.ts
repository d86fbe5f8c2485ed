import type { AuditLog, Catalogue, InfluxQuery, Logger, Route } from '../core/index.js';
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
  /** Where report exports (CSV) and refusals by scope are recorded (docs/SECURITY.md, "Audit log"). */
  audit?: AuditLog;
  /** Whether the dashboard trusts X-Forwarded-For (DASHBOARD_TRUST_PROXY): the audited client address is read as it does. */
  trustProxy?: boolean;
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
    createReportRoutes({
      service,
      catalogue: options.catalogue,
      log,
      ...(options.audit ? { audit: options.audit } : {}),
      trustProxy: options.trustProxy === true,
    }),
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
