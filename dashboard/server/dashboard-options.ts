import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type {
  AlertEvent,
  AlertsApi,
  AuditLog,
  Catalogue,
  InfluxQuery,
  Logger,
  MapSettings,
  Presence,
  Reading,
  Route,
  SessionPort,
  StorageCondition,
} from '../../core/index.js';
import type { Clock, SchedulerLike } from '../../platform/index.js';
import type { LiveHubOptions } from './live-hub.js';

/** What the dashboard server is made from (http-server.ts `createDashboard`). */
export interface DashboardOptions {
  host: string;
  port: number;
  catalogue: Catalogue;
  readings$: Observable<Reading>;
  /** The Vite build of dashboard/web. */
  staticDir: string;
  log: Logger;
  /**
   * Extra routes (metrics, health, reports, open data) answered before the dashboard's own.
   * `public` ones need no session; the others are answered only for a logged-in user, and a
   * state-changing request to them must come from the page's own Origin.
   */
  routes?: Route[];
  /** Where `users.json` lives (DATA_DIR); or give `usersFile`. */
  dataDir?: string;
  usersFile?: string;
  /** Where the display tokens live (default `displays.json` beside the users file). */
  displaysFile?: string;
  /** InfluxQL for history and availability (ingest's `influx.query`). */
  query?: InfluxQuery;
  /** The alerts engine: REST and the snapshot's open alerts. */
  alerts?: AlertsApi;
  /** Alert events, sent to every client at once. */
  alertEvents$?: Observable<AlertEvent>;
  /** Station presence (broker): "interrupted" on the page. */
  presence$?: Observable<Presence>;
  /** Ingest's storage condition: the "storage backlog" banner. */
  storage$?: Observable<StorageCondition>;
  /**
   * Origins besides the listening address's own (DASHBOARD_ORIGINS): every DNS name or proxy
   * origin the page is reached at. The request's Host header is never trusted for this.
   */
  allowedOrigins?: readonly string[];
  /** Behind a TLS-terminating reverse proxy: trust X-Forwarded-Proto/-For (Secure cookie, client address). */
  trustProxy?: boolean;
  /** scrypt N for new password hashes (default 2^15). */
  passwordCost?: number;
  sessionIdleMs?: number;
  sessionMaxAgeMs?: number;
  /**
   * Makes the session store shared by the nodes (cluster mode, docs/ARCHITECTURE.md "Cluster
   * mode"), given the dashboard's idle timeout, maximum age and clock. None: sessions in memory.
   */
  sessionStore?: (limits: { idleMs: number; maxAgeMs: number; clock: Clock }) => SessionPort;
  /** Login throttling and the bound on password checks (login-throttle.ts; docs/SECURITY.md, "Login throttling"). */
  login?: {
    maxFailures?: number;
    windowMs?: number;
    lockMs?: number;
    nameBackoffAfter?: number;
    nameBackoffMaxMs?: number;
    maxConcurrentChecks?: number;
    maxQueuedChecks?: number;
  };
  /** Where the dashboard's login counters go (the `/metrics` registry); none: not counted. */
  registry?: Registry;
  /** How often open live views refresh their sessions and lose those that ended (default 30 s; tests shorten it). */
  sweepMs?: number;
  live?: Pick<
    LiveHubOptions,
    'frameMs' | 'budgetBytesPerS' | 'maxBufferedBytes' | 'hardBufferedBytes' | 'stuckTimeoutMs' | 'maxPendingReadings'
  >;
  /** Runs the session sweep (default the system's; tests may pass a virtual one). */
  scheduler?: SchedulerLike;
  /** Sessions, logins, users and routes read the time here (default `scheduler`). */
  clock?: Clock;
  /**
   * The audit log (docs/SECURITY.md, "Audit log"): logins, failed logins, logouts, user changes,
   * alert actions, exports and refusals by scope. None: nothing is audited.
   */
  audit?: AuditLog;
  /** The map's basemap (MAP_STYLE_URL; `GET /api/map`); none: the page's bundled offline basemap. */
  map?: MapSettings;
}
